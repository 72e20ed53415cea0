"""The sampling request's life and the chain of custody of each sample, as explicit tables (pure: no Django).

requested → sampling → in lab → reported → closed, or cancelled before the lab has the samples. Every change of
status goes through `sampling.services`, which checks this table; nothing else moves a request.

A sample's custody is a fixed road: sampled → sealed → handed to the lab → received by the lab. Each step is one
row, written once, in this order; `custody_problem` says why a step cannot be recorded now.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """Where a sampling request stands."""

    REQUESTED = "requested"  # sent to the station, nobody has sampled yet
    SAMPLING = "sampling"  # samples taken, on their way to the lab
    IN_LAB = "in_lab"  # every sample received by the lab
    REPORTED = "reported"  # the lab's result is in
    CLOSED = "closed"  # the requester has taken the result
    CANCELLED = "cancelled"


OPEN = frozenset({Status.REQUESTED, Status.SAMPLING, Status.IN_LAB})  # the turnaround clock runs

INSPECTOR, LEADER, OPERATOR = "inspector", "unit_leader", "monitoring_operator"


@dataclass(frozen=True)
class Transition:
    """One allowed move: its action, the roles that may take it, and whether it needs a written reason."""

    action: str
    source: Status
    target: Status
    roles: frozenset[str]
    needs_reason: bool = False
    station_only: bool = False  # only a member of the request's monitoring station (the lab) may take it


FIELD = frozenset({INSPECTOR, LEADER, OPERATOR})  # who may be on site taking and carrying samples

TRANSITIONS: tuple[Transition, ...] = (
    Transition("record_sample", Status.REQUESTED, Status.SAMPLING, FIELD),
    Transition("record_sample", Status.SAMPLING, Status.SAMPLING, FIELD),
    Transition("custody_step", Status.SAMPLING, Status.SAMPLING, FIELD),
    # the last sample received by the lab moves the request on (the service takes it after a "received" step)
    Transition("lab_received", Status.SAMPLING, Status.IN_LAB, frozenset({OPERATOR}), station_only=True),
    Transition("report", Status.IN_LAB, Status.REPORTED, frozenset({OPERATOR}), station_only=True),
    Transition("close", Status.REPORTED, Status.CLOSED, frozenset({INSPECTOR, LEADER})),
    Transition("cancel", Status.REQUESTED, Status.CANCELLED, frozenset({INSPECTOR, LEADER}), needs_reason=True),
    Transition("cancel", Status.SAMPLING, Status.CANCELLED, frozenset({INSPECTOR, LEADER}), needs_reason=True),
)

_BY_KEY = {(t.source, t.action): t for t in TRANSITIONS}


def transition_for(source: Status | str, action: str) -> Transition | None:
    """The table entry for taking `action` from `source`, or None if the table has no such move."""
    return _BY_KEY.get((Status(source), action))


def transitions_from(source: Status | str) -> list[Transition]:
    """Every move the table allows out of `source`, in table order."""
    return [t for t in TRANSITIONS if t.source == Status(source)]


class Step(StrEnum):
    """One link of a sample's chain of custody."""

    SAMPLED = "sampled"  # taken by the samplers
    SEALED = "sealed"  # sealed, the seal number recorded (the party's representative witnesses)
    HANDED_OVER = "handed_over"  # handed by the sampler to the lab (or its courier)
    RECEIVED = "received"  # received by the lab, seal checked


STEP_ORDER: tuple[Step, ...] = (Step.SAMPLED, Step.SEALED, Step.HANDED_OVER, Step.RECEIVED)
SEAL_CHECKED = frozenset({Step.HANDED_OVER, Step.RECEIVED})  # the seal is checked intact at every hand-over
BOTH_PARTIES = frozenset({Step.SEALED, Step.HANDED_OVER, Step.RECEIVED})  # who gives and who takes (or witnesses)


def next_step(done: list[str] | tuple[str, ...]) -> Step | None:
    """The step that comes next after the steps `done` (in order), or None when the sample is received."""
    return STEP_ORDER[len(done)] if len(done) < len(STEP_ORDER) else None


def custody_problem(*, done: list[str] | tuple[str, ...], step: str, seal_recorded: str = "", seal_seen: str = "",
                    seal_intact: bool = True) -> str:
    """Why `step` cannot be recorded after `done`: "unknown_step", "complete", "out_of_order", "seal_missing",
    "seal_broken", "seal_mismatch"; "" when it can."""
    if step not in {s.value for s in Step}:
        return "unknown_step"
    expected = next_step(done)
    if expected is None:
        return "complete"
    if step != expected:
        return "out_of_order"
    if step == Step.SEALED and not seal_seen.strip():
        return "seal_missing"
    if step in SEAL_CHECKED:
        if not seal_intact:
            return "seal_broken"
        if seal_seen.strip() != seal_recorded.strip():
            return "seal_mismatch"
    return ""
