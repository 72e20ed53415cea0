"""Panels other apps add to the case page (the sampling requests made from the case, …). Cases import no app above
them, so an app registers a provider in its `AppConfig.ready()` and the case page renders what the providers give."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CasePanel:
    """One panel: the template that renders it and its context (the template sees `panel`)."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


_PROVIDERS: dict[str, Callable[..., CasePanel | None]] = {}


def case_panel_register(key: str, provider: Callable[..., CasePanel | None]) -> None:
    """Add (or replace, by key) a provider: (case=, user=) → a panel, or None when it has nothing to show."""
    _PROVIDERS[key] = provider


def case_panels(*, case, user) -> list[CasePanel]:
    """Every provider's panel for this case and person, in order."""
    panels = [p for provider in _PROVIDERS.values() if (p := provider(case=case, user=user)) is not None]
    return sorted(panels, key=lambda p: p.order)
