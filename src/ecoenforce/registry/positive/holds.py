"""Matters still open against an entity that keep it off the positive list: an unhandled monitoring warning, an
electronic notice awaiting the firm's explanation. The registry imports no app above it, so the apps that own such
matters register a provider in their `AppConfig.ready()` (the warnings desk does) and the criteria ask them here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

WARNING, NOTICE = "warning", "notice"


@dataclass(frozen=True)
class OpenMatter:
    """One open matter: its kind (WARNING or NOTICE), a translated title, a due date, and the page where the firm
    acts on it ("" when the bureau, not the firm, has to act)."""

    kind: str
    title: str
    since: dt.date | None = None
    due: dt.date | None = None
    url: str = ""


_PROVIDERS: dict[str, Callable[[object], list[OpenMatter]]] = {}


def open_matters_register(key: str, provider: Callable[[object], list[OpenMatter]]) -> None:
    """Add (or replace, by key) a provider: entity → its open matters."""
    _PROVIDERS[key] = provider


def entity_open_matters(entity) -> list[OpenMatter]:
    """Every provider's open matters for this entity (the notices first, then by date)."""
    matters = [m for provider in _PROVIDERS.values() for m in provider(entity)]
    return sorted(matters, key=lambda m: (m.kind != NOTICE, m.due or m.since or dt.date.max))
