"""Transition guards: what apps above cases add to a case's steps without cases importing them (the pattern of
`registry/positive/holds.py`).

`case_transition` asks every registered guard before a step is saved; a guard raises `InvalidTransition` (with the
reason in words) to refuse it. The criminal link (`transfers`) refuses deciding or closing a case whose facts meet a
criminal threshold until a transfer decision is on record. Apps register in their `AppConfig.ready()`; registering
again under the same key replaces. (The panels apps add to the case page are `cases.panels`.)
"""

from __future__ import annotations

from collections.abc import Callable

_GUARDS: dict[str, Callable[..., None]] = {}


def transition_guard_register(key: str, guard: Callable[..., None]) -> None:
    """`guard(case=, step=, actor=, today=)` raises InvalidTransition to refuse the step; returns None to allow it."""
    _GUARDS[key] = guard


def transition_guards_check(*, case, step, actor, today) -> None:
    """Ask every guard (inside case_transition's transaction, the case locked)."""
    for guard in _GUARDS.values():
        guard(case=case, step=step, actor=actor, today=today)
