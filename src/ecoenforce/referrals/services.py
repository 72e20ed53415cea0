"""Referral writes. The bureau refers a lead, case or entity to a partner department (out), or a department's user
refers a matter to the bureau (in); the deadline comes from the policy in force (working days on the bureau's
calendar); the addressee answers (text and files) and the sender acknowledges and closes. Joint inspections: each
department records its own result, which is pushed into the entity's history as an inspection (mutual recognition)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.cases.models import Case
from ecoenforce.core.access import STAFF_ROLES, has_role, scope_by_region
from ecoenforce.core.attachments import DOCUMENT_TYPES, attachments_check, attachments_store
from ecoenforce.core.audit import audit_record
from ecoenforce.core.calendar import deadline_in_working_days
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Organization, Region, Role, User
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_create
from ecoenforce.referrals import workflow
from ecoenforce.referrals.models import JointInspection, JointResult, Referral, ReferralFile, ReferralPolicy
from ecoenforce.referrals.selectors import is_partner
from ecoenforce.registry.models import EntityEvent, RegulatedEntity
from ecoenforce.registry.services import entity_event_record

SEND_ROLES = (Role.INSPECTOR, Role.UNIT_LEADER)
DEFAULTS = {"answer_working_days": 10, "urgent_working_days": 3}


def policy_in_force() -> tuple[dict, int | None]:
    version = ReferralPolicy.newest()
    values = dict(DEFAULTS)
    if version is not None:
        values.update({k: int(v) for k, v in version.values.items() if k in DEFAULTS and str(v).isdigit()})
    return values, version.version if version else None


def _next_number(now: dt.datetime) -> str:
    prefix = f"ZJ{timezone.localtime(now):%Y%m%d}"
    last = Referral.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    return f"{prefix}{(int(last[-4:]) + 1 if last else 1):04d}"


def _department(department_id: object) -> Organization:
    org = Organization.objects.filter(pk=department_id if str(department_id).isdigit() else None,
                                      kind=Organization.Kind.PARTNER).first()
    if org is None:
        names = "、".join(Organization.objects.filter(kind=Organization.Kind.PARTNER).order_by("name")
                         .values_list("name", flat=True)[:12]) or _("none registered yet")
        raise ValidationFailed(_("There is no such partner department. Choose one of: %(names)s. An administrator adds "
                                 "departments in the administration.") % {"names": names},
                               details={"department": [_("Not a partner department.")]})
    return org


@transaction.atomic
def referral_send(*, actor: User, department_id: object, title: str, request: str, lead_id: object = None,
                  case_id: object = None, entity_id: object = None, region: Region | None = None,
                  urgent: bool = False) -> Referral:
    """Send a referral: bureau staff to a partner department about a lead, case or entity of their jurisdiction (out);
    a partner's user to the bureau about an entity or a county (in)."""
    partner = is_partner(actor)
    if not partner and not has_role(actor, SEND_ROLES):
        raise PermissionDenied()
    department = actor.organization if partner else _department(department_id)
    lead = case = entity = None
    if partner:
        if entity_id not in (None, ""):
            entity = RegulatedEntity.objects.filter(pk=entity_id if str(entity_id).isdigit() else None).select_related("region").first()
            if entity is None:
                raise ValidationFailed(_("No such entity."), details={"entity": [_("Choose an entity from the register.")]})
            region = entity.region
        if region is None or region.level != Region.Level.COUNTY:
            raise ValidationFailed(_("Choose the county concerned, or the entity."), details={"region": [_("Choose a county.")]})
    else:
        if lead_id not in (None, ""):
            lead = scope_by_region(Lead.objects.select_related("region", "entity"), user=actor).filter(
                pk=lead_id if str(lead_id).isdigit() else None).first()
            if lead is None:
                raise NotFound()
            region, entity = lead.region, lead.entity
        if case_id not in (None, ""):
            case = scope_by_region(Case.objects.select_related("region", "entity"), user=actor).filter(
                pk=case_id if str(case_id).isdigit() else None).first()
            if case is None:
                raise NotFound()
            region, entity = case.region, case.entity
        if entity is None and entity_id not in (None, ""):
            entity = scope_by_region(RegulatedEntity.objects.select_related("region"), user=actor).filter(
                pk=entity_id if str(entity_id).isdigit() else None).first()
            if entity is None:
                raise NotFound()
            region = entity.region
        if region is None:
            raise ValidationFailed(_("Say what the referral is about: a lead, a case or an entity."),
                                   details={"subject": [_("Required.")]})
    problems = {}
    if not (title or "").strip():
        problems["title"] = [_("Required.")]
    if not (request or "").strip():
        problems["request"] = [_("Say what the department is asked to do or answer.")]
    if problems:
        raise ValidationFailed(next(iter(problems.values()))[0], details=problems)
    values, version = policy_in_force()
    now = timezone.now()
    days = values["urgent_working_days" if urgent else "answer_working_days"]
    deadline = deadline_in_working_days(timezone.localdate(now), days).due
    referral = Referral.objects.create(
        number=_next_number(now), direction=Referral.Direction.IN if partner else Referral.Direction.OUT,
        department=department, region=region, lead=lead, case=case, entity=entity, title=title.strip()[:200],
        request=request.strip(), urgent=bool(urgent), deadline=deadline, sent_by=actor, sent_at=now,
        policy_version=version)
    audit_record(actor=actor, obj=referral, action="referral.send", after={
        "number": referral.number, "direction": referral.direction, "department": department.pk,
        "lead": lead.number if lead else None, "case": case.number if case else None,
        "entity": entity.pk if entity else None, "deadline": deadline, "working_days": days, "policy_version": version})
    return referral


