"""The case page's panels from apps above cases (the criminal link's thresholds and transfers, similar typical
cases beside the decide form, special and supervised cases, the sampling requests made from the case, …).

Cases import no app above them, so an app registers a provider in its `AppConfig.ready()` and the case page renders
what the providers give, read only — a provider never writes on a page load. One registry, one list: each panel
says where it goes on the page (`column`: "main" under the case file, "side" in the side column beside the actions).
The transition guards are the other half of what apps add to a case; they stay in `cases.hooks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MAIN, SIDE = "main", "side"


@dataclass(frozen=True)
class CasePanel:
    """A block on the case page: the template to include (it sees `panel`; its data is `panel.context`), its place
    on the page and its order there."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100
    column: str = SIDE


_PROVIDERS: dict[str, Callable[..., Iterable[CasePanel]]] = {}


def case_panel_register(key: str, provider: Callable[..., Iterable[CasePanel]]) -> None:
    """Add (or replace, by key) a provider: `provider(user=, case=, deciding=, matter_code=)` returns the panels to
    show on that user's case page, none when it has nothing to show (`deciding`: the decide form is on the page;
    `matter_code`: the matter chosen on it, "" before one is chosen)."""
    _PROVIDERS[key] = provider


def case_panels(*, user, case, deciding: bool = False, matter_code: str = "") -> list[CasePanel]:
    """Every provider's panels for this case and person, in order."""
    panels = [p for provider in _PROVIDERS.values()
              for p in provider(user=user, case=case, deciding=deciding, matter_code=matter_code)]
    return sorted(panels, key=lambda p: p.order)
