"""Monitoring reads: devices and points in the user's jurisdiction, latest readings, ECharts series, rejected
frames, quarantine and connection log. Readings come from the lake, loaded on demand (see `lake_refresh`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.access import get_in_scope, scope_by_region
from ecoenforce.core.filters import ListFilters, filter_field, search_field
from ecoenforce.core.models import User
from ecoenforce.core.units import unit_normal
from ecoenforce.monitoring.factors import FLAG_COLOURS, factor_name, factor_unit, flag_meaning
from ecoenforce.monitoring.models import MonitoringDevice, MonitoringPoint

REGION_FIELD = "entity__region__code"
KINDS = ("realtime", "minute", "hour", "day")
RANGES = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7), "30d": dt.timedelta(days=30)}
# A device is online when its last frame is this recent (policy; override in settings).
ONLINE_MINUTES = getattr(settings, "MONITORING_ONLINE_MINUTES", 15)
# How stale the lake may be before a page loads pending spool records itself.
LAKE_MAX_AGE = 3.0

REJECTION_LABELS = {
    "NO_START": _("No frame start '##' where one was expected"),
    "GARBAGE": _("Bytes that are not a frame"),
    "BAD_LENGTH_FIELD": _("Length field is not four digits"),
    "TOO_LONG": _("Frame longer than allowed"),
    "TRUNCATED": _("Frame cut short"),
    "LENGTH_MISMATCH": _("Declared length differs from the data"),
    "BAD_CRC_FIELD": _("CRC field is not hexadecimal"),
    "CRC_MISMATCH": _("CRC check failed"),
    "LOWERCASE_CRC": _("CRC in lower case"),
    "MISSING_CRLF": _("No CR LF after the CRC"),
    "TRAILING_BYTES": _("Bytes after the frame end"),
    "NOT_TEXT": _("Data segment is not text"),
    "MISSING_CP": _("No CP data area"),
    "UNTERMINATED_CP": _("CP data area not closed with &&"),
    "MISSING_FIELD": _("Mandatory header field missing"),
    "BAD_FIELD": _("Header field with an invalid value"),
    "DUPLICATE_FIELD": _("Header field repeated"),
    "FIELD_ORDER": _("Header fields out of order"),
    "BAD_SEPARATOR": _("Wrong separator in the CP area"),
    "BAD_ITEM": _("CP item that is not name=value"),
    "BAD_PACKET_SPLIT": _("Inconsistent sub-packet numbers"),
    "DECRYPT_FAILED": _("SM4 decryption failed (check the device key)"),
    "AUTH_PASSWORD": _("Wrong device password"),
    "UNKNOWN_MN": _("Device not registered"),
    "INACTIVE_DEVICE": _("Device registered but inactive"),
}

CONNECTION_EVENTS = ("connect", "disconnect", "close", "quarantine", "quarantine_full", "auth_failure", "auth_backoff",
                     "auth_locked", "rejection", "throttled", "refused", "start", "stop", "spool_failed")  # fmt: skip


def rejection_label(code: str) -> str:
    """Translated text of a spool rejection/quarantine reason code."""
    label = REJECTION_LABELS.get(code)
    return str(label) if label else code


# --- the lake, loaded on demand -----------------------------------------------------------------------------

_load_lock = threading.Lock()
_last_load = {"at": 0.0}


def lake_refresh(*, max_age: float = LAKE_MAX_AGE) -> bool:
    """Load pending spool records into the lake if the last load is older than `max_age` s (cheap, idempotent).

    Pages and the API call this before reading, so a simulator's frames show on the chart within seconds even
    when no `ecoenforce lake load --watch` runs. A concurrent caller skips rather than waits.
    """
    from ecoenforce.monitoring.lake.loader import load

    if time.monotonic() - _last_load["at"] < max_age or not Path(settings.SPOOL_DIR).is_dir():
        return False
    if not _load_lock.acquire(blocking=False):
        return False
    try:
        with lake_load_lock(blocking=False) as locked:
            if locked:  # another process (a web worker, `lake load --watch`) is loading: its result will do
                keys = {d.mn: bytes.fromhex(d.sm4_key) for d in MonitoringDevice.objects.exclude(sm4_key="")}
                load(settings.SPOOL_DIR, settings.LAKE_URL or settings.LAKE_DIR, sm4_key=keys.get, loader_id=settings.LOADER_ID or None)
            _last_load["at"] = time.monotonic()
        return locked
    finally:
        _load_lock.release()


@contextlib.contextmanager
def lake_load_lock(*, blocking: bool):
    """An exclusive file lock so only one process at a time runs the loader (yields whether it was taken)."""
    lake = Path(settings.LAKE_DIR)
    lake.mkdir(parents=True, exist_ok=True)
    with open(lake / ".load.lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read(**kwargs) -> list[dict]:
    from ecoenforce.monitoring.lake.reader import read_readings

    return read_readings(settings.LAKE_URL or settings.LAKE_DIR, as_dicts=True, **kwargs)


# --- devices and points -------------------------------------------------------------------------------------

def device_status_label(d: MonitoringDevice) -> str:
    """Inactive, online or offline (needs `annotate_status`)."""
    return str(_("Inactive") if not d.active else _("Online") if getattr(d, "online", False) else _("Offline"))


@dataclass(frozen=True)
class DeviceFilters(ListFilters):
    """Filters of the devices list, its export and the API."""

    q: str = search_field()
    region: str = filter_field(_("County"), lambda d: d.entity.region.name)
    device_kind: str = filter_field(_("Device kind"), lambda d: d.get_kind_display())  # automatic / electricity / video
    kind: str = filter_field(_("Outlet kind"), lambda d: d.point.outlet.get_kind_display() if hasattr(d, "point") else "")
    status: str = filter_field(_("Status"), device_status_label)  # online / offline / inactive


def device_list_for_user(*, user: User, filters: DeviceFilters | None = None) -> QuerySet[MonitoringDevice]:
    """Devices whose entity lies in the user's jurisdiction, filtered."""
    qs = MonitoringDevice.objects.select_related("entity__region", "point__outlet").order_by("mn")
    qs = scope_by_region(qs, user=user, field=REGION_FIELD)
    f = filters or DeviceFilters()
    if f.q:
        from django.db.models import Q

        qs = qs.filter(Q(mn__icontains=f.q) | Q(entity__name__icontains=f.q) | Q(point__outlet__name__icontains=f.q))
    if f.region:
        qs = qs.filter(entity__region__code__startswith=f.region)
    if f.device_kind:
        qs = qs.filter(kind=f.device_kind)
    if f.kind:
        qs = qs.filter(point__outlet__kind=f.kind)
    if f.status == "inactive":
        qs = qs.filter(active=False)
    elif f.status in ("online", "offline"):
        online = {mn for mn, at in last_frame_times().items() if is_online(at)}
        qs = qs.filter(active=True)
        qs = qs.filter(mn__in=online) if f.status == "online" else qs.exclude(mn__in=online)
    return qs


