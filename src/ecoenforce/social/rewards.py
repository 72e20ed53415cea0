"""Tip rewards (举报奖励): who is eligible and how much, from the bureau's reward policy — a pure core (no Django).

The national guidance (环办执法〔2020〕8号) leaves amounts to local rules (regulations.md §6). The defaults are
Zhejiang's share of the fine and its cap [CONFIRMED local], Shandong's first-whistleblower-only rule [CONFIRMED local]
and Hunan 2025's real-name condition [CONFIRMED local]; the minimum is an assumption. Every number is policy data
(social.RewardPolicy, versioned): an administrator changes it by adding a version; keys listed under "unconfirmed"
are the ones nobody has checked against the province's text.

`assess` returns the eligibility, the amount and the reasons as codes; the caller words them (social.selectors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

DEFAULTS: dict = {
    "share_of_fine": "0.05",  # Zhejiang: 5 % of the fine
    "cap": "100000",  # Zhejiang: at most ¥100,000
    "minimum": "500",  # assumption (Shandong's lowest tier is ¥500)
    "first_reporter_only": True,  # Shandong: first whistleblower only
    "real_name_only": True,  # Hunan 2025: real-name reports only
    "unconfirmed": ["minimum"],
}

# Reason codes, in the order they are checked.
NOT_VERIFIED = "not_verified"  # the bureau has not (yet) found the reported facts true
NO_FINE = "no_fine"  # no penalty with a fine was decided (yet)
NOT_FIRST = "not_first"  # an earlier tip reported the same facts
ANONYMOUS = "anonymous"  # the policy rewards real-name reports only
SHARE = "share"  # amount = share × fine
CAPPED = "capped"  # the share was above the cap
RAISED_TO_MINIMUM = "raised_to_minimum"  # the share was below the minimum


@dataclass(frozen=True)
class RewardRules:
    share_of_fine: Decimal
    cap: Decimal
    minimum: Decimal
    first_reporter_only: bool
    real_name_only: bool

    @classmethod
    def from_values(cls, values: dict | None) -> RewardRules:
        """Rules from a policy version's values; a missing key keeps the default. Raises ValueError on bad data."""
        merged = {**DEFAULTS, **(values or {})}
        rules = cls(share_of_fine=Decimal(str(merged["share_of_fine"])), cap=Decimal(str(merged["cap"])),
                    minimum=Decimal(str(merged["minimum"])), first_reporter_only=bool(merged["first_reporter_only"]),
                    real_name_only=bool(merged["real_name_only"]))
        if not (0 < rules.share_of_fine <= 1) or rules.cap < 0 or rules.minimum < 0 or rules.minimum > rules.cap:
            raise ValueError("share must be in (0, 1], and 0 <= minimum <= cap")
        return rules


@dataclass(frozen=True)
class RewardAssessment:
    eligible: bool
    amount: Decimal  # yuan, 2 decimals; 0 when not eligible
    reasons: list[str] = field(default_factory=list)


def assess(*, verified: bool, fine: Decimal | None, first_reporter: bool, real_name: bool,
           rules: RewardRules) -> RewardAssessment:
    """Whether a tip earns a reward and how much: the tip must be verified, its case decided with a fine, it must be
    the first report of the facts (if the rules say so) and real-name (if the rules say so); the amount is the share
    of the fine, no more than the cap and no less than the minimum. All failing conditions are listed."""
    reasons = []
    if not verified:
        reasons.append(NOT_VERIFIED)
    if fine is None or fine <= 0:
        reasons.append(NO_FINE)
    if rules.first_reporter_only and not first_reporter:
        reasons.append(NOT_FIRST)
    if rules.real_name_only and not real_name:
        reasons.append(ANONYMOUS)
    if reasons:
        return RewardAssessment(False, Decimal("0.00"), reasons)
    amount = (Decimal(fine) * rules.share_of_fine).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    reasons = [SHARE]
    if amount > rules.cap:
        amount = rules.cap
        reasons.append(CAPPED)
    elif amount < rules.minimum:
        amount = rules.minimum
        reasons.append(RAISED_TO_MINIMUM)
    return RewardAssessment(True, amount.quantize(Decimal("0.01")), reasons)
