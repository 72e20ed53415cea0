"""Which rule runs are due (pure: no Django, no clock of its own).

Hourly slots end on multiples of `every` seconds since the epoch (with every=3600: on the hour, which is also the
Beijing hour); a slot ending at T is due at T + `delay` (late frames get time to arrive and be loaded) and covers
[T - window, T). Daily slots cover a Beijing day and are due at `daily_at` seconds after the next midnight. Slots
already run (their ends are passed in) are not due again; after a stop, at most `catch_up` seconds of missed hourly
slots are run, oldest first (48 at most); a first start runs only the period just closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
HOURLY, DAILY = "hourly", "daily"
MAX_CATCH_UP = 48  # slots run at once after a stop, whatever the period


@dataclass(frozen=True, slots=True)
class Policy:
    """The schedule: every/window/delay in seconds; daily_at = seconds after Beijing midnight, None = no daily run."""

    every: float = 3600.0
    window: float | None = None  # None = every
    delay: float = 300.0
    daily_at: float | None = 1800.0
    catch_up: float = 86_400.0


@dataclass(frozen=True, slots=True)
class Slot:
    """One rule run the schedule wants: its kind and window [window_from, window_to)."""

    kind: str
    window_from: datetime
    window_to: datetime


def _ts(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def due_slots(now: datetime, policy: Policy, *, last_hourly: datetime | None, last_daily: datetime | None) -> list[Slot]:
    """Slots due at `now` that end after the last ones run (`last_*` = window_to of the newest slot of that kind)."""
    out: list[Slot] = []
    t = now.timestamp()
    every, window = policy.every, policy.window or policy.every
    newest = (t - policy.delay) // every * every  # end of the newest due hourly slot
    if last_hourly is None:
        oldest = newest  # a first start runs the period just closed, not a backlog of empty ones
    else:
        slots = max(1, min(policy.catch_up // every, MAX_CATCH_UP))
        oldest = max(newest - (slots - 1) * every, last_hourly.timestamp() + every)
    end = oldest
    while end <= newest:
        out.append(Slot(HOURLY, _ts(end - window), _ts(end)))
        end += every
    if policy.daily_at is not None:
        today = now.astimezone(CST).replace(hour=0, minute=0, second=0, microsecond=0)
        midnight = today if t >= today.timestamp() + policy.daily_at else today - timedelta(days=1)
        days = [midnight - timedelta(days=i) for i in (1, 0)]  # yesterday's run, after a missed one the day before
        for m in days:
            if last_daily is None or m > last_daily:
                if last_daily is None and m != midnight:
                    continue  # a first start runs the latest due day only
                out.append(Slot(DAILY, (m - timedelta(days=1)).astimezone(UTC), m.astimezone(UTC)))
    return out


def next_due(now: datetime, policy: Policy) -> float:
    """Seconds from `now` until the next hourly slot is due (the daily slot is checked on the same ticks)."""
    t = now.timestamp() - policy.delay
    return (t // policy.every + 1) * policy.every - t