def _lock(actor: User, referral_id: object) -> Referral:
    from ecoenforce.referrals.selectors import referral_get_for_user

    found = referral_get_for_user(user=actor, referral_id=referral_id)
    return Referral.objects.select_for_update().select_related("department", "region").get(pk=found.pk)


def _side(actor: User, referral: Referral) -> str:
    """"department" or "bureau": which side of the referral the actor stands on."""
    return "department" if is_partner(actor) else "bureau"


def _may(actor: User, referral: Referral, action: str) -> bool:
    addressee = "department" if referral.direction == Referral.Direction.OUT else "bureau"
    sender = "bureau" if referral.direction == Referral.Direction.OUT else "department"
    side = _side(actor, referral)
    if side == "bureau" and not has_role(actor, SEND_ROLES):
        return False
    return side == (addressee if workflow.ACTOR[action] == "addressee" else sender)


def _move(referral: Referral, action: str) -> str:
    state = workflow.next_state(referral.status, action)
    if state is None:
        raise InvalidTransition(_("This referral is %(status)s: it cannot be %(action)s now. Reload the page.")
                                % {"status": referral.get_status_display(),
                                   "action": _("answered") if action == "answer" else _("closed")})
    return state


@transaction.atomic
def referral_answer(*, actor: User, referral_id: object, answer: str, files: Sequence[bytes] = (),
                    make_lead: bool = False) -> Referral:
    """The addressee answers (text and files). For a referral in, the bureau may also take it into the lead inbox."""
    referral = _lock(actor, referral_id)
    if not _may(actor, referral, "answer"):
        raise PermissionDenied(_("Only the department the referral is addressed to answers it."))
    state = _move(referral, "answer")
    if not (answer or "").strip():
        raise ValidationFailed(_("Write the answer: what was done or found."), details={"answer": [_("Required.")]})
    checked = attachments_check(files, allowed=DOCUMENT_TYPES, field="files")
    if make_lead and referral.direction == Referral.Direction.IN and referral.lead_id is None:
        lead, _created = lead_create(source=Lead.Source.REFERRAL, title=referral.title, region=referral.region,
                                     entity=referral.entity, description=referral.request, created_by=actor,
                                     external_ref=f"referral:{referral.number}")
        referral.lead = lead
    referral.status, referral.answer = state, answer.strip()
    referral.answered_by, referral.answered_at = actor, timezone.now()
    referral.save(update_fields=["status", "answer", "answered_by", "answered_at", "lead"])
    records = [ReferralFile.objects.create(referral=referral, content_type=kind, size=blob.size, sha256=blob.sha256)
               for blob, (_data, kind) in zip(attachments_store(checked), checked, strict=True)]
    audit_record(actor=actor, obj=referral, action="referral.answer", before={"status": workflow.SENT},
                 after={"status": state, "lead": referral.lead.number if referral.lead_id else None,
                        "files": [{"type": r.content_type, "size": r.size, "sha256": r.sha256} for r in records]})
    return referral


@transaction.atomic
def referral_close(*, actor: User, referral_id: object) -> Referral:
    """The sender acknowledges the answer: the round trip is complete."""
    referral = _lock(actor, referral_id)
    if not _may(actor, referral, "close"):
        raise PermissionDenied(_("Only the side that sent the referral closes it."))
    state = _move(referral, "close")
    referral.status, referral.closed_by, referral.closed_at = state, actor, timezone.now()
    referral.save(update_fields=["status", "closed_by", "closed_at"])
    audit_record(actor=actor, obj=referral, action="referral.close", before={"status": workflow.ANSWERED},
                 after={"status": state})
    return referral


