"""Demo monitoring: a simulated month for registered entities, straight into the lake, then a rule run."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.utils import timezone

from ecoenforce.monitoring.feed import feed_through_gateway
from ecoenforce.monitoring.models import MonitoringDevice
from ecoenforce.monitoring.scenario import generate, write_lake
from ecoenforce.monitoring.scenario.generator import SOURCES, row_count, to_arrow
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.warnings.models import EmissionLimit
from ecoenforce.warnings.runs import rule_run_create, rule_run_execute
from ecoenforce.warnings.services import device_bind, limits_seed_load, point_limit_assign

WASTEWATER_NH3_CATEGORY = "一级A/水温>12℃"  # GB 18918 sets NH3-N per water temperature, COD per grade


def _limit(industry: str, pollutant: str, averaging: str) -> EmissionLimit | None:
    code, category = SOURCES[industry]
    if industry == "wastewater" and pollutant == "w21003":
        category = WASTEWATER_NH3_CATEGORY
    return EmissionLimit.objects.filter(standard__code=code, category=category, pollutant=pollutant,
                                        averaging=averaging).first()  # fmt: skip


# The facilities each simulated source stands for (GB/T 4754 classes): a coal-power limit goes to a power plant and
# never to a tannery. A coal-fired boiler (GB 13271) may serve any manufacturing firm.
SOURCE_INDUSTRIES = {"power": ("4411", "4412"), "cement": ("3011",), "incineration": ("4417", "7820"),
                     "wastewater": ("4620",), "boiler": None}


def _facility(industry: str, used: set[int]) -> tuple[RegulatedEntity | None, bool]:
    """(the next facility of this source's industry, True), or (any other entity, False) when there is none: that
    one is monitored without limits rather than under another industry's standard."""
    qs = RegulatedEntity.objects.select_related("region", "industry").exclude(pk__in=used).order_by("pk")
    codes = SOURCE_INDUSTRIES[industry]
    fitting = qs.filter(industry__code__in=codes) if codes else qs.filter(industry__code__gte="13",
                                                                          industry__code__lt="44")
    entity = fitting.first()
    return (entity, True) if entity is not None else (qs.first(), False)


def monitoring_demo(*, entities: int = 24, days: int = 30, end: dt.date | None = None, lake_dir=None,
                    seed: int = 2026) -> dict:
    """Bind devices to the first `entities` entities, write `days` of scenario data, run the rules."""
    limits_seed_load(actor=None)
    end = end or (timezone.localdate() - dt.timedelta(days=1))
    first = end - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    n_points = min(entities, RegulatedEntity.objects.count())
    sc = generate(n_points=n_points, days=days, seed=seed, start=start.astimezone(dt.UTC), mn_prefix="CZ3204")
    used: set[int] = set()
    fits: set[str] = set()
    chosen = []
    for point in sc.points:
        mn = point["mn"]
        entity, fitting = _facility(point["industry"], used)
        used.add(entity.pk)
        chosen.append(entity)
        if fitting:
            fits.add(mn)
        device_bind(actor=None, mn=mn, entity=entity, kind=MonitoringDevice.Kind.CEMS, label=point["industry"])
        if point["industry"] != "wastewater":
            device_bind(actor=None, mn=f"E{mn[1:]}", entity=entity, kind=MonitoringDevice.Kind.ELECTRICITY)
    for row in sc.limits:
        if row["mn"] not in fits:
            continue
        industry = next(p["industry"] for p in sc.points if p["mn"] == row["mn"])
        limit = _limit(industry, row["pollutant"], row["averaging"])
        if limit is not None:
            point_limit_assign(actor=None, mn=row["mn"], pollutant=row["pollutant"], limit=limit)
    # Automatic monitoring travels the real road (2061 frames → gateway → spool → loader → lake); the
    # electricity meters' readings land as the HTTP/MQTT inputs would write them.
    fed = feed_through_gateway(to_arrow(sc.columns["hour"]).to_pylist(), lake_dir or settings.LAKE_DIR)
    meters = dataclasses.replace(sc, columns={k: v for k, v in sc.columns.items() if k != "hour"})
    write_lake(meters, lake_dir or settings.LAKE_DIR, name="part-demo-scenario")
    run = rule_run_create(actor=None, window_from=start, window_to=start + dt.timedelta(days=days))
    run = rule_run_execute(run_id=run.pk, lake_dir=lake_dir)
    return {"devices": len(chosen), "readings": row_count(sc.columns["hour"]) + row_count(sc.columns["electricity"]),
            "frames": fed["frames"], "acknowledged": fed["acknowledged"],
            "injected": len(sc.truth), "run": run.pk, "status": run.status, "warnings": run.warnings_created,
            "error": run.error}  # fmt: skip
