"""Warnings desk reads: warnings in the user's jurisdiction, chart readings, limits for the rules, FP rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.access import get_in_scope, scope_by_region
from ecoenforce.core.errors import NotFound
from ecoenforce.core.filters import ListFilters, filter_field, search_field
from ecoenforce.core.models import User
from ecoenforce.core.units import unit_normal
from ecoenforce.monitoring.factors import factor_text
from ecoenforce.monitoring.models import MonitoringDevice
from ecoenforce.warnings.labels import rule_label
from ecoenforce.warnings.models import MqttGrant, MqttPublisher, PointLimit, RuleRun, Warning

CHART_MARGIN = dt.timedelta(hours=24)  # context either side of the event on its chart


def _operator(w: Warning) -> str:
    return (w.assigned_to.get_full_name() or w.assigned_to.username) if w.assigned_to else ""


@dataclass(frozen=True)
class WarningFilters(ListFilters):
    """Filters shared by the desk, its export and the API."""

    q: str = search_field()
    status: str = filter_field(_("Status"), lambda w: w.get_status_display())
    rule: str = filter_field(_("Rule"), lambda w: rule_label(w.rule))
    severity: str = filter_field(_("Severity"), lambda w: w.get_severity_display())
    region: str = filter_field(_("County"), lambda w: w.region.name)
    mine: str = filter_field(_("Operator"), _operator)  # "1" → the operator's own queue


def warning_list_for_user(*, user: User, filters: WarningFilters = WarningFilters()) -> QuerySet[Warning]:
    """Warnings the user may see, filtered; the most severe first, then the newest."""
    qs = scope_by_region(Warning.objects.select_related("entity", "region", "assigned_to"), user=user)
    if filters.q:
        qs = qs.filter(Q(mn__icontains=filters.q) | Q(entity__name__icontains=filters.q) | Q(pollutant__icontains=filters.q))
    for name in ("status", "rule", "severity"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.mine == "1":
        qs = qs.filter(assigned_to=user)
    rank = Case(When(severity=Warning.Severity.HIGH, then=Value(0)), When(severity=Warning.Severity.MEDIUM, then=Value(1)),
                default=Value(2), output_field=IntegerField())  # fmt: skip
    return qs.annotate(severity_rank=rank).order_by("severity_rank", "-start", "-id")


def warning_get_for_user(*, user: User, warning_id: object) -> Warning:
    """One warning, or NotFound outside the user's jurisdiction."""
    return get_in_scope(Warning.objects.select_related("entity", "region", "lead", "assigned_to", "run"), user=user,
                        pk=warning_id)  # fmt: skip


def device_entities(mns: set[str]) -> dict[str, object]:
    """MN → regulated entity, from the monitoring registry (the one list of devices)."""
    return {d.mn: d.entity for d in MonitoringDevice.objects.filter(mn__in=mns).select_related("entity__region")}


def _hour_at_or_after(t: dt.datetime | None) -> int | None:
    """The first whole hour (since the epoch) starting at or after `t`: a version set at 10:30 judges 11:00 on."""
    if t is None:
        return None
    secs = int(t.timestamp())
    return -(-secs // 3600)


def limit_rows() -> list[dict]:
    """Every version of every point limit as the rules want it: mn, pollutant, limit_value, averaging, ref_o2 and
    the hours it judges, [valid_from_h, valid_to_h) in whole hours since the epoch (None = open). An hour's reading
    is judged against the version in force when the hour began, so a re-run of a past window keeps the old limit."""
    rows = []
    for p in PointLimit.objects.select_related("device").order_by("pk").iterator():
        averaging = "day" if p.averaging == "day" else "hour"  # a single-value limit is checked hourly
        rows.append({"mn": p.device.mn, "pollutant": p.pollutant, "limit_value": p.limit_value, "averaging": averaging,
                     "ref_o2": p.reference_o2, "valid_from_h": _hour_at_or_after(p.valid_from),
                     "valid_to_h": _hour_at_or_after(p.valid_to)})  # fmt: skip
    return rows


def warning_limit(warning: Warning) -> PointLimit | None:
    """The point limit a warning was judged against: the version in force when its event began (a later change of
    the point's limit does not change it); the one whose value is the warning's threshold when several apply."""
    qs = (PointLimit.objects.select_related("limit__standard", "device")
          .filter(device__mn=warning.mn, pollutant=warning.pollutant, valid_from__lte=warning.start)
          .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=warning.start)).order_by("averaging", "pk"))  # fmt: skip
    versions = list(qs)
    return next((v for v in versions if v.limit_value == warning.threshold), versions[0] if versions else None)


