"""The monitoring device page's panel of the device's limits and the limits its charts draw (registered in
`WarningsConfig.ready()`: the monitoring registry imports nothing of the warnings desk)."""

from __future__ import annotations

from ecoenforce.core.access import has_role
from ecoenforce.core.units import unit_normal
from ecoenforce.monitoring.hooks import ChartLimit, DevicePanel
from ecoenforce.warnings.selectors import device_limit_versions
from ecoenforce.warnings.services import LIMIT_ROLES


def device_limits_panel(*, device, user) -> DevicePanel | None:
    """The limits in force (factor, standard, category, value, since when) and the way to change them."""
    if device.kind != device.Kind.CEMS:
        return None
    current, _past = device_limit_versions(device)
    return DevicePanel(
        "warnings/_device_limits_panel.html",
        {"device": device, "current": current, "may_edit": has_role(user, LIMIT_ROLES)},
        order=20,
    )


def device_chart_limits(*, device) -> list[ChartLimit]:
    """The versions in force at the device (one per factor and averaging period), for the device page's charts."""
    current, _past = device_limit_versions(device)
    return [ChartLimit(pollutant=v.pollutant, value=v.limit_value, low=v.limit_min, unit=unit_normal(v.unit),
                       averaging=v.averaging, averaging_label=str(v.get_averaging_display())) for v in current]