def device_get_for_user(*, user: User, mn: str) -> MonitoringDevice:
    """One device by MN, or NotFound outside the jurisdiction."""
    from ecoenforce.core.errors import NotFound

    device = MonitoringDevice.objects.filter(mn=mn).only("pk").first()
    if device is None:
        raise NotFound()
    return get_in_scope(MonitoringDevice.objects.select_related("entity__region", "point__outlet"), user=user,
                        pk=device.pk, field=REGION_FIELD)  # fmt: skip


def point_list_for_user(*, user: User) -> QuerySet[MonitoringPoint]:
    """Monitoring points in the jurisdiction with their factors (for the API and the warnings desk)."""
    qs = MonitoringPoint.objects.select_related("device", "outlet__entity__region").prefetch_related("pollutants")
    return scope_by_region(qs, user=user, field="outlet__entity__region__code").order_by("device__mn")


def last_frame_times(days: int = 2) -> dict[str, dt.datetime]:
    """MN → when its latest loaded reading was received (only partitions of the last `days` days are read)."""
    import pyarrow.dataset as ds

    from ecoenforce.monitoring.lake.reader import _dataset

    dataset = _dataset(settings.LAKE_URL or settings.LAKE_DIR)
    if dataset is None:
        return {}
    since = (timezone.localdate() - dt.timedelta(days=days)).isoformat()
    table = dataset.to_table(columns=["mn", "received_at"], filter=ds.field("date") >= since)
    if table.num_rows == 0:
        return {}
    grouped = table.group_by("mn").aggregate([("received_at", "max")])
    return dict(zip(grouped.column("mn").to_pylist(), grouped.column("received_at_max").to_pylist(), strict=True))


