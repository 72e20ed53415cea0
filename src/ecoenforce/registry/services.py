"""Registry writes: regulated entities and their dated history."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import Region, User
from ecoenforce.registry.models import EntityEvent, Industry, RegulatedEntity
from ecoenforce.registry.positive.services import REMOVAL_KINDS, positive_list_review_entity
from ecoenforce.registry.uscc import uscc_problem

USCC_MESSAGES = {
    "length": lambda: _("A unified social credit code has exactly 18 characters."),
    "format": lambda: _("The code contains characters a credit code cannot have (letters I, O, S, V, Z are never used)."),
    "checksum": lambda: _("The last character does not match the rest of the code: check it against the business licence."),
    "org_checksum": lambda: _("Characters 9–17 are not a valid organisation code: check it against the business licence."),
}

ENTITY_FIELDS = ("uscc", "name", "industry", "region", "address", "legal_representative", "contact_phone",
                 "permit_class", "permit_number", "is_key_unit")


def _validate_uscc(code: str) -> str:
    code = code.strip().upper()
    problem = uscc_problem(code)
    if problem:
        raise ValidationFailed(USCC_MESSAGES[problem](), details={"uscc": [USCC_MESSAGES[problem]()]})
    return code


def _snapshot(entity: RegulatedEntity) -> dict:
    return {f: getattr(entity, f + "_id" if f in ("industry", "region") else f) for f in ENTITY_FIELDS}


@transaction.atomic
def entity_create(*, actor: User | None, uscc: str, name: str, industry: Industry, region: Region, address: str,
                  permit_class: str, permit_number: str = "", is_key_unit: bool = False,
                  legal_representative: str = "", contact_phone: str = "") -> RegulatedEntity:
    """Register an entity after validating its credit code and fields."""
    uscc = _validate_uscc(uscc)
    if region.level != Region.Level.COUNTY:
        raise ValidationFailed(_("Choose a county-level division, not a city or province."), details={"region": [_("Choose a county.")]})
    if RegulatedEntity.objects.filter(uscc=uscc).exists():
        raise ValidationFailed(_("An entity with this credit code is already registered."), details={"uscc": [_("Already registered.")]})
    entity = RegulatedEntity(
        uscc=uscc, name=name.strip(), industry=industry, region=region, address=address.strip(),
        permit_class=permit_class, permit_number=permit_number.strip(), is_key_unit=is_key_unit,
        legal_representative=legal_representative.strip(), contact_phone=contact_phone.strip(),
    )
    try:
        entity.full_clean()
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from None
    entity.save()
    audit_record(actor=actor, obj=entity, action="entity.create", after=_snapshot(entity))
    return entity


def entity_event_record(*, entity: RegulatedEntity, kind: str, date: dt.date, ref: str = "", note: str = "") -> EntityEvent:
    """Push a dated fact into the entity's history; idempotent on (entity, kind, ref) when ref is given.

    A new penalty or incident proposes the removal of a positive-listed entity at once.
    """
    if ref:
        event, created = EntityEvent.objects.get_or_create(
            entity=entity, kind=kind, ref=ref, defaults={"date": date, "note": note[:200]}
        )
    else:
        event, created = EntityEvent.objects.create(entity=entity, kind=kind, date=date, note=note[:200]), True
    if created and kind in REMOVAL_KINDS:
        positive_list_review_entity(entity=entity, event=event)
    return event


def entity_event_correct(*, entity: RegulatedEntity, ref: str, kind: str, date: dt.date) -> EntityEvent:
    """A corrected fact (an inspection result corrected before publication): the event pushed under `ref` takes its
    new kind and date — the caller keeps the original in its own record and audit trail."""
    event = EntityEvent.objects.filter(entity=entity, ref=ref).order_by("id").first()
    if event is None:
        return entity_event_record(entity=entity, kind=kind, date=date, ref=ref)
    event.kind, event.date = kind, date
    event.save(update_fields=["kind", "date"])
    if kind in REMOVAL_KINDS:
        positive_list_review_entity(entity=entity, event=event)
    return event
