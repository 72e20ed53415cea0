"""Cross-region rounds (交叉执法, institution 15): results returned to the home bureau.

In a cross-region round the officers are drawn from the city's other bureaus and never from the entity's own county
(`draw.recusal.HOME_REGION`). The inspection belongs to the entity's **home bureau** all the same: its history
records the inspection (`registry` event), a violation opens a lead in the home county's inbox (the lead's region is
the entity's, so the visiting officer's bureau never owns it), and the result itself goes back to the home bureau —
its unit leaders are notified and the result waits on their work queue until one of them receives it
(`task_result_receive`). A correction before publication sends it back again.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.core.access import ENFORCEMENT_KINDS, has_role, home_region_q
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound
from ecoenforce.core.models import Organization, Region, Role, User
from ecoenforce.notifications.models import Kind
from ecoenforce.notifications.services import notify
from ecoenforce.planning.labels import RECUSAL_LABELS
from ecoenforce.planning.models import InspectionTask

# Who receives a returned result for the home bureau (and reads the task once it has a result).
RECEIVE_ROLES = (Role.UNIT_LEADER,)
READ_ROLES = (Role.UNIT_LEADER, Role.INSPECTOR)


def home_bureau(region: Region) -> Organization | None:
    """The enforcement bureau whose work a county's entities are: its own 大队, else the nearest bureau above."""
    codes = [region.code, region.code[:4] + "00", region.code[:2] + "0000"]
    bureaus = {o.region.code: o for o in Organization.objects.filter(kind__in=ENFORCEMENT_KINDS, region__code__in=codes)
               .select_related("region").order_by("-pk")}
    return next((bureaus[c] for c in codes if c in bureaus), None)


def home_leaders(task: InspectionTask) -> list[User]:
    """The unit leaders of the task's home bureau (those who receive its result)."""
    bureau = home_bureau(task.entity.region)
    if bureau is None:
        return []
    return list(User.objects.filter(organization=bureau, role__in=RECEIVE_ROLES, is_active=True).order_by("pk"))


def is_home_staff(user: User, task: InspectionTask) -> bool:
    """True if the user works for the home bureau of a cross-region task's entity (leaders and inspectors)."""
    if not task.round.cross_region or not has_role(user, READ_ROLES) or user.organization_id is None:
        return False
    return InspectionTask.objects.filter(pk=task.pk).filter(home_region_q(user, field="entity__region__code")).exists()


def _officers(task: InspectionTask) -> str:
    return "、".join(f"{u.display_name}（{u.organization.short_name if u.organization else ''}）"
                    for u in task.inspectors.select_related("organization").order_by("pk"))


def result_return(task: InspectionTask, *, corrected: bool = False) -> None:
    """Send a cross-region task's result back to the home bureau (inside the service that recorded it): the home
    leaders are notified on commit, and the result waits on their queue until received; a corrected result waits
    again. No-op for other rounds."""
    if not task.round.cross_region:
        return
    if corrected and task.received_at is not None:
        task.received_by, task.received_at = None, None
        task.save(update_fields=["received_by", "received_at"])
    params = {"round": task.round.title, "entity": task.entity.name, "officers": _officers(task),
              "corrected": {"t": gettext_noop("Corrected result. ")} if corrected else ""}
    if task.status == InspectionTask.Status.NOT_INSPECTED:
        verb = gettext_noop("%(corrected)sCross-region round “%(round)s”: %(entity)s could not be inspected "
                            "(%(reason)s)")
        params["reason"] = task.result_note
    elif task.inspection is not None and task.inspection.violation_found:
        verb = gettext_noop("%(corrected)sCross-region round “%(round)s”: %(officers)s found a violation at %(entity)s "
                            "on %(day)s; lead %(lead)s is in your bureau's inbox")
        params.update(day=task.inspection.inspected_on.isoformat(), lead=task.lead.number if task.lead else "")
    else:
        verb = gettext_noop("%(corrected)sCross-region round “%(round)s”: %(officers)s inspected %(entity)s on %(day)s "
                            "and found no violation")
        params["day"] = task.inspection.inspected_on.isoformat() if task.inspection else ""
    notify(recipients=home_leaders(task), kind=Kind.ASSIGNMENT, verb=verb, params=params,
           ref=f"planning.inspectiontask:{task.pk}", url=reverse("planning:task_detail", args=[task.pk]),
           key=f"task.return:{task.pk}:{task.corrections.count() if corrected else 0}")


