"""Working-day deadlines over the 2026 National Day holiday, with the schedule seeded by core/migrations/0002."""

from __future__ import annotations

import datetime as dt

import pytest

from ecoenforce.core.calendar import calendar_current, deadline_in_calendar_days, deadline_in_working_days
from ecoenforce.core.models import ScheduleDay, ScheduleYear
from ecoenforce.core.workdays import WorkingCalendar

D = dt.date.fromisoformat
NATIONAL_DAY_2026 = tuple(D(f"2026-10-0{i}") for i in range(1, 8))


def test_seeded_schedule_is_what_the_migration_entered(db):
    cal = calendar_current()
    assert cal.official_years == frozenset({2026})
    assert sorted(cal.extra_work) == [D("2026-01-04"), D("2026-02-14"), D("2026-02-28"), D("2026-05-09"),
                                      D("2026-09-20"), D("2026-10-10")]
    assert sorted(cal.extra_off) == [D("2026-02-20"), D("2026-02-23"), D("2026-05-05"), D("2026-10-06"),
                                     D("2026-10-07")]


@pytest.mark.parametrize(("day", "working"), [
    ("2026-09-30", True), ("2026-10-01", False), ("2026-10-07", False), ("2026-10-08", True),
    ("2026-10-10", True),  # Saturday, swapped working day
    ("2026-10-11", False),  # Sunday
    ("2026-09-20", True),  # Sunday, swapped working day
])
def test_is_working_day_around_national_day(db, day, working):
    assert calendar_current().is_working_day(D(day)) is working


def test_three_working_days_over_national_day_end_on_the_swapped_saturday(db):
    deadline = deadline_in_working_days(D("2026-09-30"), 3)
    assert deadline.due == D("2026-10-10")
    assert deadline.provisional is False
    assert deadline.skipped == NATIONAL_DAY_2026


def test_one_working_day_over_national_day(db):
    assert deadline_in_working_days(D("2026-09-30"), 1).due == D("2026-10-08")


def test_zero_days_from_a_holiday_moves_to_the_next_working_day(db):
    assert deadline_in_working_days(D("2026-10-01"), 0).due == D("2026-10-08")


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        WorkingCalendar().add_working_days(D("2026-01-05"), -1)


def test_deadline_in_2027_is_provisional(db):
    deadline = deadline_in_working_days(D("2026-12-28"), 5)
    assert deadline.due == D("2027-01-05")
    assert deadline.provisional is True
    assert deadline.skipped == (D("2027-01-01"), D("2027-01-02"), D("2027-01-03"))


def test_entering_the_2027_schedule_makes_it_official(db):
    ScheduleYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    assert deadline_in_working_days(D("2026-12-28"), 5).provisional is False


def test_admin_entered_extra_off_day_shifts_the_deadline(db):
    ScheduleDay.objects.create(date=D("2026-10-09"), kind=ScheduleDay.Kind.OFF, note="测试加放")
    deadline = deadline_in_working_days(D("2026-09-30"), 3)
    assert deadline.due == D("2026-10-12")
    assert deadline.skipped == (*NATIONAL_DAY_2026, D("2026-10-09"), D("2026-10-11"))


def test_admin_entered_extra_work_day_shortens_the_deadline(db):
    assert ScheduleDay.objects.filter(date=D("2026-10-07")).update(kind=ScheduleDay.Kind.WORK) == 1
    assert deadline_in_working_days(D("2026-09-30"), 1).due == D("2026-10-07")


def test_calendar_days_ending_on_a_holiday_move_to_the_next_working_day(db):
    deadline = deadline_in_calendar_days(D("2026-09-28"), 3)
    assert deadline.due == D("2026-10-08")
    assert deadline.skipped == NATIONAL_DAY_2026
    assert deadline.provisional is False


def test_calendar_days_ending_on_a_working_day_stay(db):
    deadline = deadline_in_calendar_days(D("2026-11-02"), 90)
    assert deadline.due == D("2027-01-31") + dt.timedelta(days=1)  # 2027-01-31 is a Sunday
    assert deadline.skipped == (D("2027-01-31"),)
    assert deadline.provisional is True


def test_working_days_between(db):
    cal = calendar_current()
    assert cal.working_days_between(D("2026-09-30"), D("2026-10-12")) == 4
    assert cal.working_days_between(D("2026-10-12"), D("2026-09-30")) == -4
    assert cal.working_days_between(D("2026-10-12"), D("2026-10-12")) == 0
