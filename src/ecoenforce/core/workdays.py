"""Working-day arithmetic for statutory deadlines (pure: no Django).

Statutory holidays come from the `holidays` package's CN calendar (it computes future years); the
State Council's yearly schedule (extra days off, weekend working days) is layered on top from data an
administrator enters. A deadline landing in a year whose official schedule is not entered is provisional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import holidays


@dataclass(frozen=True)
class Deadline:
    """A computed due date, whether it is provisional, and the non-working days it stepped over."""

    due: dt.date
    provisional: bool
    skipped: tuple[dt.date, ...] = ()


@dataclass(frozen=True)
class WorkingCalendar:
    """Weekends + CN statutory holidays, corrected by the official schedule (extra_off / extra_work)."""

    extra_off: frozenset[dt.date] = field(default_factory=frozenset)
    extra_work: frozenset[dt.date] = field(default_factory=frozenset)
    official_years: frozenset[int] = field(default_factory=frozenset)

    @cached_property
    def _statutory(self) -> holidays.HolidayBase:
        return holidays.country_holidays("CN")

    def is_working_day(self, day: dt.date) -> bool:
        """True if government offices work that day."""
        if day in self.extra_work:
            return True
        if day in self.extra_off:
            return False
        # The package knows statutory days (and the swaps it has been told of); the entered schedule wins.
        return self._statutory.is_working_day(day)

    def add_working_days(self, start: dt.date, days: int) -> Deadline:
        """The date `days` working days after `start` (the start day itself is not counted, as the law counts)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, remaining, skipped = start, days, []
        while remaining:
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
            else:
                skipped.append(current)
        # Art. 85 of the Administrative Penalty Law: a period ending on a holiday ends on the next working day.
        while days == 0 and not self.is_working_day(current):
            current += dt.timedelta(days=1)
        years = {start.year, current.year}
        return Deadline(current, provisional=not years <= self.official_years, skipped=tuple(skipped))

    def add_calendar_days(self, start: dt.date, days: int) -> Deadline:
        """A period in natural days; if it ends on a non-working day it moves to the next working day."""
        current = start + dt.timedelta(days=days)
        skipped = []
        while not self.is_working_day(current):
            skipped.append(current)
            current += dt.timedelta(days=1)
        return Deadline(current, provisional=current.year not in self.official_years, skipped=tuple(skipped))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie after `start` up to and including `end` (negative if end < start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count
