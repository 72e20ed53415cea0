"""按日连续处罚 (EPL art. 59; MEP Order No. 28, 2015) as pure arithmetic over correction rounds (no Django).

A round: an order to correct (责令改正违法行为决定书) served after the original penalty decision (art. 7); a covert
re-inspection within 30 days of the service (art. 10); if the violation goes on — or the re-inspection is refused
or obstructed (art. 13) — a daily penalty: the days from the day after the order's service to the day of the
re-inspection (art. 17), at the original fine per day (art. 19). A new order and a new re-inspection follow, with no
limit on the rounds (art. 18). The rounds stop when the polluter has corrected, stopped production or closed
(art. 12, art. 20).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

REINSPECT_WITHIN_DAYS = 30  # Order 28 art. 10


class Finding(StrEnum):
    """What the covert re-inspection found."""

    NOT_CORRECTED = "not_corrected"  # still discharging illegally
    REFUSED = "refused"  # refused or obstructed the re-inspection (counts as not corrected, art. 13)
    CORRECTED = "corrected"
    PRODUCTION_STOPPED = "production_stopped"
    CLOSED = "closed"


PENALIZED = frozenset({Finding.NOT_CORRECTED, Finding.REFUSED})
STOPS = frozenset({Finding.CORRECTED, Finding.PRODUCTION_STOPPED, Finding.CLOSED})


class DailyPenaltyError(ValueError):
    """A round that cannot be recorded; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Round:
    """One order to correct and what its re-inspection found (None: not re-inspected yet)."""

    served_on: dt.date
    reinspected_on: dt.date | None = None
    finding: Finding | None = None


def reinspection_due(served_on: dt.date) -> dt.date:
    """The last day for the covert re-inspection (30 days from the order's service)."""
    return served_on + dt.timedelta(days=REINSPECT_WITHIN_DAYS)


def penalty_days(served_on: dt.date, reinspected_on: dt.date) -> int:
    """Days counted: from the day after the order's service to the re-inspection day, both included."""
    if reinspected_on <= served_on:
        raise DailyPenaltyError("reinspection_not_after_service")
    return (reinspected_on - served_on).days


def round_penalty(*, original_fine: Decimal, served_on: dt.date, reinspected_on: dt.date,
                  finding: Finding) -> tuple[int, Decimal]:
    """(days, amount) of the round's daily penalty; (0, 0) when the finding stops the rounds."""
    days = penalty_days(served_on, reinspected_on)
    if Finding(finding) not in PENALIZED:
        return 0, Decimal("0")
    return days, (original_fine * days).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class State:
    """Where the rounds stand: what comes next ("order", "reinspect", "stopped"), the open round's due date, the
    total days and amount so far."""

    next: str
    due: dt.date | None
    overdue: bool
    total_days: int
    total_amount: Decimal


def rounds_state(*, original_fine: Decimal, rounds: Sequence[Round], today: dt.date) -> State:
    """Sum the rounds and say what is next: a re-inspection of the open round (overdue after its 30 days), a new
    order after a finding of no correction, or nothing after a stop."""
    total_days, total = 0, Decimal("0")
    for r in rounds:
        if r.reinspected_on is not None and r.finding is not None:
            days, amount = round_penalty(original_fine=original_fine, served_on=r.served_on,
                                         reinspected_on=r.reinspected_on, finding=r.finding)
            total_days, total = total_days + days, total + amount
    if not rounds:
        return State("order", None, False, 0, total)
    last = rounds[-1]
    if last.reinspected_on is None:
        due = reinspection_due(last.served_on)
        return State("reinspect", due, today > due, total_days, total)
    if Finding(last.finding) in STOPS:
        return State("stopped", None, False, total_days, total)
    return State("order", None, False, total_days, total)


def check_new_order(rounds: Sequence[Round], served_on: dt.date) -> None:
    """A new order follows only a round found not corrected (or none yet), and is not served before it."""
    if not rounds:
        return
    last = rounds[-1]
    if last.reinspected_on is None:
        raise DailyPenaltyError("round_open")
    if Finding(last.finding) in STOPS:
        raise DailyPenaltyError("stopped")
    if served_on < last.reinspected_on:
        raise DailyPenaltyError("order_before_reinspection")