@transaction.atomic
def joint_inspection_plan(*, actor: User, entity_id: object, title: str, planned_on: dt.date | None,
                          department_ids: Sequence[object], officer_ids: Sequence[object]) -> JointInspection:
    """Bureau staff plan an inspection of an entity of their jurisdiction with one or more partner departments."""
    if not has_role(actor, SEND_ROLES):
        raise PermissionDenied()
    entity = scope_by_region(RegulatedEntity.objects.select_related("region"), user=actor).filter(
        pk=entity_id if str(entity_id).isdigit() else None).first()
    if entity is None:
        raise NotFound()
    departments = [_department(d) for d in department_ids if str(d).strip()]
    if not departments:
        raise ValidationFailed(_("Choose at least one partner department to inspect with."),
                               details={"departments": [_("Required.")]})
    if planned_on is None:
        raise ValidationFailed(_("Give the date of the inspection."), details={"planned_on": [_("Required.")]})
    own = actor.organization
    ids = {int(i) for i in officer_ids if str(i).isdigit()} | {actor.pk}
    officers = list(User.objects.filter(pk__in=ids, is_active=True,
                                        organization__in=[own, *departments]))
    if len(officers) != len(ids):
        raise ValidationFailed(_("Choose officers of your bureau and of the departments taking part."),
                               details={"officers": [_("Not of a participating organization.")]})
    inspection = JointInspection.objects.create(entity=entity, title=(title or "").strip()[:200] or entity.name,
                                                planned_on=planned_on, created_by=actor)
    inspection.departments.set([own, *departments])
    inspection.officers.set(officers)
    audit_record(actor=actor, obj=inspection, action="joint_inspection.plan", after={
        "entity": entity.pk, "planned_on": planned_on, "departments": sorted(d.pk for d in [own, *departments]),
        "officers": sorted(o.pk for o in officers)})
    return inspection


@transaction.atomic
def joint_result_record(*, actor: User, inspection_id: object, findings: str, violation: bool) -> JointResult:
    """A participating department records its result (once); it counts as an inspection in the entity's history."""
    from ecoenforce.referrals.selectors import joint_inspection_get_for_user

    inspection = joint_inspection_get_for_user(user=actor, inspection_id=inspection_id)
    department = actor.organization
    if department is None or not inspection.departments.filter(pk=department.pk).exists() \
            or not inspection.officers.filter(pk=actor.pk).exists():
        raise PermissionDenied(_("Only the officers named on the joint inspection record their department's result."))
    if not (is_partner(actor) or has_role(actor, STAFF_ROLES)):
        raise PermissionDenied()
    if JointResult.objects.filter(inspection=inspection, department=department).exists():
        raise InvalidTransition(_("%(department)s has already recorded its result of this inspection.")
                                % {"department": department.name}, code="already_recorded")
    if not (findings or "").strip():
        raise ValidationFailed(_("Write what was checked and found."), details={"findings": [_("Required.")]})
    today = timezone.localdate()
    if inspection.planned_on > today:
        raise ValidationFailed(_("The inspection is planned for %(date)s: record its result on or after that day.")
                               % {"date": inspection.planned_on})
    result = JointResult.objects.create(inspection=inspection, department=department, recorded_by=actor,
                                        recorded_at=timezone.now(), violation=bool(violation), findings=findings.strip())
    kind = EntityEvent.Kind.INSPECTION_VIOLATION if violation else EntityEvent.Kind.INSPECTION_CLEAN
    entity_event_record(entity=inspection.entity, kind=kind, date=inspection.planned_on,
                        ref=f"joint:{inspection.pk}:{department.pk}", note=department.name[:200])
    audit_record(actor=actor, obj=inspection, action="joint_inspection.result", after={
        "department": department.pk, "violation": bool(violation)})
    return result


def referral_policy_check(values: object) -> dict:
    """The values of a new policy version, or ValidationFailed naming what is wrong."""
    if not isinstance(values, dict):
        raise ValidationFailed(_("The values must be an object with answer_working_days and urgent_working_days."))
    unknown = sorted(set(values) - set(DEFAULTS))
    if unknown:
        raise ValidationFailed(_("Unknown keys: %(keys)s.") % {"keys": ", ".join(unknown)})
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 60:
            raise ValidationFailed(_("%(key)s must be a whole number of working days from 1 to 60.") % {"key": key})
    return {**DEFAULTS, **values}


@transaction.atomic
def referral_policy_add(*, actor: User, values: dict, source: str = "") -> ReferralPolicy:
    checked = referral_policy_check(values)
    version = ReferralPolicy.add_version(values=checked, source=source)
    audit_record(actor=actor, obj=version, action="referral_policy.add", after={"version": version.version, **checked})
    return version
