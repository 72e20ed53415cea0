"""First sign-in for imported officers: the leader issues single-use, expiring links; the officer sets a password.

Imported inspectors get no usable password (nobody should type one for them). A link is Django's password-reset
token for the account: it works once (it is bound to the password hash, which setting a password changes) and
expires after PASSWORD_RESET_TIMEOUT (3 days by default). Issuing is audited; the link itself is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ecoenforce.core.access import require_role, scope_by_region
from ecoenforce.core.audit import audit_record
from ecoenforce.core.models import User
from ecoenforce.registry.pools.services import IMPORT_ROLES


@dataclass(frozen=True)
class Invitation:
    """One officer and the path of their first sign-in link."""

    user: User
    path: str


def officers_awaiting_first_sign_in(*, actor: User):
    """Certified officers of the actor's jurisdiction who have never had a usable password."""
    require_role(actor, IMPORT_ROLES)
    qs = scope_by_region(User.objects.select_related("organization").filter(is_active=True).exclude(certificate_no=""),
                         user=actor, field="organization__region__code")
    return [u for u in qs.order_by("organization__name", "full_name") if not u.has_usable_password()]


@transaction.atomic
def invitations_issue(*, actor: User) -> list[Invitation]:
    """A first sign-in link for every officer awaiting one; each issue is audited."""
    invitations = []
    for user in officers_awaiting_first_sign_in(actor=actor):
        path = reverse("registry:first_sign_in", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                                        "token": default_token_generator.make_token(user)})
        audit_record(actor=actor, obj=user, action="inspector.invite", after={"certificate_no": user.certificate_no})
        invitations.append(Invitation(user=user, path=path))
    return invitations
