"""The rectification (整改) workflow as a transition table (pure: no Django).

An officer issues a task with requirements and a deadline → the firm submits evidence → the officer accepts (closed)
or returns it with a reason → the firm submits again. A problem the firm found in its own self-inspection is its own
task: the firm closes it with its evidence, no officer decides and no penalty path follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    OPEN = "open"  # awaiting the firm's evidence
    SUBMITTED = "submitted"  # evidence submitted, awaiting the officer
    RETURNED = "returned"  # returned with a reason: the firm submits again
    ACCEPTED = "accepted"  # closed


FIRM, OFFICER = "firm", "officer"
AWAITING_FIRM = frozenset({State.OPEN, State.RETURNED})
CLOSED = frozenset({State.ACCEPTED})


@dataclass(frozen=True)
class Transition:
    action: str
    source: State
    target: State
    actor: str  # FIRM or OFFICER
    needs_reason: bool = False
    own_only: bool = False  # only for the firm's own (self-inspection) tasks
    officer_only: bool = False  # only for tasks an officer issued


TRANSITIONS = (
    Transition("submit", State.OPEN, State.SUBMITTED, FIRM, officer_only=True),
    Transition("submit", State.RETURNED, State.SUBMITTED, FIRM, officer_only=True),
    Transition("accept", State.SUBMITTED, State.ACCEPTED, OFFICER),
    Transition("return", State.SUBMITTED, State.RETURNED, OFFICER, needs_reason=True),
    Transition("close", State.OPEN, State.ACCEPTED, FIRM, own_only=True),
)


def transition_for(state: str, action: str, *, actor: str, own: bool) -> Transition | None:
    """The allowed move for this state, action and actor (None: not allowed). `own`: a self-inspection task."""
    for t in TRANSITIONS:
        if t.source == state and t.action == action and t.actor == actor:
            if (t.own_only and not own) or (t.officer_only and own):
                continue
            return t
    return None


def actions_available(state: str, *, actor: str, own: bool) -> list[str]:
    """The actions this actor may take now (for the page's buttons)."""
    return [t.action for t in TRANSITIONS if transition_for(state, t.action, actor=actor, own=own) is t]
