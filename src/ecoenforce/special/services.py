"""Special and supervised cases: writes, audited; supervisors and supervised hear of each step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.cases.models import Case
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.access import get_in_scope, has_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Organization, Role, User
from ecoenforce.notifications.models import Kind
from ecoenforce.notifications.services import notify
from ecoenforce.special.models import SpecialCase, Supervision, SupervisionReport

# A pilot rule (regulations.md §9): 挂牌督办 handling normally takes at most one year.
MAX_SUPERVISION_DAYS = 366
MAX_REPORT_INTERVAL = 90


def _today() -> dt.date:
    return timezone.localdate()


def is_above(org: Organization | None, below: Organization) -> bool:
    """True when `org` is a higher bureau of `below` (its parent, or the parent's parent …)."""
    current = below.parent
    while org is not None and current is not None:
        if current.pk == org.pk:
            return True
        current = current.parent
    return False


def _leaders(org_id: int) -> list[User]:
    return list(User.objects.filter(organization_id=org_id, role=Role.UNIT_LEADER, is_active=True))


@transaction.atomic
def supervision_open(*, case_id: object, actor: User, requirements: str, deadline: dt.date,
                     report_every_days: int) -> Supervision:
    """A leader of a higher bureau puts a case under supervision (挂牌督办) with a deadline and a report interval."""
    if not has_role(actor, [Role.UNIT_LEADER]):
        raise PermissionDenied(_("Only a unit leader of a higher bureau puts a case under supervision."))
    case = get_in_scope(Case.objects.select_related("organization__parent", "region", "entity"), user=actor, pk=case_id)
    if not is_above(actor.organization, case.organization):
        raise PermissionDenied(_("Only a higher bureau than the one handling the case supervises it."))
    if case.stage == Stage.CLOSED:
        raise InvalidTransition(_("The case is closed."))
    if Supervision.objects.filter(case=case, status=Supervision.Status.OPEN).exists():
        raise InvalidTransition(_("This case is already under supervision."), code="already_supervised")
    today = _today()
    errors = {}
    if not requirements.strip():
        errors["requirements"] = [_("Required.")]
    if not (today < deadline <= today + dt.timedelta(days=MAX_SUPERVISION_DAYS)):
        errors["deadline"] = [_("Between tomorrow and one year from today.")]
    if not (1 <= int(report_every_days or 0) <= MAX_REPORT_INTERVAL):
        errors["report_every_days"] = [_("From 1 to 90 days.")]
    if errors:
        raise ValidationFailed(_("Give the requirements, a deadline within a year and how often progress is "
                                 "reported."), details=errors)
    supervision = Supervision.objects.create(
        case=case, supervisor=actor.organization, region=case.region, requirements=requirements.strip(),
        deadline=deadline, report_every_days=int(report_every_days),
        next_report_due=min(today + dt.timedelta(days=int(report_every_days)), deadline), opened_by=actor,
        opened_on=today)
    audit_record(actor=actor, obj=supervision, action="supervision.open", region_code=case.region.code,
                 after={"case": case.pk, "deadline": deadline, "report_every_days": supervision.report_every_days})
    notify(recipients=[*case.handlers.all(), *_leaders(case.organization_id)], kind=Kind.ASSIGNMENT,
           verb=gettext_noop("%(who)s put case %(number)s under supervision until %(deadline)s: report progress "
                             "every %(days)s days"),
           params={"who": actor.display_name, "number": case.number, "deadline": str(deadline),
                   "days": supervision.report_every_days},
           url=reverse("cases:detail", args=[case.pk]), ref=f"cases.case:{case.pk}",
           key=f"supervision.open:{supervision.pk}")
    return supervision


def _supervision_for(actor: User, supervision_id: object) -> Supervision:
    qs = Supervision.objects.select_for_update(of=("self",)).select_related("case", "case__organization", "supervisor")
    return get_in_scope(qs, user=actor, pk=supervision_id)


@transaction.atomic
def supervision_report(*, supervision_id: object, actor: User, text: str) -> SupervisionReport:
    """The handlers (or their leader) report progress up to the supervising bureau; the next report falls due."""
    supervision = _supervision_for(actor, supervision_id)
    case = supervision.case
    handler = case.handlers.filter(pk=actor.pk).exists()
    leader = has_role(actor, [Role.UNIT_LEADER]) and actor.organization_id == case.organization_id
    if not (handler or leader):
        raise PermissionDenied(_("Only the case's handlers or their unit leader report on a supervised case."))
    if supervision.status != Supervision.Status.OPEN:
        raise InvalidTransition(_("The supervision has been lifted."))
    if not text.strip():
        raise ValidationFailed(_("Write the progress: what was done, what remains, and when it will be done."),
                               details={"text": [_("Required.")]})
    today = _today()
    report = SupervisionReport.objects.create(supervision=supervision, reported_on=today, text=text.strip(),
                                              reported_by=actor,
                                              late=bool(supervision.next_report_due and today > supervision.next_report_due))
    supervision.next_report_due = min(today + dt.timedelta(days=supervision.report_every_days),
                                      max(supervision.deadline, today))
    supervision.save(update_fields=["next_report_due"])
    audit_record(actor=actor, obj=supervision, action="supervision.report", region_code=case.region.code,
                 after={"late": report.late, "next_report_due": supervision.next_report_due})
    notify(recipients=_leaders(supervision.supervisor_id), kind=Kind.NOTICE,
           verb=gettext_noop("Progress reported on supervised case %(number)s"), params={"number": case.number},
           url=reverse("cases:detail", args=[case.pk]), ref=f"cases.case:{case.pk}",
           key=f"supervision.report:{report.pk}")
    return report


@transaction.atomic
def supervision_lift(*, supervision_id: object, actor: User, reason: str) -> Supervision:
    """The supervising bureau's leader lifts the supervision (the case handled, or the reasons given)."""
    supervision = _supervision_for(actor, supervision_id)
    if not (has_role(actor, [Role.UNIT_LEADER]) and actor.organization_id == supervision.supervisor_id):
        raise PermissionDenied(_("Only a unit leader of the supervising bureau lifts the supervision."))
    if supervision.status != Supervision.Status.OPEN:
        raise InvalidTransition(_("The supervision has been lifted."))
    if not reason.strip():
        raise ValidationFailed(_("Write why the supervision is lifted."), details={"reason": [_("Required.")]})
    supervision.status, supervision.lifted_on = Supervision.Status.LIFTED, _today()
    supervision.lift_reason, supervision.next_report_due = reason.strip(), None
    supervision.save(update_fields=["status", "lifted_on", "lift_reason", "next_report_due"])
    audit_record(actor=actor, obj=supervision, action="supervision.lift", reason=reason.strip(),
                 region_code=supervision.case.region.code, after={"status": supervision.status})
    return supervision


@transaction.atomic
def special_case_create(*, actor: User, name: str, brief: str = "", case_ids: Sequence[object],
                        team_ids: Sequence[object], head_id: object) -> SpecialCase:
    """A unit leader opens a special case (专案) over cases in the jurisdiction with a team pooled from its units:
    at least two certified officers, all within the leader's jurisdiction, the head among them."""
    if not has_role(actor, [Role.UNIT_LEADER]) or actor.organization is None:
        raise PermissionDenied(_("Only a unit leader opens a special case."))
    errors = {}
    if not name.strip():
        errors["name"] = [_("Required.")]
    cases = list(scope_by_region(Case.objects.filter(pk__in=[c for c in case_ids if str(c).isdigit()]), user=actor))
    if not cases:
        errors["cases"] = [_("Choose at least one case in your jurisdiction.")]
    team_qs = User.objects.filter(pk__in=[t for t in team_ids if str(t).isdigit()], is_active=True,
                                  role__in=[Role.INSPECTOR, Role.UNIT_LEADER]).exclude(certificate_no="")
    team = list(scope_by_region(team_qs, user=actor, field="organization__region__code"))
    if len(team) < 2:
        errors["team"] = [_("Choose at least two certified officers from the units in your jurisdiction.")]
    head = next((u for u in team if str(u.pk) == str(head_id)), None)
    if head is None:
        errors["head"] = [_("The team head must be one of the team.")]
    if errors:
        raise ValidationFailed(_("Some fields need correcting."), details=errors)
    special = SpecialCase.objects.create(name=name.strip()[:200], brief=brief.strip(), organization=actor.organization,
                                         region=actor.organization.region, head=head, opened_on=_today(),
                                         created_by=actor)
    special.cases.set(cases)
    special.team.set(team)
    audit_record(actor=actor, obj=special, action="special_case.create",
                 after={"cases": sorted(c.pk for c in cases), "team": sorted(u.pk for u in team), "head": head.pk,
                        "units": sorted({u.organization_id for u in team})})
    notify(recipients=[u for u in team if u.pk != actor.pk], kind=Kind.ASSIGNMENT,
           verb=gettext_noop("%(who)s named you to the special case %(name)s"),
           params={"who": actor.display_name, "name": special.name},
           url=reverse("special:detail", args=[special.pk]), ref=f"special.specialcase:{special.pk}",
           key=f"special.create:{special.pk}")
    return special