def is_online(at: dt.datetime | None) -> bool:
    """Online = a frame received within the policy window."""
    return at is not None and timezone.now() - at <= dt.timedelta(minutes=ONLINE_MINUTES)


def annotate_status(devices, times: dict[str, dt.datetime] | None = None) -> list:
    """Set `last_frame` and `online` on each device (a list, for the page and the API)."""
    times = last_frame_times() if times is None else times
    out = []
    for d in devices:
        d.last_frame = times.get(d.mn)
        d.online = d.active and is_online(d.last_frame)
        out.append(d)
    return out


# --- readings ---------------------------------------------------------------------------------------------

def _value(row: dict) -> float | None:
    for column in ("rtd", "avg", "data", "min", "max"):
        if row.get(column) is not None:
            return row[column]
    return None


def latest_readings(device: MonitoringDevice, *, kind: str = "realtime", days: int = 2) -> list[dict]:
    """Per factor the newest reading of `kind`: code, name, unit, time, value, flag and its meaning."""
    now = timezone.now()
    rows = _read(mn=device.mn, kind=kind, start=now - dt.timedelta(days=days), end=now + dt.timedelta(days=1))
    newest: dict[str, dict] = {}
    for r in rows:  # sorted by pollutant, data_time
        newest[r["pollutant"]] = r
    units = _units(device)
    out = []
    for code in sorted(newest):
        r = newest[code]
        flag = r.get("flag") or "N"
        out.append({"pollutant": code, "name": factor_name(code), "unit": units.get(code, ""), "time": r["data_time"],
                    "value": _value(r), "zs": r.get("zs_rtd") if r.get("zs_rtd") is not None else r.get("zs_avg"),
                    "flag": flag, "flag_meaning": flag_meaning(flag), "received_at": r["received_at"]})  # fmt: skip
    return out


def _units(device: MonitoringDevice) -> dict[str, str]:
    point = getattr(device, "point", None)
    if point is None:
        return {}
    return {p.code: unit_normal(p.unit or factor_unit(p.code)) for p in point.pollutants.all()}


OPENING_KINDS = ("hour", "realtime", "minute", "day")  # the order a device page looks for data to open on
OPENING_MIN_POINTS = 12  # a range showing fewer readings than this is too thin to open on when a longer one has more


def opening_view(device: MonitoringDevice, kinds: tuple[str, ...] = OPENING_KINDS,
                 now: dt.datetime | None = None) -> tuple[str, str]:
    """(kind, range) a device page opens on: the first of `kinds` that has data — hourly first, what the rules and
    the desk judge — over the shortest range showing at least OPENING_MIN_POINTS readings (else the shortest that
    shows all it has); real-time over 24 h when the lake has nothing."""
    now = now or timezone.now()
    for kind in kinds:
        counts: dict[str, int] = {}
        for span, length in RANGES.items():
            rows = _read(mn=device.mn, kind=kind, start=now - length, end=now + dt.timedelta(minutes=5))
            counts[span] = len({r["data_time"] for r in rows})
            if counts[span] >= OPENING_MIN_POINTS:
                return kind, span
        most = max(counts.values())
        if most:
            return kind, next(span for span, n in counts.items() if n == most)
    return ("realtime" if "realtime" in kinds else kinds[0]), "24h"  # a new device's first frames are real-time


