"""Monitoring endpoints under /api/v1/monitoring/: devices, points, latest readings, a readings series, rejected
frames. Same selectors (and jurisdiction) as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from ecoenforce.core.access import require_role
from ecoenforce.core.api_lists import page_bounds
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.units import unit_normal
from ecoenforce.monitoring import selectors, services
from ecoenforce.monitoring.models import MonitoringDevice
from ecoenforce.monitoring.views import VIEW_ROLES

router = Router(tags=["monitoring"])


class DeviceOut(Schema):
    mn: str
    device_kind: str  # cems (automatic monitoring, HJ 212), electricity, video
    entity_id: int
    entity_name: str
    region_code: str
    outlet_code: str | None
    outlet_kind: str | None
    protocol: str
    active: bool
    last_frame: dt.datetime | None
    online: bool


class PollutantOut(Schema):
    code: str
    name: str
    unit: str


class PointOut(Schema):
    id: int
    mn: str
    entity_id: int
    outlet_code: str
    outlet_name: str
    outlet_kind: str
    pollutants: list[PollutantOut]


class ReadingOut(Schema):
    pollutant: str
    name: str
    unit: str
    time: dt.datetime
    value: float | None
    flag: str
    flag_meaning: str


class SeriesOut(Schema):
    pollutant: str
    name: str
    unit: str
    kind: str
    points: list[tuple[int, float, str]]
    flags: dict[str, str]


class RejectedOut(Schema):
    received_at: dt.datetime
    peer: str
    mn: str
    reason: str
    reason_label: str
    raw: str
    sha256: str
    segment: str
    offset: int


def _device_out(d) -> DeviceOut:
    point = getattr(d, "point", None)
    return DeviceOut(mn=d.mn, device_kind=d.kind, entity_id=d.entity_id, entity_name=d.entity.name, region_code=d.entity.region.code,
                     outlet_code=point.outlet.code if point else None, outlet_kind=point.outlet.kind if point else None,
                     protocol=d.protocol, active=d.active, last_frame=d.last_frame, online=d.online)  # fmt: skip


@router.get("/devices", response=list[DeviceOut])
def list_devices(request, q: str = "", kind: str = "", status: str = "", device_kind: str = "", limit: int = 200,
                 offset: int = 0):  # fmt: skip
    """Devices in the caller's jurisdiction with last frame and online status; `kind` is the outlet's (gas, water),
    `device_kind` the device's (cems, electricity, video)."""
    require_role(request.user, VIEW_ROLES)
    if device_kind and device_kind not in MonitoringDevice.Kind.values:
        raise ValidationFailed(_("Unknown device kind; use one of: %(kinds)s.")
                               % {"kinds": ", ".join(MonitoringDevice.Kind.values)},
                               details={"device_kind": [_("Unknown device kind.")]})  # fmt: skip
    selectors.lake_refresh()
    filters = selectors.DeviceFilters(q=q, kind=kind, status=status, device_kind=device_kind)
    start, stop = page_bounds(limit=limit, offset=offset, max_limit=1000)  # the one list scaffold's checks
    qs = selectors.device_list_for_user(user=request.user, filters=filters)[start:stop]
    return [_device_out(d) for d in selectors.annotate_status(qs)]


@router.get("/devices/{mn}", response=DeviceOut)
def get_device(request, mn: str):
    """One device."""
    require_role(request.user, VIEW_ROLES)
    selectors.lake_refresh()
    device = selectors.device_get_for_user(user=request.user, mn=mn)
    return _device_out(selectors.annotate_status([device])[0])


@router.get("/points", response=list[PointOut])
def list_points(request):
    """Monitoring points with the factors they measure."""
    require_role(request.user, VIEW_ROLES)
    return [PointOut(id=p.pk, mn=p.device.mn, entity_id=p.outlet.entity_id, outlet_code=p.outlet.code,
                     outlet_name=p.outlet.name, outlet_kind=p.outlet.kind,
                     pollutants=[PollutantOut(code=x.code, name=x.name, unit=unit_normal(x.unit)) for x in p.pollutants.all()])
            for p in selectors.point_list_for_user(user=request.user)]  # fmt: skip


@router.get("/devices/{mn}/latest", response=list[ReadingOut])
def latest(request, mn: str, kind: str = "realtime"):
    """The newest reading per factor of `kind`."""
    require_role(request.user, VIEW_ROLES)
    device = selectors.device_get_for_user(user=request.user, mn=mn)
    if kind not in selectors.KINDS:
        raise ValidationFailed(details={"kind": [f"one of {', '.join(selectors.KINDS)}"]})
    selectors.lake_refresh()
    return [ReadingOut(**{k: r[k] for k in ReadingOut.model_fields}) for r in selectors.latest_readings(device, kind=kind)]


# The longest window one request may read, by kind: a year of minute data would be half a million points.
READING_SPANS = {"realtime": dt.timedelta(days=7), "minute": dt.timedelta(days=31), "hour": dt.timedelta(days=400),
                 "day": dt.timedelta(days=3700)}


def _reading_window(kind: str, start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    """start/end defaulting to the last 24 h; refused (422) when reversed or longer than the kind allows."""
    span = READING_SPANS.get(kind, dt.timedelta(days=31))
    try:
        end = end or timezone.now() + dt.timedelta(minutes=5)
        start = start or end - dt.timedelta(hours=24)
        if start.tzinfo is None or end.tzinfo is None:
            start, end = (timezone.make_aware(t) if t.tzinfo is None else t for t in (start, end))
        too_long = end - start > span
    except (OverflowError, ValueError):
        raise ValidationFailed(_("The time range is outside the calendar."), details={"start": [_("Out of range.")]}) from None
    if start >= end:
        raise ValidationFailed(_("The start must be before the end."), details={"start": [_("Before the end.")]})
    if too_long:
        raise ValidationFailed(_("At most %(days)d days of %(kind)s data per request; ask for a shorter range.")
                               % {"days": span.days, "kind": kind}, details={"end": [_("Range too long.")]})
    return start, end


@router.get("/readings", response=SeriesOut)
def readings(request, mn: str, pollutant: str, kind: str = "realtime", start: dt.datetime | None = None,
             end: dt.datetime | None = None):  # fmt: skip
    """Time series of one factor at one device: points [epoch ms, value, flag]; default the last 24 h."""
    require_role(request.user, VIEW_ROLES)
    start, end = _reading_window(kind, start, end)
    device = selectors.device_get_for_user(user=request.user, mn=mn)
    point = getattr(device, "point", None)
    if point is None:
        raise NotFound()
    if kind not in selectors.KINDS:
        raise ValidationFailed(details={"kind": [f"one of {', '.join(selectors.KINDS)}"]})
    selectors.lake_refresh()
    s = selectors.readings_series(point, pollutant, kind, start, end)
    return SeriesOut(pollutant=s["pollutant"], name=s["name"], unit=s["unit"], kind=kind,
                     points=[tuple(p) for p in s["points"]], flags=s["flags"])  # fmt: skip


@router.get("/rejected", response=list[RejectedOut])
def rejected(request, reason: str = "", limit: int = 200):
    """Newest rejected frames with reason codes and raw text."""
    require_role(request.user, services.REGISTRY_ROLES)
    return [RejectedOut(**{k: r[k] for k in RejectedOut.model_fields})
            for r in selectors.rejected_frames(user=request.user, reason=reason,
                                               limit=page_bounds(limit=limit, offset=0, max_limit=1000)[1])]  # fmt: skip
