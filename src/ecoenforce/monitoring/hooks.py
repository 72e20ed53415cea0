"""What other apps add to the monitoring registry without monitoring importing them (they register in `ready()`).

- A **limits assigner**: after a device import, every imported point whose outlet names its standard and category
  is handed to the registered assigner (the warnings desk owns the emission-limit table), which gives back, per
  import row, the problems that refuse the import and the notices (factors it could not match) that do not.
- **Device panels**: the device page renders what each provider returns for the device (its limits, …).
- A **chart-limits provider**: the limits in force at a device, which the device page's charts draw as a line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PointStandard:
    """One imported point: its import row, device, applicable standard and category, and measured factor codes."""

    row: int
    device: object
    standard: str
    category: str
    codes: tuple[str, ...]


@dataclass
class LimitsOutcome:
    """What the assigner did: problems refuse the whole import; notices are listed in the report."""

    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)
    notices: list[tuple[int, str, str]] = field(default_factory=list)
    assigned: int = 0


@dataclass(frozen=True)
class DevicePanel:
    """One panel on the device page: its template and context (the template sees `panel`)."""

    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class ChartLimit:
    """A factor's limit in force at a device, for its chart: the value (a range's upper end), a range's lower end,
    the unit as written, the averaging period's code (hour, day, instant) and its name in words."""

    pollutant: str
    value: float
    low: float | None
    unit: str
    averaging: str
    averaging_label: str


_ASSIGNER: list[Callable[..., LimitsOutcome]] = []
_CHART_LIMITS: list[Callable[..., list[ChartLimit]]] = []
_PANELS: dict[str, Callable[..., DevicePanel | None]] = {}


def limits_assigner_register(assigner: Callable[..., LimitsOutcome]) -> None:
    """Set the one assigner: (actor=, points=list[PointStandard]) → LimitsOutcome."""
    _ASSIGNER[:] = [assigner]


def limits_assign(*, actor, points: list[PointStandard]) -> LimitsOutcome | None:
    """Hand the imported points to the registered assigner; None when no app registered one."""
    if not _ASSIGNER or not points:
        return None
    return _ASSIGNER[0](actor=actor, points=points)


def device_panel_register(key: str, provider: Callable[..., DevicePanel | None]) -> None:
    """Add (or replace, by key) a provider: (device=, user=) → a panel, or None when it has nothing to show."""
    _PANELS[key] = provider


def device_panels(*, device, user) -> list[DevicePanel]:
    """Every provider's panel for this device and person, in order."""
    panels = [p for provider in _PANELS.values() if (p := provider(device=device, user=user)) is not None]
    return sorted(panels, key=lambda p: p.order)


def chart_limits_register(provider: Callable[..., list[ChartLimit]]) -> None:
    """Set the one provider: (device=) → the device's limits in force (for a device the caller may see)."""
    _CHART_LIMITS[:] = [provider]


def chart_limits(*, device) -> list[ChartLimit]:
    """The limits in force at the device, [] when no app registered a provider."""
    return _CHART_LIMITS[0](device=device) if _CHART_LIMITS else []
