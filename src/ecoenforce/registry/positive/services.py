"""Positive-list writes: apply (enterprise or staff on its behalf), decide (unit leader), removal, expiry."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, get_in_scope, has_role, require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.registry.models import EntityEvent, RegulatedEntity, RiskPolicy
from ecoenforce.registry.positive.criteria import (
    Eligibility,
    PositiveFacts,
    PositivePolicy,
    positive_eligibility,
    valid_until,
)
from ecoenforce.registry.positive.holds import NOTICE, WARNING, OpenMatter, entity_open_matters
from ecoenforce.registry.positive.models import OPEN_STATUSES, PositiveListEntry

Status = PositiveListEntry.Status
DECIDE_ROLES = (Role.UNIT_LEADER,)
REMOVAL_KINDS = (EntityEvent.Kind.PENALTY, EntityEvent.Kind.INCIDENT)


def positive_policy_current() -> PositivePolicy:
    """The positive-list rules in force: the 'positive_list' part of the newest risk policy over the defaults."""
    latest = RiskPolicy.newest()
    return PositivePolicy.from_mapping((latest.values or {}).get("positive_list", {})) if latest else PositivePolicy()


def positive_list_eligibility(*, entity: RegulatedEntity, as_of: dt.date | None = None,
                              matters: list[OpenMatter] | None = None) -> Eligibility:
    """Every entry criterion for this entity, from its record and history, and the matters still open against it
    (`matters`: already read by the caller, else asked of the apps that own them)."""
    as_of = as_of or timezone.localdate()
    matters = entity_open_matters(entity) if matters is None else matters
    facts = PositiveFacts(industry_code=entity.industry.code, permit_class=entity.permit_class,
                          networked_monitoring=entity.networked_monitoring,
                          permit_reports_on_time=entity.permit_reports_on_time, credit_grade=entity.credit_grade,
                          open_warnings=sum(m.kind == WARNING for m in matters),
                          open_notices=sum(m.kind == NOTICE for m in matters))
    events = entity.events.filter(kind__in=REMOVAL_KINDS, date__lte=as_of).values_list("date", "kind")
    return positive_eligibility(facts, list(events), as_of=as_of, policy=positive_policy_current())


def _criteria_json(e: Eligibility) -> list[dict]:
    return [dataclasses.asdict(c) for c in e.criteria]


def entity_for_applicant(*, user: User, entity_id: object) -> RegulatedEntity:
    """The entity a user may apply for: staff within their jurisdiction, an enterprise user for its own facility."""
    qs = RegulatedEntity.objects.select_related("industry", "region")
    if has_role(user, STAFF_ROLES):
        return get_in_scope(qs, user=user, pk=entity_id)
    if user.is_authenticated and user.role == Role.ENTERPRISE:
        entity = qs.filter(pk=entity_id, enterprise_accounts__user=user).first() if str(entity_id).isdigit() else None
        if entity is None:
            raise NotFound()
        return entity
    raise PermissionDenied()


@transaction.atomic
def positive_list_apply(*, actor: User, entity_id: object, note: str = "") -> tuple[PositiveListEntry, bool]:
    """Apply for the list (the enterprise, or staff on its behalf); refused with the unmet criteria.

    A second application while one is open returns the open one (created=False) instead of a duplicate.
    """
    entity = entity_for_applicant(user=actor, entity_id=entity_id)
    entity = RegulatedEntity.objects.select_for_update().select_related("industry").get(pk=entity.pk)
    existing = entity.positive_list_entries.filter(status__in=OPEN_STATUSES).first()
    if existing is not None:
        return existing, False
    eligibility = positive_list_eligibility(entity=entity)
    if not eligibility.eligible:
        from ecoenforce.registry.positive.labels import criterion_label

        unmet = "; ".join(criterion_label(c)["text"] for c in eligibility.unmet)
        message = _("Not eligible yet: %(unmet)s. The entity can apply once every criterion is met.") % {"unmet": unmet}
        if any(c.key == "no_open_matter" for c in eligibility.unmet):
            message += " " + _("Answer each electronic notice from the bureau by its deadline (My facilities → the "
                               "notice); an open monitoring warning is closed by the bureau once it has been handled.")
        raise ValidationFailed(message)
    entry = PositiveListEntry.objects.create(entity=entity, applied_by=actor, applied_at=timezone.now(),
                                             application_note=note.strip()[:500],
                                             criteria=_criteria_json(eligibility))
    audit_record(actor=actor, obj=entry, action="positive_list.apply",
                 after={"entity": entity.pk, "criteria": entry.criteria}, reason=note.strip())
    return entry, True


def _entry_for_leader(actor: User, entry_id: object) -> PositiveListEntry:
    require_role(actor, DECIDE_ROLES)
    entry = get_in_scope(PositiveListEntry.objects.select_related("entity__industry"), user=actor, pk=entry_id,
                         field="entity__region__code")
    return PositiveListEntry.objects.select_for_update().select_related("entity__industry").get(pk=entry.pk)


def _set_listed(entity: RegulatedEntity, listed: bool) -> None:
    entity.on_positive_list = listed
    entity.save(update_fields=["on_positive_list"])


@transaction.atomic
def positive_list_decide(*, actor: User, entry_id: object, approve: bool, note: str = "",
                         today: dt.date | None = None) -> PositiveListEntry:
    """A unit leader approves (listed for 3 years from today) or rejects (with a reason) an application."""
    entry = _entry_for_leader(actor, entry_id)
    if entry.status != Status.APPLIED:
        raise InvalidTransition(_("This application was already decided (%(status)s).")
                                % {"status": entry.get_status_display()})
    today = today or timezone.localdate()
    before = {"status": entry.status}
    if approve:
        eligibility = positive_list_eligibility(entity=entry.entity, as_of=today)
        if not eligibility.eligible:
            raise ValidationFailed(_("The entity no longer meets every criterion (see its page); reject the "
                                     "application with that reason."))
        entry.status, entry.valid_from = Status.APPROVED, today
        entry.valid_until = valid_until(today, positive_policy_current().validity_years)
        entry.criteria = _criteria_json(eligibility)
        _set_listed(entry.entity, True)
    else:
        if not note.strip():
            raise ValidationFailed(_("Give the reason for the rejection; the applicant will read it."),
                                   details={"note": [_("Required when rejecting.")]})
        entry.status = Status.REJECTED
    entry.decided_by, entry.decided_at, entry.decision_note = actor, timezone.now(), note.strip()[:500]
    entry.save()
    audit_record(actor=actor, obj=entry, action="positive_list.approve" if approve else "positive_list.reject",
                 before=before, after={"status": entry.status, "valid_until": entry.valid_until}, reason=note.strip())
    return entry


@transaction.atomic
def positive_list_review_entity(*, entity: RegulatedEntity, event: EntityEvent | None = None) -> PositiveListEntry | None:
    """After a new penalty or incident: propose the removal of a listed entity at once (a leader confirms it)."""
    entry = (PositiveListEntry.objects.select_for_update()
             .filter(entity=entity, status=Status.APPROVED).first())
    if entry is None or (event is not None and entry.valid_from and event.date < entry.valid_from):
        return None  # not listed, or the fact predates the listing (it was known when approved)
    kind = event.get_kind_display() if event is not None else _("a new penalty or incident")
    when = event.date.isoformat() if event is not None else ""
    entry.status, entry.removal_proposed_at = Status.REMOVAL_PROPOSED, timezone.now()
    entry.removal_reason = (f"{kind} {when} {event.ref if event is not None else ''}").strip()[:300]
    entry.save(update_fields=["status", "removal_proposed_at", "removal_reason"])
    audit_record(actor=None, obj=entry, action="positive_list.propose_removal", before={"status": Status.APPROVED},
                 after={"status": entry.status}, reason=entry.removal_reason)
    return entry


@transaction.atomic
def positive_list_removal_decide(*, actor: User, entry_id: object, remove: bool, note: str = "") -> PositiveListEntry:
    """A unit leader confirms a proposed removal, or keeps the listing with a reason (e.g. a minor, corrected case)."""
    entry = _entry_for_leader(actor, entry_id)
    if entry.status not in (Status.REMOVAL_PROPOSED, Status.APPROVED) or (not remove and entry.status != Status.REMOVAL_PROPOSED):
        raise InvalidTransition(_("Only a listed entity can be removed, and only a proposed removal can be declined."))
    if not note.strip():
        raise ValidationFailed(_("Give the reason; it is filed with the province."), details={"note": [_("Required.")]})
    before = {"status": entry.status}
    if remove:
        entry.status, entry.removed_at = Status.REMOVED, timezone.now()
        entry.removal_reason = (entry.removal_reason or note.strip())[:300]
        _set_listed(entry.entity, False)
    else:
        entry.status, entry.removal_proposed_at = Status.APPROVED, None
    entry.decision_note = note.strip()[:500]
    entry.save()
    audit_record(actor=actor, obj=entry, action="positive_list.remove" if remove else "positive_list.keep",
                 before=before, after={"status": entry.status}, reason=note.strip())
    return entry


@transaction.atomic
def positive_list_expire(*, as_of: dt.date) -> int:
    """End every listing whose 3 years are over; returns how many expired."""
    expired = 0
    for entry in (PositiveListEntry.objects.select_for_update().select_related("entity")
                  .filter(status__in=(Status.APPROVED, Status.REMOVAL_PROPOSED), valid_until__lt=as_of)):
        entry.status = Status.EXPIRED
        entry.save(update_fields=["status"])
        _set_listed(entry.entity, False)
        audit_record(actor=None, obj=entry, action="positive_list.expire", after={"valid_until": entry.valid_until})
        expired += 1
    return expired
