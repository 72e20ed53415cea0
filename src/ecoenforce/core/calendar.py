"""The working calendar as the bureau has configured it: `workdays` plus the administrator's schedule table."""

from __future__ import annotations

import datetime as dt

from ecoenforce.core.models import ScheduleDay, ScheduleYear
from ecoenforce.core.workdays import Deadline, WorkingCalendar


def calendar_current() -> WorkingCalendar:
    """Build the calendar from the schedule table (a handful of rows a year, read per call: always current)."""
    days = list(ScheduleDay.objects.values_list("date", "kind"))
    return WorkingCalendar(
        extra_off=frozenset(d for d, k in days if k == ScheduleDay.Kind.OFF),
        extra_work=frozenset(d for d, k in days if k == ScheduleDay.Kind.WORK),
        official_years=frozenset(ScheduleYear.objects.values_list("year", flat=True)),
    )


def deadline_in_working_days(start: dt.date, days: int) -> Deadline:
    """A statutory period counted in working days from `start`."""
    return calendar_current().add_working_days(start, days)


def deadline_in_calendar_days(start: dt.date, days: int) -> Deadline:
    """A statutory period counted in natural days from `start`."""
    return calendar_current().add_calendar_days(start, days)