def readings_series(point: MonitoringPoint, pollutant: str, kind: str, start: dt.datetime, end: dt.datetime) -> dict:
    """ECharts-ready series of one factor at one point: [epoch ms, value, flag] points coloured by flag.

    Returns {"pollutant", "name", "unit", "kind", "start", "end", "points": [[ms, value, flag], ...],
    "flags": {flag: meaning}} — reusable by any page that charts a point (the warnings desk too).
    """
    rows = _read(mn=point.device.mn, kind=kind, pollutant=pollutant, start=start, end=end)
    unit = unit_normal(next((p.unit for p in point.pollutants.all() if p.code == pollutant), "") or factor_unit(pollutant))
    points, flags = [], {}
    for r in rows:
        value = _value(r)
        if value is None:
            continue
        flag = r.get("flag") or "N"
        flags[flag] = flag_meaning(flag)
        points.append([int(r["data_time"].timestamp() * 1000), value, flag])
    return {"pollutant": pollutant, "name": factor_name(pollutant), "unit": unit, "kind": kind,
            "start": int(start.timestamp() * 1000), "end": int(end.timestamp() * 1000), "points": points,
            "flags": flags, "colours": FLAG_COLOURS}  # fmt: skip


# Which limit a chart of each kind of data draws when a factor has several (hourly and daily means): the one judged
# on that kind of data first.
_AVERAGING_FOR_KIND = {"day": ("day", "hour", "instant"), "hour": ("hour", "instant", "day"),
                       "minute": ("instant", "hour", "day"), "realtime": ("instant", "hour", "day")}  # fmt: skip


def chart_limit_pick(limits: list, pollutant: str, kind: str):
    """The limit in force (`hooks.ChartLimit`) a `kind` chart of `pollutant` draws, or None when it has none."""
    mine = {lim.averaging: lim for lim in limits if lim.pollutant == pollutant}
    return next((mine[a] for a in _AVERAGING_FOR_KIND.get(kind, ("hour", "instant", "day")) if a in mine), None)


def _round_out(x: float) -> float:
    return float(f"{x:.3g}")


def limit_text(limit) -> str:
    """The limit in words for a chart: 'Limit 50 mg/m³ (Hourly mean)'; a range (pH) as 6–9."""
    value = f"{limit.low:g}–{limit.value:g}" if limit.low is not None else f"{limit.value:g}"
    return gettext("Limit %(value)s %(unit)s (%(averaging)s)") % {
        "value": value, "unit": limit.unit, "averaging": limit.averaging_label}  # fmt: skip


def echarts_option(series: dict, limit=None) -> dict:
    """An ECharts option for one factor's series: time axis, unit on the y axis, points coloured by flag; with the
    limit in force (`hooks.ChartLimit`) drawn as a dashed red line (both ends of a range), labelled in words, and
    the y axis stretched to show it when every reading is below it."""
    data = [{"value": [ms, v], "flag": f, "itemStyle": {"color": FLAG_COLOURS.get(f, "#d63939")},
             "symbolSize": 4 if f == "N" else 9, "symbol": "circle" if f == "N" else "diamond"}
            for ms, v, f in series["points"]]  # fmt: skip
    line = {"name": f"{series['name']} ({series['unit']})" if series["unit"] else series["name"], "type": "line",
            "showSymbol": True, "data": data, "lineStyle": {"width": 1.5, "color": "#206bc4"}}  # fmt: skip
    y_axis = {"type": "value", "name": series["unit"], "scale": True}
    if limit is not None:
        text = limit_text(limit)
        ends = [limit.value] if limit.low is None else [limit.low, limit.value]
        line["markLine"] = {
            "silent": True, "symbol": "none", "lineStyle": {"color": "#d63939", "type": "dashed", "width": 1.5},
            "label": {"position": "insideEndTop", "formatter": text, "color": "#d63939"},
            "data": [{"yAxis": v, "name": text} for v in ends],
        }  # fmt: skip
        values = [v for _ms, v, _f in series["points"]]
        if not values or max(values) < limit.value:
            y_axis["max"] = _round_out(limit.value * 1.1)
        if limit.low is not None and (not values or min(values) > limit.low):
            y_axis["min"] = _round_out(limit.low * 0.9)
    return {
        "tooltip": {"trigger": "axis"}, "grid": {"left": 60, "right": 20, "top": 30, "bottom": 40},
        "xAxis": {"type": "time", "min": series["start"], "max": series["end"]},
        "yAxis": y_axis, "series": [line],
    }  # fmt: skip