def reading_kind(mn: str, rule: str = "") -> str:
    """The lake kind a device's hourly picture comes from: an electricity meter's readings, else hourly means."""
    if rule.startswith("treatment"):
        return "electricity"
    meter = MonitoringDevice.objects.filter(mn=mn, kind=MonitoringDevice.Kind.ELECTRICITY).exists()
    return "electricity" if meter else "hour"


def warning_readings(warning: Warning, lake_dir=None) -> list[dict]:
    """The hourly readings around the event for its chart and table: time, factor, value, 折算, flag."""
    from ecoenforce.monitoring.lake.reader import read_readings

    kind = reading_kind(warning.mn, warning.rule)
    start, end = warning.start - CHART_MARGIN, warning.end + CHART_MARGIN
    rows = read_readings(lake_dir or settings.LAKE_URL or settings.LAKE_DIR, mn=warning.mn, kind=kind, start=start, end=end, as_dicts=True)
    # Outages and zero flow are device-wide: show every factor; otherwise the suspect ones beside flow and O2.
    factors = None if warning.rule in ("outage", "flow_zero") else set(warning.pollutant.split("+"))
    out = []
    for r in rows:
        if factors and kind == "hour" and r["pollutant"] not in factors | {"a00000", "w00000", "a19001"}:
            continue
        value = r["avg"] if r["avg"] is not None else r["rtd"]
        zs = r["zs_avg"] if r["zs_avg"] is not None else r["zs_rtd"]
        in_event = warning.start <= r["data_time"] < warning.end
        out.append({"time": r["data_time"], "pollutant": r["pollutant"], "value": value, "zs": zs, "cou": r["cou"],
                    "flag": r["flag"] or "N", "in_event": in_event})  # fmt: skip
    return out


def chart_series(readings: list[dict], threshold: float | None = None) -> dict:
    """ECharts-ready series per factor (epoch ms, value), 折算 values as their own series, flow on a second axis.

    Each series is named for people ('Sulphur dioxide (mg/m³)') and keeps its HJ 212 `code` (折算 ones end in
    '/zs') for the chart to find the factor that raised the warning.
    """
    series: dict[tuple[str, int], list] = {}
    for r in readings:
        t = int(r["time"].timestamp() * 1000)
        axis = 1 if r["pollutant"] in ("a00000", "w00000", "production", "treatment") else 0
        if r["value"] is not None:
            series.setdefault((r["pollutant"], axis), []).append([t, r["value"]])
        if r["zs"] is not None:
            series.setdefault((f"{r['pollutant']}/zs", 0), []).append([t, r["zs"]])
    out = []
    for (code, axis), data in sorted(series.items()):
        base, zs = (code[:-3], True) if code.endswith("/zs") else (code, False)
        name = str(_("%(factor)s, corrected (折算)") % {"factor": factor_text(base)}) if zs else factor_text(base)
        out.append({"name": name, "code": code, "axis": axis, "data": data})
    return {"series": out, "threshold": threshold}


