"""The schedule (pure) and the slot claim: hourly over the hour just closed, daily over the Beijing day, catch-up
after a stop, and a slot claimed once however many schedulers try."""

from datetime import UTC, datetime, timedelta

import pytest

from ecoenforce.ops.schedule import DAILY, HOURLY, Policy, Slot, due_slots, next_due


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _show(slots):
    return [(s.kind, f"{s.window_from.astimezone(_CST):%m-%d %H:%M}", f"{s.window_to.astimezone(_CST):%m-%d %H:%M}")
            for s in slots]  # fmt: skip


_CST = datetime.fromisoformat("2026-01-01T00:00:00+08:00").tzinfo


def test_the_hour_just_closed_is_due_five_minutes_after_it_closes():
    policy = Policy(daily_at=None)
    assert due_slots(_at("2026-03-02T10:04:59+08:00"), policy, last_hourly=_at("2026-03-02T09:00:00+08:00"),
                     last_daily=None) == []  # fmt: skip
    assert _show(due_slots(_at("2026-03-02T10:05:00+08:00"), policy, last_hourly=_at("2026-03-02T09:00:00+08:00"),
                           last_daily=None)) == [(HOURLY, "03-02 09:00", "03-02 10:00")]  # fmt: skip
    assert next_due(_at("2026-03-02T10:05:00+08:00"), policy) == 3600


def test_after_a_stop_missed_hours_are_caught_up_oldest_first_within_the_limit():
    policy = Policy(daily_at=None, catch_up=3 * 3600)
    slots = due_slots(_at("2026-03-02T10:06:00+08:00"), policy, last_hourly=_at("2026-03-02T04:00:00+08:00"),
                      last_daily=None)  # fmt: skip
    assert _show(slots) == [(HOURLY, f"03-02 {h:02d}:00", f"03-02 {h + 1:02d}:00") for h in (7, 8, 9)]
    first_start = due_slots(_at("2026-03-02T10:06:00+08:00"), Policy(daily_at=None), last_hourly=None,
                            last_daily=None)  # fmt: skip
    assert _show(first_start) == [(HOURLY, "03-02 09:00", "03-02 10:00")]
    seconds = due_slots(_at("2026-03-02T10:06:00+08:00"), Policy(every=2, daily_at=None, delay=0),
                        last_hourly=_at("2026-03-01T10:06:00+08:00"), last_daily=None)  # fmt: skip
    assert len(seconds) == 48  # a stop with a seconds period never floods the queue


def test_the_daily_run_covers_the_beijing_day_and_runs_once():
    policy = Policy(every=3600, delay=300, daily_at=1800)
    before = due_slots(_at("2026-03-02T00:29:00+08:00"), policy, last_hourly=_at("2026-03-02T00:00:00+08:00"),
                       last_daily=_at("2026-03-01T00:00:00+08:00"))  # fmt: skip
    assert before == []
    after = due_slots(_at("2026-03-02T00:31:00+08:00"), policy, last_hourly=_at("2026-03-02T00:00:00+08:00"),
                      last_daily=_at("2026-03-01T00:00:00+08:00"))  # fmt: skip
    assert _show(after) == [(DAILY, "03-01 00:00", "03-02 00:00")]
    assert due_slots(_at("2026-03-02T00:45:00+08:00"), policy, last_hourly=_at("2026-03-02T00:00:00+08:00"),
                     last_daily=_at("2026-03-02T00:00:00+08:00")) == []  # fmt: skip


def test_seconds_periods_for_tests():
    policy = Policy(every=2, window=7200, delay=0, daily_at=None)
    now = _at("2026-03-02T10:00:07+08:00")
    [slot] = due_slots(now, policy, last_hourly=now - timedelta(seconds=3), last_daily=None)
    assert slot == Slot(HOURLY, _at("2026-03-02T08:00:06+08:00"), _at("2026-03-02T10:00:06+08:00"))


@pytest.mark.django_db
def test_a_slot_is_claimed_once_with_its_run_and_task(settings, tmp_path):
    from ecoenforce.ops.models import ScheduledSlot
    from ecoenforce.ops.services import slot_start
    from ecoenforce.warnings.models import RuleRun

    settings.LAKE_DIR = tmp_path / "lake"
    slot = Slot(HOURLY, _at("2026-03-02T09:00:00+08:00"), _at("2026-03-02T10:00:00+08:00"))
    first = slot_start(slot=slot)
    second = slot_start(slot=slot)  # a second scheduler (another process or machine) at the same moment
    assert second is None
    run = RuleRun.objects.get()
    assert (first.run_id, run.window_from, run.window_to, run.requested_by) == (run.pk, slot.window_from,
                                                                              slot.window_to, None)  # fmt: skip
    assert ScheduledSlot.objects.count() == 1
    assert run.status == RuleRun.Status.DONE  # the immediate backend ran it (production: the database worker)
