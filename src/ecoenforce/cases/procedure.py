"""Procedure after the advance notice (pure: no Django): hearing notice, service, payment, late surcharge, the
court enforcement window, collective discussion — the periods as policy data, each with its source.

`ProcedureRules.from_values` reads a `ProcedurePolicy` version (or `DEFAULTS` when none is stored). The functions
take the rules and dates; the working-day calendar is passed in where the law counts working days.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# The periods in force unless an administrator adds a policy version; every figure names its source.
DEFAULTS: dict = {
    "hearing_notice_working_days": 7,  # 行政处罚法 art. 64(2) 七日前通知; art. 85: 七日 are working days
    "payment_days": 15,  # 行政处罚法 art. 67(3): pay within 15 days of receiving the decision
    "surcharge_percent_per_day": "3",  # 行政处罚法 art. 72(1): 3 % of the fine a day, at most the fine
    "reconsideration_days": 60,  # 行政复议法 (2023) art. 20: 60 days from knowing of the act
    "lawsuit_months": 6,  # 行政诉讼法 art. 46: 6 months from knowing of the act
    "enforcement_application_months": 3,  # 行政强制法 art. 53: within 3 months after the periods end
    "extension_days": 30,  # UNCONFIRMED (regulations.md §2.3): +30 days once, with the head's approval
    # 集体讨论 (行政处罚法 art. 57: complex or major cases): bureau policy, UNCONFIRMED — confirm with the bureau.
    "discussion_fine_threshold": "1000000",
    "discussion_kinds": ["close", "revoke"],
    "sources": "行政处罚法 arts. 57, 64, 67, 72, 85; 行政复议法 art. 20; 行政诉讼法 art. 46; 行政强制法 art. 53; "
               "extension and discussion criteria: bureau policy, unconfirmed",
}

# 送达方式 (民事诉讼法 arts. 87–95 as applied by 行政处罚法 art. 61): electronic service needs the party's consent.
SERVICE_METHODS = ("direct", "post", "electronic", "public_notice")


class ProcedureError(ValueError):
    """Policy values that cannot be read (`code`, `subject` the key)."""

    def __init__(self, code: str, subject: str = ""):
        super().__init__(f"{code}: {subject}")
        self.code, self.subject = code, subject


def _int(values: Mapping, key: str) -> int:
    raw = values.get(key, DEFAULTS[key])
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise ProcedureError("not_a_number", key)
    return raw


def _decimal(values: Mapping, key: str) -> Decimal | None:
    raw = values.get(key, DEFAULTS[key])
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ProcedureError("not_a_number", key) from None
    if not value.is_finite() or value < 0:
        raise ProcedureError("not_a_number", key)
    return value


@dataclass(frozen=True)
class ProcedureRules:
    """The periods and criteria of the procedure (see `DEFAULTS` for what each means and its source)."""

    hearing_notice_working_days: int = 7
    payment_days: int = 15
    surcharge_percent_per_day: Decimal = Decimal("3")
    reconsideration_days: int = 60
    lawsuit_months: int = 6
    enforcement_application_months: int = 3
    extension_days: int = 30
    discussion_fine_threshold: Decimal | None = Decimal("1000000")
    discussion_kinds: frozenset[str] = frozenset({"close", "revoke"})

    @classmethod
    def from_values(cls, values: Mapping) -> ProcedureRules:
        if not isinstance(values, Mapping):
            raise ProcedureError("not_a_mapping")
        kinds = values.get("discussion_kinds", DEFAULTS["discussion_kinds"])
        if not isinstance(kinds, list) or not all(isinstance(k, str) and k for k in kinds):
            raise ProcedureError("malformed", "discussion_kinds")
        rate = _decimal(values, "surcharge_percent_per_day")
        if rate is None:
            raise ProcedureError("not_a_number", "surcharge_percent_per_day")
        return cls(
            hearing_notice_working_days=_int(values, "hearing_notice_working_days"),
            payment_days=_int(values, "payment_days"), surcharge_percent_per_day=rate,
            reconsideration_days=_int(values, "reconsideration_days"), lawsuit_months=_int(values, "lawsuit_months"),
            enforcement_application_months=_int(values, "enforcement_application_months"),
            extension_days=_int(values, "extension_days"),
            discussion_fine_threshold=_decimal(values, "discussion_fine_threshold"), discussion_kinds=frozenset(kinds))


def late_surcharge(*, fine: Decimal, due: dt.date, on: dt.date, percent_per_day: Decimal = Decimal("3")) -> Decimal:
    """加处罚款 (行政处罚法 art. 72): `percent_per_day` of the fine for each day after the payment deadline `due` up to
    `on`, never more than the fine itself; nothing on or before the deadline. Rounded to the fen."""
    days = max(0, (on - due).days)
    amount = (fine * percent_per_day / Decimal(100) * days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(amount, fine.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class EnforcementWindow:
    """When the bureau may apply to the court (申请人民法院强制执行): after the party's periods for reconsideration and
    lawsuit have passed without payment, within the application period."""

    appeals_end: dt.date  # the last day the party could still appeal
    opens: dt.date
    closes: dt.date


def enforcement_window(served_on: dt.date, rules: ProcedureRules = ProcedureRules()) -> EnforcementWindow:
    """The window counted from the decision's service (行政强制法 art. 53)."""
    reconsideration = served_on + dt.timedelta(days=rules.reconsideration_days)
    lawsuit = add_months(served_on, rules.lawsuit_months)
    appeals_end = max(reconsideration, lawsuit)
    return EnforcementWindow(appeals_end, appeals_end + dt.timedelta(days=1),
                             add_months(appeals_end, rules.enforcement_application_months))


def enforcement_blocks(*, served_on: dt.date | None, fine: Decimal | None, paid: Decimal, today: dt.date,
                       rules: ProcedureRules = ProcedureRules()) -> str:
    """Why the bureau cannot apply for court enforcement today: "not_served", "paid", "periods_running", "too_late",
    or "" when it can."""
    if served_on is None:
        return "not_served"
    if fine is None or paid >= fine:
        return "paid"
    window = enforcement_window(served_on, rules)
    if today < window.opens:
        return "periods_running"
    if today > window.closes:
        return "too_late"
    return ""


def discussion_required(rules: ProcedureRules, *, fine: Decimal | None, kinds: Iterable[str] = ()) -> bool:
    """Whether the penalty is heavy enough that the heads must discuss it collectively before it issues."""
    heavy_fine = (rules.discussion_fine_threshold is not None and fine is not None
                  and fine >= rules.discussion_fine_threshold)
    return heavy_fine or bool(set(kinds) & rules.discussion_kinds)
