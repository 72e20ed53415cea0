"""A referral's states and moves (pure, no Django): sent → answered → closed. Who may make each move depends on the
direction (the addressee answers; the sender acknowledges the answer and closes)."""

from __future__ import annotations

SENT, ANSWERED, CLOSED = "sent", "answered", "closed"
# (state, action) → next state
TRANSITIONS = {(SENT, "answer"): ANSWERED, (ANSWERED, "close"): CLOSED}
# Which side acts: "addressee" (answers) or "sender" (closes).
ACTOR = {"answer": "addressee", "close": "sender"}


def next_state(state: str, action: str) -> str | None:
    """The state after `action`, or None when the move is not allowed from `state`."""
    return TRANSITIONS.get((state, action))


def is_overdue(state: str, deadline, today) -> bool:
    """Still waiting for the answer after its deadline."""
    return state == SENT and deadline is not None and deadline < today
