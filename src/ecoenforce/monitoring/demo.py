"""Demo monitoring registry: devices, outlets and factors for the demo city's key units (quick, idempotent)."""

from __future__ import annotations

from django.db import transaction

from ecoenforce.core.models import User
from ecoenforce.monitoring import services
from ecoenforce.monitoring.models import MonitoringDevice
from ecoenforce.registry.models import RegulatedEntity

GAS_FACTORS = ["a34013", "a21026", "a21002", "a19001", "a00000"]
WATER_FACTORS = ["w01018", "w21003", "w21011", "w00000"]


def _bound_cems() -> list[tuple[str, RegulatedEntity, bool]]:
    """(MN, entity, water?) of the simulated sources' devices (the monitoring demo registers them labelled with
    their source), so their outlets and factors are registered too and their lake data shows on our pages."""
    from ecoenforce.monitoring.scenario.generator import SOURCES

    devices = MonitoringDevice.objects.filter(kind=MonitoringDevice.Kind.CEMS, label__in=list(SOURCES))
    return [(d.mn, d.entity, d.label == "wastewater") for d in devices.select_related("entity").order_by("mn")]


def registry_demo(*, actor: User, total: int = 60) -> dict:
    """Register up to `total` devices (re-running updates the same MNs); returns counts."""
    plan = _bound_cems()
    taken = {e.pk for _mn, e, _w in plan}
    extra = (RegulatedEntity.objects.filter(is_key_unit=True).exclude(pk__in=taken).select_related("industry")
             .order_by("pk")[: max(0, total - len(plan))])  # fmt: skip
    for i, e in enumerate(extra, start=1):
        water = "水" in e.industry.name_zh or "w01018" in (e.industry.typical_online_factors or "")
        plan.append((f"CZ{e.region.code}{i:06d}{'W' if water else 'G'}", e, water))
    counts = {"gas": 0, "water": 0}
    with transaction.atomic():
        for mn, entity, water in plan[:total]:
            services.device_save(actor=actor, data=services.DeviceInput(
                entity_id=entity.pk, outlet_code="DW001" if water else "DA001",
                outlet_name="废水总排口" if water else "1#排气筒", outlet_kind="water" if water else "gas", mn=mn,
                password="123456", pollutants=WATER_FACTORS if water else GAS_FACTORS,
                latitude=entity.latitude, longitude=entity.longitude,
            ))  # fmt: skip
            counts["water" if water else "gas"] += 1
    services.device_snapshot_write()
    return {"devices": MonitoringDevice.objects.count(), **counts}
