"""What apps above cases add to a case without cases importing them (the pattern of `registry/positive/holds.py`).

- **Transition guards**: `case_transition` asks every registered guard before a step is saved; a guard raises
  `InvalidTransition` (with the reason in words) to refuse it. The criminal link (`transfers`) refuses deciding or
  closing a case whose facts meet a criminal threshold until a transfer decision is on record.
- **Case panels**: the case page shows each registered provider's panels (a template and its context), read only
  — a provider never writes on a page load. The criminal link shows the thresholds and transfers; the typical-case
  library (`casebook`) shows similar cases beside the decide form.

The apps register in their `AppConfig.ready()`; registering again under the same key replaces. (`cases/panels.py`,
added by the sampling lane at the same time, is a second, one-panel-per-provider registry rendered at the top of the
page as `panels`; these render in the side column as `hook_panels`. They should be merged into one.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

_GUARDS: dict[str, Callable[..., None]] = {}
_PANELS: dict[str, Callable[..., list]] = {}


@dataclass(frozen=True)
class CasePanel:
    """A block on the case page: the template to include and what it needs (as `panel.context` in the template)."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def transition_guard_register(key: str, guard: Callable[..., None]) -> None:
    """`guard(case=, step=, actor=, today=)` raises InvalidTransition to refuse the step; returns None to allow it."""
    _GUARDS[key] = guard


def transition_guards_check(*, case, step, actor, today) -> None:
    """Ask every guard (inside case_transition's transaction, the case locked)."""
    for guard in _GUARDS.values():
        guard(case=case, step=step, actor=actor, today=today)


def case_panel_register(key: str, provider: Callable[..., list[CasePanel]]) -> None:
    """`provider(user=, case=, deciding=, matter_code=)` returns the panels to show on that user's case page
    (`matter_code`: the matter chosen on the decide form, "" before one is chosen)."""
    _PANELS[key] = provider


def case_panels(*, user, case, deciding: bool, matter_code: str = "") -> list[CasePanel]:
    """Every provider's panels, in order."""
    panels = [p for provider in _PANELS.values()
              for p in provider(user=user, case=case, deciding=deciding, matter_code=matter_code)]
    return sorted(panels, key=lambda p: p.order)