def false_positive_rates(*, user: User) -> list[dict]:
    """Per rule: warnings raised, handled, dismissed as false alarms, and the false-positive rate among handled."""
    qs = scope_by_region(Warning.objects.all(), user=user)
    rows = qs.values("rule").annotate(
        total=Count("id"), handled=Count("id", filter=~Q(status=Warning.Status.OPEN)),
        false=Count("id", filter=Q(status=Warning.Status.DISMISSED, dismiss_reason=Warning.DismissReason.FALSE_POSITIVE)),
        dismissed=Count("id", filter=Q(status=Warning.Status.DISMISSED)),
    ).order_by("rule")  # fmt: skip
    return [{**r, "rate": (r["false"] / r["handled"]) if r["handled"] else None} for r in rows]


def run_list(user: User | None = None) -> QuerySet[RuleRun]:
    """Recent rule runs; for a user, those requested inside their jurisdiction or by the system (scheduled)."""
    qs = RuleRun.objects.select_related("requested_by", "policy").order_by("-created_at", "-id")
    if user is None:
        return qs
    mine = scope_by_region(qs, user=user, field="requested_by__organization__region__code")
    return qs.filter(Q(requested_by__isnull=True) | Q(pk__in=mine.values("pk")))


def run_get_for_user(*, user: User, run_id: object) -> RuleRun:
    """One run the user may see, or NotFound."""
    try:
        return run_list(user).get(pk=run_id)
    except (RuleRun.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# --- devices of other kinds than automatic monitoring (electricity meters above all) ------------------------------

DEVICE_READINGS = {MonitoringDevice.Kind.ELECTRICITY: "electricity", MonitoringDevice.Kind.CEMS: "hour",
                   MonitoringDevice.Kind.VIDEO: "video"}  # fmt: skip


def meter_get_for_user(*, user: User, mn: str) -> MonitoringDevice:
    """A registered device (an electricity meter, a camera, …) whose entity lies in the user's jurisdiction, or
    NotFound (an unknown MN and one out of reach look the same)."""
    device = MonitoringDevice.objects.filter(mn=mn).only("pk").first()
    if device is None:
        raise NotFound()
    return get_in_scope(MonitoringDevice.objects.select_related("entity__region"), user=user, pk=device.pk,
                        field="entity__region__code")  # fmt: skip


def meter_series(device: MonitoringDevice, start: dt.datetime, end: dt.datetime, lake_dir=None) -> list[dict]:
    """A device's readings in [start, end) per channel, in the shape `monitoring.selectors.echarts_option`
    draws: {"pollutant", "name", "unit", "kind", "start", "end", "points": [[ms, value, flag]], "flags"}."""
    from ecoenforce.monitoring.factors import factor_name, factor_unit, flag_meaning
    from ecoenforce.monitoring.lake.reader import read_readings

    kind = DEVICE_READINGS.get(device.kind, "hour")
    rows = read_readings(lake_dir or settings.LAKE_URL or settings.LAKE_DIR, mn=device.mn, kind=kind, start=start, end=end,
                         as_dicts=True)
    out: dict[str, dict] = {}
    for r in rows:  # sorted by pollutant, data_time
        value = next((r[c] for c in ("rtd", "avg", "data") if r.get(c) is not None), None)
        if value is None:
            continue
        flag = r.get("flag") or "N"
        s = out.setdefault(r["pollutant"], {
            "pollutant": r["pollutant"], "name": factor_name(r["pollutant"]), "unit": factor_unit(r["pollutant"]),
            "kind": kind, "start": int(start.timestamp() * 1000), "end": int(end.timestamp() * 1000), "points": [],
            "flags": {}})  # fmt: skip
        s["flags"][flag] = flag_meaning(flag)
        s["points"].append([int(r["data_time"].timestamp() * 1000), value, flag])
    return [out[k] for k in sorted(out)]


def device_page(mn: str) -> tuple[str, str] | None:
    """Where a device named in a warning has its page: ("monitoring:device" | "warnings:meter", mn), or None."""
    kind = MonitoringDevice.objects.filter(mn=mn).values_list("kind", flat=True).first()
    if kind is None:
        return None
    return ("monitoring:device", mn) if kind == MonitoringDevice.Kind.CEMS else ("warnings:meter", mn)


def input_bindings(*, mns: set[str], kind: str, user: User | None = None,
                   publisher: MqttPublisher | None = None) -> dict[str, MonitoringDevice]:
    """MN → device for the registered monitors of `kind` among `mns` that the sender may feed: for a person, those
    whose entity lies in their jurisdiction; for an MQTT publisher, those granted to it while it is active.
    An unknown MN and one out of reach are both simply absent (never say which)."""
    if (user is None) == (publisher is None):
        raise ValueError("input_bindings needs exactly one of user and publisher")
    qs = MonitoringDevice.objects.filter(mn__in=mns, kind=kind).select_related("entity__region")
    if user is not None:
        qs = scope_by_region(qs, user=user, field="entity__region__code")
    else:
        qs = qs.filter(mqtt_grant__publisher=publisher, mqtt_grant__publisher__active=True)
    return {d.mn: d for d in qs}


def mqtt_authorizations() -> dict[str, frozenset[str]]:
    """Active publisher's user name → the electricity MNs granted to it (what the broker's ACL and the listener allow)."""
    out: dict[str, set[str]] = {p: set() for p in MqttPublisher.objects.filter(active=True).values_list("username", flat=True)}
    rows = MqttGrant.objects.filter(device__kind=MonitoringDevice.Kind.ELECTRICITY, publisher__active=True)
    for username, mn in rows.values_list("publisher__username", "device__mn"):
        out[username].add(mn)
    return {k: frozenset(v) for k, v in out.items()}


# --- a device's limits (its page on the warnings desk, and the panel on the monitoring device page) ----------------


def limit_device_get_for_user(*, user: User, mn: str) -> MonitoringDevice:
    """A registered device in the user's jurisdiction, with its point and factors, or NotFound."""
    found = MonitoringDevice.objects.filter(mn=mn).only("pk").first()
    if found is None:
        raise NotFound()
    return get_in_scope(MonitoringDevice.objects.select_related("entity__region", "point__outlet"), user=user,
                        pk=found.pk, field="entity__region__code")  # fmt: skip


def device_limit_versions(device: MonitoringDevice) -> tuple[list[PointLimit], list[PointLimit]]:
    """(the versions in force, the earlier ones newest first) of a device's limits, each with `factor` (its name and
    unit in words) — for a device the caller has already found in the user's jurisdiction."""
    versions = list(PointLimit.objects.filter(device=device).select_related("limit__standard", "set_by")
                    .order_by("pollutant", "averaging", "-valid_from"))  # fmt: skip
    for v in versions:
        v.factor = factor_text(v.pollutant)
    current = [v for v in versions if v.valid_to is None]
    past = sorted((v for v in versions if v.valid_to is not None), key=lambda v: v.valid_to, reverse=True)
    return current, past


def factors_with_limits(codes: list[str]) -> set[str]:
    """The factors among `codes` that some limit of an active standard judges."""
    from ecoenforce.warnings.models import EmissionLimit

    return set(EmissionLimit.objects.filter(pollutant__in=codes, standard__active=True).values_list("pollutant", flat=True))


def limit_choices(codes: list[str]) -> list[tuple[str, str]]:
    """(id, words) of every limit of an active standard for these factors, for the limit form."""
    from ecoenforce.warnings.models import EmissionLimit

    rows = (EmissionLimit.objects.filter(pollutant__in=codes, standard__active=True).select_related("standard")
            .order_by("pollutant", "standard__code", "category", "averaging"))  # fmt: skip
    return [(str(lim.pk), f"{factor_text(lim.pollutant)} · {lim.standard.code} · {lim.category} · "
                          f"{lim.limit_text or f'{lim.limit_value:g}'} {unit_normal(lim.unit)} ({lim.get_averaging_display()})")
            for lim in rows]  # fmt: skip