# --- spool: rejected and quarantined frames; the connection log ----------------------------------------------
# Spool material is scoped by the MN a frame claims: a frame naming a registered device belongs to that device's
# entity's county. What names no registered device (garbage, unknown MNs, connects before any frame) belongs to no
# county: only the deployment's top-level bureau (an organization without a parent) and administrators see it.

PW_RE = re.compile(rb"PW=[^;&]*")


def sees_unattributed(user: User) -> bool:
    """Whether the user may see spool material that names no registered device."""
    prefix = user.jurisdiction_prefix
    if prefix is None:
        return False
    return prefix == "" or (user.organization_id is not None and user.organization.parent_id is None)


class _Scope:
    """MN → visible? for one user, looked up once per request (registered MNs outside the jurisdiction are hidden)."""

    def __init__(self, user: User):
        self.user = user
        self.unattributed = sees_unattributed(user)
        self._cache: dict[str, bool] = {}

    def load(self, mns) -> None:
        mns = {m for m in mns if m and m not in self._cache}
        if not mns:
            return
        registered = set(MonitoringDevice.objects.filter(mn__in=mns).values_list("mn", flat=True))
        visible = set(scope_by_region(MonitoringDevice.objects.filter(mn__in=registered), user=self.user,
                                      field=REGION_FIELD).values_list("mn", flat=True))  # fmt: skip
        for mn in mns:
            self._cache[mn] = mn in visible if mn in registered else self.unattributed

    def __call__(self, mn: str | None) -> bool:
        if not mn:
            return self.unattributed
        if mn not in self._cache:
            self.load({mn})
        return self._cache[mn]


def mask_password(raw: bytes) -> bytes:
    """A raw frame with its access password (PW=…) replaced by asterisks: pages never show device passwords."""
    return PW_RE.sub(b"PW=******", raw)


def _recent_records(kinds: set[int], *, limit: int, select, segments: int = 20):
    """Newest records of `kinds` from the last `segments` spool segments, `select`ed a segment at a time."""
    from ecoenforce.monitoring.gateway.spool import list_segments, read_records

    out = []
    for path in reversed(list_segments(settings.SPOOL_DIR)[-segments:]):
        found = select([r for r in read_records(path) if r.kind in kinds])
        out.extend(reversed(found))
        if len(out) >= limit:
            break
    return out[:limit]


def _frame_view(r) -> dict:
    from ecoenforce.monitoring.release import record_mn

    return {"received_at": dt.datetime.fromtimestamp(r.received_at, dt.UTC), "peer": r.peer, "reason": r.reason,
            "reason_label": rejection_label(r.reason), "raw": mask_password(r.raw).decode("utf-8", errors="replace"),
            "size": len(r.raw), "sha256": r.sha256, "segment": r.segment, "offset": r.offset,
            "mn": record_mn(r.raw) or ""}  # fmt: skip


