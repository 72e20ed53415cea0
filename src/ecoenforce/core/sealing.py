"""Sealed contacts: a person's identity and contact (a tipster's name and phone) that only the people who need them see.

The identity lives in its own row (`SealedContact`), never in the holder's fields, so that lists, search, exports,
the API and the audit text — which read the holder — cannot carry it by accident. There is one way to read it:

- `contact_may_read(user, holder)` asks the holder (`holder.may_read_sealed_contact(user)`, e.g. a lead: its
  handlers and their leaders) — no one else, administrators included;
- `contact_reveal(actor=…, holder=…)` returns the contact to such a person and records in the whole-process record
  *that* they looked (never what they saw). Pages call it on an explicit request (a POST), so every look is on record.

New holders (issue 12's public tips, grid reports) point a `OneToOneField(SealedContact)` at it and define
`may_read_sealed_contact`; they get the same guarantees and the same tests.
"""

from __future__ import annotations

from typing import Protocol

from django.db import models, transaction

from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import PermissionDenied
from ecoenforce.core.models import SealedContact, User


class SealedHolder(Protocol):
    """A model that holds a sealed contact."""

    sealed_contact: SealedContact | None

    def may_read_sealed_contact(self, user: User) -> bool:
        """True if `user` needs this contact for their work."""


def contact_seal(*, name: str = "", phone: str = "", email: str = "", id_number: str = "") -> SealedContact | None:
    """Store a contact under seal (inside the caller's transaction); None if there is nothing to seal."""
    values = {"name": name.strip()[:64], "phone": phone.strip()[:32], "email": email.strip()[:128],
              "id_number": id_number.strip().upper()[:18]}
    if not any(values.values()):
        return None
    return SealedContact.objects.create(**values)


def contact_may_read(user: User, holder: SealedHolder) -> bool:
    """The one access rule: the holder decides who needs the contact; an inactive or anonymous user never does."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(holder.may_read_sealed_contact(user))


@transaction.atomic
def contact_reveal(*, actor: User, holder: models.Model) -> SealedContact | None:
    """The holder's contact for someone who needs it, with the look recorded; PermissionDenied for anyone else."""
    if not contact_may_read(actor, holder):
        raise PermissionDenied()
    contact = holder.sealed_contact
    if contact is None:
        return None
    audit_record(actor=actor, obj=holder, action="contact.reveal", after={"sealed_contact": contact.pk})
    return contact
