"""Lead writes: intake from any channel, triage (close with a reason, or open a case)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.cases.models import Case
from ecoenforce.cases.services import case_open
from ecoenforce.core.access import STAFF_ROLES, get_in_scope, has_role, require_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import InvalidTransition, NotFound, ValidationFailed
from ecoenforce.core.models import Region, Role, User
from ecoenforce.core.sealing import contact_seal
from ecoenforce.leads.models import Lead
from ecoenforce.leads.selectors import lead_assignable_officers
from ecoenforce.notifications.models import Kind
from ecoenforce.notifications.services import notify
from ecoenforce.registry.models import EntityEvent, RegulatedEntity
from ecoenforce.registry.services import entity_event_record

STATUS_FIELDS = ("status", "close_reason", "close_note", "case_id", "triaged_at")
ASSIGNMENT_FIELDS = ("assigned_to_id", "assignment_due", "assignment_note")
# Who hands leads out to officers.
ASSIGN_ROLES = (Role.UNIT_LEADER,)


def _snapshot(lead: Lead) -> dict:
    return {f: getattr(lead, f) for f in STATUS_FIELDS}


def _next_number(received: dt.datetime) -> str:
    day = timezone.localtime(received).strftime("%Y%m%d")
    prefix = f"XS{day}"
    last = Lead.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    return f"{prefix}{(int(last[-4:]) + 1 if last else 1):04d}"


@transaction.atomic
def lead_create(*, source: str, title: str, region: Region | None = None, entity: RegulatedEntity | None = None,
                description: str = "", location: str = "", reporter_name: str = "", reporter_phone: str = "",
                created_by: User | None = None, external_ref: str | None = None,
                received_at: dt.datetime | None = None) -> tuple[Lead, bool]:
    """Put a lead into the inbox; returns (lead, created). The same external_ref twice returns the first lead."""
    if external_ref:
        existing = Lead.objects.filter(external_ref=external_ref).first()
        if existing is not None:
            return existing, False
    if source not in Lead.Source.values:
        raise ValidationFailed(_("Unknown lead source."), details={"source": [_("Choose a source from the list.")]})
    title = title.strip()
    if not title:
        raise ValidationFailed(_("Say in a few words what was noticed."), details={"title": [_("Required.")]})
    if entity is not None:
        region = entity.region
    if region is None:
        raise ValidationFailed(_("Choose the entity concerned, or at least the county where it happened."),
                               details={"region": [_("Required.")]})
    if region.level != Region.Level.COUNTY:
        raise ValidationFailed(_("Choose a county-level division, not a city or province."),
                               details={"region": [_("Choose a county.")]})
    received_at = received_at or timezone.now()
    lead = Lead.objects.create(
        number=_next_number(received_at), source=source, entity=entity, region=region, title=title[:200],
        description=description, location=location[:200], reporter=contact_seal(name=reporter_name, phone=reporter_phone),
        received_at=received_at, created_by=created_by, external_ref=external_ref,
    )
    audit_record(actor=created_by, obj=lead, action="lead.create",
                 after={"source": source, "entity": entity.pk if entity else None, "region": region.code, "title": lead.title})
    if entity is not None and source == Lead.Source.TIP:
        entity_event_record(entity=entity, kind=EntityEvent.Kind.TIP, date=received_at.date(), ref=lead.number)
    return lead, True


def _lock_new_lead(lead_id: int, actor: User) -> Lead:
    # Outside the role or the jurisdiction the lead is "not found": a 403 would confirm that it exists.
    if not has_role(actor, STAFF_ROLES):
        raise NotFound()
    qs = scope_by_region(Lead.objects.select_for_update(of=("self",)).select_related("entity", "region"), user=actor)
    try:
        lead = qs.get(pk=lead_id)
    except (Lead.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if lead.status != Lead.Status.NEW:
        raise InvalidTransition(
            _("This lead has already been triaged (%(status)s). Reload the page to see what happened to it.")
            % {"status": lead.get_status_display()}, code="already_triaged")
    return lead


@transaction.atomic
def lead_close(*, lead_id: int, actor: User, reason: str, note: str) -> Lead:
    """Close a lead without a case, with one of the listed reasons and a note."""
    lead = _lock_new_lead(lead_id, actor)
    if reason not in Lead.CloseReason.values:
        raise ValidationFailed(_("Choose why the lead is closed."), details={"reason": [_("Choose a reason.")]})
    if not note.strip():
        raise ValidationFailed(_("Write what was checked, so the record shows why it was closed."),
                               details={"note": [_("Required.")]})
    before = _snapshot(lead)
    lead.status, lead.close_reason, lead.close_note, lead.triaged_at = Lead.Status.CLOSED, reason, note.strip(), timezone.now()
    lead.save(update_fields=["status", "close_reason", "close_note", "triaged_at"])
    audit_record(actor=actor, obj=lead, action="lead.close", before=before, after=_snapshot(lead), reason=note.strip())
    return lead


@transaction.atomic
def lead_convert(*, lead_id: int, actor: User, title: str, facts: str, handlers: Sequence[User],
                 entity: RegulatedEntity | None = None, filed_on: dt.date | None = None) -> Case:
    """Open a case from a lead (the lead must name an entity, or one is chosen now); `filed_on` defaults to today."""
    lead = _lock_new_lead(lead_id, actor)
    entity = entity or lead.entity
    if entity is None:
        raise ValidationFailed(_("Choose the regulated entity the case is against."), details={"entity": [_("Required.")]})
    case = case_open(entity=entity, opened_by=actor, title=title or lead.title, facts=facts or lead.description,
                     source=f"lead:{lead.number}", handlers=handlers, filed_on=filed_on)
    before = _snapshot(lead)
    lead.status, lead.case, lead.triaged_at = Lead.Status.CONVERTED, case, timezone.now()
    if lead.entity_id is None:
        lead.entity = entity
    lead.save(update_fields=["status", "case", "triaged_at", "entity"])
    audit_record(actor=actor, obj=lead, action="lead.convert", before=before, after=_snapshot(lead))
    return case


@transaction.atomic
def lead_assign(*, lead_id: object, actor: User, assignee_id: object, due_on: dt.date | None = None,
                note: str = "") -> Lead:
    """A unit leader gives a new lead to a certified officer whose jurisdiction covers it, to verify by `due_on`.

    Reassigning moves it; assigning it again to the same officer with the same date and note changes nothing.
    """
    require_role(actor, ASSIGN_ROLES)
    lead = get_in_scope(Lead.objects.select_related("region"), user=actor, pk=lead_id)
    lead = Lead.objects.select_for_update(of=("self",)).select_related("region").get(pk=lead.pk)
    if lead.status != Lead.Status.NEW:
        raise InvalidTransition(
            _("This lead has already been triaged (%(status)s); only a new lead can be assigned.")
            % {"status": lead.get_status_display()}, code="already_triaged")
    assignee = lead_assignable_officers(user=actor, lead=lead).filter(pk=assignee_id).first() \
        if str(assignee_id or "").isdigit() else None
    if assignee is None:
        raise ValidationFailed(
            _("Choose a certified officer whose jurisdiction covers %(county)s.") % {"county": lead.region.name},
            details={"assignee": [_("Not an officer you can give this lead to.")]})
    today = timezone.localdate()
    if due_on is not None and due_on < today:
        raise ValidationFailed(_("The date to verify by cannot be in the past."), details={"due_on": [_("Choose today or later.")]})
    note = (note or "").strip()
    before = {f: getattr(lead, f) for f in ASSIGNMENT_FIELDS}
    if before == {"assigned_to_id": assignee.pk, "assignment_due": due_on, "assignment_note": note}:
        return lead
    lead.assigned_to, lead.assignment_due, lead.assignment_note = assignee, due_on, note
    lead.assigned_by, lead.assigned_at = actor, timezone.now()
    lead.save(update_fields=["assigned_to", "assignment_due", "assignment_note", "assigned_by", "assigned_at"])
    audit_record(actor=actor, obj=lead, action="lead.assign", before=before,
                 after={f: getattr(lead, f) for f in ASSIGNMENT_FIELDS}, reason=note)
    if assignee.pk != actor.pk:
        verb = (gettext_noop("%(leader)s gave you lead %(number)s to verify by %(due)s: %(title)s") if due_on
                else gettext_noop("%(leader)s gave you lead %(number)s to verify: %(title)s"))
        notify(recipients=[assignee], kind=Kind.ASSIGNMENT, verb=verb, ref=f"leads.lead:{lead.pk}",
               url=reverse("leads:detail", args=[lead.pk]), key=f"lead.assign:{lead.pk}:{lead.assigned_at.isoformat()}",
               params={"leader": actor.display_name, "number": lead.number, "title": lead.title,
                       "due": due_on.isoformat() if due_on else ""})
    return lead
