"""法制审核 policy in force (the list of major decisions), its versions, and why a decision is major in words."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ecoenforce.cases.models import LegalReviewPolicy
from ecoenforce.cases.review_gate import (
    FINE_AT_LEAST,
    HEARING_HELD,
    KIND,
    Criteria,
    Reason,
    ReviewPolicyError,
)
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import User
from ecoenforce.registry.catalogue.models import PenaltyKind

# The code's defaults when no version is stored (the seeded version 1 has the same values).
DEFAULT_VALUES = {"fine_threshold": "200000", "kinds": ["restrict", "close", "revoke"], "hearing_held": True}


def review_policy_current() -> tuple[Criteria, int | None]:
    """The major-decision criteria in force and their version (the code's defaults, version None, when none is
    stored)."""
    latest = LegalReviewPolicy.newest()
    if latest is None:
        return Criteria.from_values(DEFAULT_VALUES), None
    return Criteria.from_values(latest.values or {}), latest.version


def review_policy_check(values: object) -> None:
    """Refuse values the gate cannot read, or penalty kinds that do not exist, saying what is wrong."""
    try:
        criteria = Criteria.from_values(values)  # type: ignore[arg-type]
    except ReviewPolicyError as exc:
        message = {"not_a_mapping": _("The values must be an object with the keys shown."),
                   "not_a_number": _("%(item)s must be a number of yuan, zero or more.")}.get(
            exc.code, _("A required key is missing or has the wrong type: %(item)s.")) % {"item": exc.subject}
        raise ValidationFailed(message, details={"values": [_("Check the values.")]}) from None
    unknown = sorted(criteria.kinds - set(PenaltyKind.values))
    if unknown:
        raise ValidationFailed(_("Unknown penalty kinds: %(kinds)s. Use the codes: %(codes)s.")
                               % {"kinds": "、".join(unknown), "codes": ", ".join(PenaltyKind.values)},
                               details={"values": [_("Check the values.")]})


@transaction.atomic
def review_policy_add(*, actor: User | None, values: object, source: str = "") -> LegalReviewPolicy:
    """Store the next version of the major-decision list (the newest is in force); unreadable values are refused."""
    review_policy_check(values)
    policy = LegalReviewPolicy.add_version(values=values, source=source)
    audit_record(actor=actor, obj=policy, action="legal_review_policy.add", after=values, reason=source)
    return policy


def reason_text(reason: Reason) -> str:
    """One criterion a decision meets, in the person's language."""
    if reason.code == FINE_AT_LEAST:
        return _("a fine of %(threshold)s yuan or more") % {"threshold": reason.subject}
    if reason.code == KIND:
        label = PenaltyKind(reason.subject).label if reason.subject in PenaltyKind.values else reason.subject
        return _("the penalty “%(kind)s”") % {"kind": label}
    if reason.code == HEARING_HELD:
        return _("a hearing was held")
    return reason.code