def rejected_frames(*, user: User, limit: int = 200, reason: str = "") -> list[dict]:
    """Newest rejected frames the user may see (by the MN they claim), passwords masked."""
    from ecoenforce.monitoring.gateway.spool import REJECTED
    from ecoenforce.monitoring.release import record_mn

    scope = _Scope(user)

    def select(records: list) -> list:
        claimed = [(r, record_mn(r.raw)) for r in records if not reason or r.reason == reason]
        scope.load(mn for _r, mn in claimed)
        return [r for r, mn in claimed if scope(mn)]

    return [_frame_view(r) for r in _recent_records({REJECTED}, limit=limit, select=select)]


def quarantine_summary(*, user: User) -> list[dict]:
    """Quarantined frames the user may see grouped by MN: count, first/last receipt, whether the MN is now
    registered (and active)."""
    from ecoenforce.monitoring.lake.loader import iter_quarantine
    from ecoenforce.monitoring.release import record_mn

    if not Path(settings.SPOOL_DIR).is_dir():
        return []
    groups: dict[str, dict] = {}
    for r in iter_quarantine(settings.SPOOL_DIR):
        mn = record_mn(r.raw) or ""
        g = groups.setdefault(mn, {"mn": mn, "frames": 0, "first": r.received_at, "last": r.received_at,
                                   "peer": r.peer, "reason": r.reason})  # fmt: skip
        g["frames"] += 1
        g["last"] = max(g["last"], r.received_at)
    scope = _Scope(user)
    scope.load(groups)
    groups = {mn: g for mn, g in groups.items() if scope(mn)}
    registered = set(MonitoringDevice.objects.filter(mn__in=groups, active=True).values_list("mn", flat=True))
    for g in groups.values():
        g["first"] = dt.datetime.fromtimestamp(g["first"], dt.UTC)
        g["last"] = dt.datetime.fromtimestamp(g["last"], dt.UTC)
        g["registered"] = g["mn"] in registered
        g["reason_label"] = rejection_label(g["reason"])
    return sorted(groups.values(), key=lambda g: g["last"], reverse=True)


def quarantine_release_plan(*, user: User, mn: str):
    """(device, plan): what releasing `mn`'s quarantine would do now — frames to release and refused, their receipt
    and data-time ranges, peers. The device must be registered and in the user's jurisdiction (else NotFound)."""
    from ecoenforce.monitoring.release import quarantine_review

    device = device_get_for_user(user=user, mn=mn)
    plan = quarantine_review(settings.SPOOL_DIR, mn=mn, password=device.password)
    for group in (plan.release, plan.refused):
        for name in ("first_received", "last_received"):
            value = getattr(group, name)
            setattr(group, name, dt.datetime.fromtimestamp(value, dt.UTC) if value is not None else None)
        for name in ("first_data_time", "last_data_time"):
            value = getattr(group, name)
            if value:
                setattr(group, name, dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=_CST))
        group.peer_list = group.peers.most_common()
    return device, plan


_CST = dt.timezone(dt.timedelta(hours=8))


def connection_log(*, user: User, mn: str = "", event: str = "", limit: int = 500,
                   tail_bytes: int = 4 << 20) -> list[dict]:  # fmt: skip
    """Newest gateway connection events the user may see (by MN), from the tail of the JSON-lines log."""
    path = Path(settings.VAR_DIR) / "gateway" / "connections.jsonl"
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - tail_bytes))
        lines = fh.read().decode("utf-8", errors="replace").splitlines()
    if size > tail_bytes:
        lines = lines[1:]  # the first line may be cut
    events = []
    for line in reversed(lines):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e, dict) and (not mn or e.get("mn") == mn) and (not event or e.get("event") == event):
            events.append(e)
    scope = _Scope(user)
    scope.load(str(e.get("mn") or "") for e in events)
    out = []
    for e in events:
        if not scope(str(e.get("mn") or "")):
            continue
        e["at"] = dt.datetime.fromtimestamp(e.get("ts", 0), dt.UTC)
        e["detail"] = {k: v for k, v in e.items() if k not in ("ts", "event", "peer", "mn", "at")}
        out.append(e)
        if len(out) >= limit:
            break
    return out
