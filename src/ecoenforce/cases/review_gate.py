"""法制审核: which proposed decisions are "major" and must pass legal review before they issue (pure: no Django).

行政处罚法 art. 58 requires a legal review by a qualified reviewer before a decision that touches major public
interests, follows a hearing, or is otherwise listed as major; the list is the bureau's policy (`LegalReviewPolicy`
values, read by `Criteria.from_values`). `major_reasons` names every criterion a proposed decision meets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# The reason codes `major_reasons` returns, in this order.
FINE_AT_LEAST = "fine_at_least"
KIND = "kind"
HEARING_HELD = "hearing_held"


class ReviewPolicyError(ValueError):
    """Policy values the gate cannot read; `code` names the problem, `subject` the key."""

    def __init__(self, code: str, subject: str = ""):
        super().__init__(f"{code}: {subject}")
        self.code, self.subject = code, subject


@dataclass(frozen=True)
class Criteria:
    """What makes a decision major: a fine at or above `fine_threshold` (None: no fine criterion), any of the
    penalty kinds in `kinds` (codes of `registry.catalogue.models.PenaltyKind`), a hearing held."""

    fine_threshold: Decimal | None = None
    kinds: frozenset[str] = frozenset()
    hearing_held: bool = True

    @classmethod
    def from_values(cls, values: Mapping) -> Criteria:
        if not isinstance(values, Mapping):
            raise ReviewPolicyError("not_a_mapping")
        raw = values.get("fine_threshold")
        threshold = None
        if raw not in (None, ""):
            try:
                threshold = Decimal(str(raw))
            except (InvalidOperation, ValueError):
                raise ReviewPolicyError("not_a_number", "fine_threshold") from None
            if not threshold.is_finite() or threshold < 0:
                raise ReviewPolicyError("not_a_number", "fine_threshold")
        kinds = values.get("kinds", [])
        if not isinstance(kinds, list) or not all(isinstance(k, str) and k for k in kinds):
            raise ReviewPolicyError("malformed", "kinds")
        hearing = values.get("hearing_held", True)
        if not isinstance(hearing, bool):
            raise ReviewPolicyError("malformed", "hearing_held")
        return cls(fine_threshold=threshold, kinds=frozenset(kinds), hearing_held=hearing)


@dataclass(frozen=True)
class Reason:
    """One criterion a decision meets: its code and what it is about (the threshold, the penalty kind)."""

    code: str
    subject: str = ""


def major_reasons(criteria: Criteria, *, fine: Decimal | None, kinds: Iterable[str] = (),
                  hearing_held: bool = False) -> tuple[Reason, ...]:
    """Every criterion the proposed decision meets; empty when it is not major."""
    reasons: list[Reason] = []
    if criteria.fine_threshold is not None and fine is not None and fine >= criteria.fine_threshold:
        reasons.append(Reason(FINE_AT_LEAST, str(criteria.fine_threshold)))
    reasons += [Reason(KIND, k) for k in sorted(set(kinds) & criteria.kinds)]
    if criteria.hearing_held and hearing_held:
        reasons.append(Reason(HEARING_HELD))
    return tuple(reasons)