def returned_waiting_for(user: User) -> QuerySet[InspectionTask]:
    """Cross-region results on entities of the user's own bureau, not yet received (a unit leader's queue)."""
    if not has_role(user, RECEIVE_ROLES):
        return InspectionTask.objects.none()
    return (InspectionTask.objects.filter(round__policy__cross_region=True, received_at__isnull=True)
            .exclude(status=InspectionTask.Status.ASSIGNED)
            .filter(home_region_q(user, field="entity__region__code"))
            .select_related("entity", "round", "inspection", "lead").order_by("completed_at", "id"))


def returned_for_user(user: User) -> QuerySet[InspectionTask]:
    """Every cross-region result returned to the user's bureau (received or not), newest first."""
    if not has_role(user, READ_ROLES):
        return InspectionTask.objects.none()
    return (InspectionTask.objects.filter(round__policy__cross_region=True)
            .exclude(status=InspectionTask.Status.ASSIGNED)
            .filter(home_region_q(user, field="entity__region__code"))
            .select_related("entity__region", "round__organization", "inspection", "lead", "received_by")
            .prefetch_related("inspectors__organization").order_by("-completed_at", "-id"))


@transaction.atomic
def task_result_receive(*, actor: User, task_id: object) -> InspectionTask:
    """A unit leader of the home bureau receives a cross-region result (audited); it leaves the bureau's queue."""
    task = (InspectionTask.objects.select_for_update(of=("self",)).select_related("round", "entity__region")
            .filter(pk=task_id).first() if str(task_id).isdigit() else None)
    if task is None or not has_role(actor, RECEIVE_ROLES) or not is_home_staff(actor, task):
        raise NotFound()
    if task.status == InspectionTask.Status.ASSIGNED:
        raise InvalidTransition(_("This task has no result yet."))
    if task.received_at is not None:
        raise InvalidTransition(_("This result was already received by %(who)s.") % {"who": task.received_by})
    task.received_by, task.received_at = actor, timezone.now()
    task.save(update_fields=["received_by", "received_at"])
    audit_record(actor=actor, obj=task, action="task.result_receive",
                 after={"received_at": task.received_at.isoformat(), "lead": task.lead_id})
    return task


def home_recusals(task: InspectionTask) -> dict:
    """For a cross-region task: the home county, and the officers of the frozen pool recused because they work there
    (names, from the round's openings) with the draw's count per recusal reason for this target."""
    round_ = task.round
    target = next((t for t in (round_.selection or {}).get("targets", []) if t["entity"] == task.entity.uscc), None)
    county = task.entity.region.code
    pseudonyms = [i["id"] for i in round_.pools.get("inspectors", []) if i.get("region") == county]
    if round_.openings:
        certs = {o["id"]: o["certificate_no"] for o in round_.openings.get("inspectors", [])}
        pseudonyms = [certs.get(p, p) for p in pseudonyms]
    names = [u.display_name for u in User.objects.filter(certificate_no__in=pseudonyms).order_by("pk")] \
        if pseudonyms else []
    return {"county": task.entity.region.name, "officers": names, "bureau": home_bureau(task.entity.region),
            "reasons": recusal_reasons((target or {}).get("recusals", {}))}


def recusal_reasons(counts: dict[str, int]) -> list[tuple[str, int]]:
    """A target's recusals in words: (reason, officers recused for it), the reasons that recused anyone."""
    return [(str(RECUSAL_LABELS.get(code, code)), n) for code, n in counts.items() if n]
