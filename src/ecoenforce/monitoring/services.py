"""Monitoring registry writes: register/update a device with its outlet, point and factors; deactivate; release
quarantine. Every change is audited and rewrites the gateway's device snapshot once the transaction commits."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecoenforce.core.access import get_in_scope, require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import Role, User
from ecoenforce.monitoring.factors import FACTORS
from ecoenforce.monitoring.gateway.directory import DeviceInfo, write_snapshot
from ecoenforce.monitoring.models import (
    MonitoringDevice,
    MonitoringPoint,
    Outlet,
    PointPollutant,
    QuarantineRelease,
)
from ecoenforce.registry.models import RegulatedEntity

REGISTRY_ROLES = (Role.MONITORING_OPERATOR,)  # administrators hold every role


@dataclass
class DeviceInput:
    """Everything that registers one device at one outlet (one import row, one form submit)."""

    entity_id: int
    outlet_code: str
    outlet_name: str
    outlet_kind: str
    mn: str
    password: str
    protocol: str = MonitoringDevice.Protocol.HJ2017
    sm4_key: str = ""
    pollutants: list[str] = field(default_factory=list)
    active: bool = True
    installed_on: dt.date | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    standard: str | None = None  # the outlet's applicable standard and category; None keeps what is recorded
    category: str | None = None


def device_snapshot_write() -> int:
    """Write every automatic-monitoring device with a password (active or not) to the gateway's JSON snapshot
    atomically; returns the device count. Meters and cameras never speak HJ 212: the gateway does not know them."""
    registered = MonitoringDevice.objects.filter(kind=MonitoringDevice.Kind.CEMS).exclude(password="").order_by("mn")
    devices = [DeviceInfo(mn=d.mn, password=d.password, protocol=d.protocol,
                          sm4_key=bytes.fromhex(d.sm4_key) if d.sm4_key else None, active=d.active)
               for d in registered]  # fmt: skip
    path = settings.DEVICE_SNAPSHOT
    path.parent.mkdir(parents=True, exist_ok=True)
    write_snapshot(path, devices)
    return len(devices)


def _schedule_snapshot() -> None:
    # After commit, so the gateway never admits a device whose registration was rolled back.
    transaction.on_commit(device_snapshot_write)


def _device_state(device: MonitoringDevice) -> dict:
    point = MonitoringPoint.objects.filter(device=device).select_related("outlet").first()
    return {"mn": device.mn, "protocol": device.protocol, "active": device.active, "entity": device.entity_id,
            "sm4_key_set": bool(device.sm4_key), "installed_on": device.installed_on,
            "outlet": point.outlet.code if point else None,
            "standard": f"{point.outlet.standard} {point.outlet.category}".strip() if point else "",
            "pollutants": sorted(point.pollutants.values_list("code", flat=True)) if point else []}  # fmt: skip


def _check(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from None


def _clean_codes(codes: list[str]) -> list[str]:
    out = []
    for code in codes:
        code = code.strip()
        if code and code not in out:
            out.append(code)
    unknown = [c for c in out if c not in FACTORS]
    if unknown:
        raise ValidationFailed(details={"pollutants": [
            _("Unknown factor code(s): %(codes)s. Use HJ 212-2017 codes such as a21026 or w01018.")
            % {"codes": ", ".join(unknown)}]})  # fmt: skip
    if not out:
        raise ValidationFailed(details={"pollutants": [_("List at least one factor code, separated by ';'.")]})
    return out


def _save(data: DeviceInput, actor: User) -> tuple[MonitoringDevice, bool]:
    """Create or update (by MN) without the transaction/snapshot wrapper, so imports can batch rows."""
    entity = get_in_scope(RegulatedEntity.objects.all(), user=actor, pk=data.entity_id)
    codes = _clean_codes(data.pollutants)
    outlet = Outlet.objects.filter(entity=entity, code=data.outlet_code.strip()).first() or Outlet(entity=entity)
    outlet.code, outlet.name, outlet.kind = data.outlet_code.strip(), data.outlet_name.strip(), data.outlet_kind
    if data.latitude is not None:
        outlet.latitude, outlet.longitude = data.latitude, data.longitude
    if data.standard is not None:
        outlet.standard, outlet.category = data.standard.strip(), (data.category or "").strip()
    _check(outlet)
    outlet.save()
    device = MonitoringDevice.objects.select_for_update().filter(mn=data.mn.strip()).first()
    created = device is None
    before = None if created else _device_state(device)
    if device is not None and device.entity_id != entity.pk:
        # Moving an MN between entities silently would re-attribute evidence; make the operator say so first.
        raise ValidationFailed(details={"mn": [_("MN %(mn)s is registered to another entity. Deactivate it there "
                                                 "first, or correct the MN.") % {"mn": device.mn}]})  # fmt: skip
    if device is not None and device.kind != MonitoringDevice.Kind.CEMS:
        raise ValidationFailed(details={"mn": [_("MN %(mn)s is registered as another kind of device (%(kind)s). "
                                                 "Correct the MN.") % {"mn": device.mn,
                                                                       "kind": device.get_kind_display()}]})  # fmt: skip
    device = device or MonitoringDevice(mn=data.mn.strip())
    device.entity, device.password, device.protocol = entity, data.password.strip(), data.protocol
    device.sm4_key, device.active, device.installed_on = data.sm4_key.strip().lower(), data.active, data.installed_on
    _check(device)
    device.save()
    point, _created = MonitoringPoint.objects.update_or_create(device=device, defaults={"outlet": outlet})
    point.pollutants.exclude(code__in=codes).delete()
    have = set(point.pollutants.values_list("code", flat=True))
    PointPollutant.objects.bulk_create([PointPollutant(point=point, code=c, name=str(FACTORS[c][0]), unit=FACTORS[c][1])
                                        for c in codes if c not in have])  # fmt: skip
    after = _device_state(device)
    if created or before != after:
        audit_record(actor=actor, obj=device, action="monitoring_device.register" if created else "monitoring_device.update",
                     before=before, after=after)  # fmt: skip
    return device, created


@transaction.atomic
def device_save(*, actor: User, data: DeviceInput) -> MonitoringDevice:
    """Register a device at an outlet, or update the one with this MN; the gateway sees it after commit. With the
    outlet's standard and category, its factors get their limits as in the import (`hooks.limits_assign`): a
    standard or category that matches nothing refuses the save; `device.limit_notices` names the factors left
    without a limit."""
    from ecoenforce.monitoring import hooks

    require_role(actor, REGISTRY_ROLES)
    device, _created = _save(data, actor)
    device.limit_notices = []
    if data.standard:
        codes = tuple(device.point.pollutants.values_list("code", flat=True))
        point = hooks.PointStandard(0, device, data.standard.strip(), (data.category or "").strip(), codes)
        outcome = hooks.limits_assign(actor=actor, points=[point])
        if outcome is not None and outcome.problems:
            details: dict[str, list[str]] = {}
            for _row, column, message in outcome.problems:
                details.setdefault(column, []).append(message)
            raise ValidationFailed(details=details)
        device.limit_notices = [message for _row, _column, message in (outcome.notices if outcome else [])]
    _schedule_snapshot()
    return device


@transaction.atomic
def device_set_active(*, actor: User, device_id: int, active: bool, reason: str = "") -> MonitoringDevice:
    """Switch a device on or off for the gateway (an inactive device's frames go to quarantine)."""
    require_role(actor, REGISTRY_ROLES)
    device = get_in_scope(MonitoringDevice.objects.select_for_update(), user=actor, pk=device_id,
                          field="entity__region__code")  # fmt: skip
    if device.active != active:
        device.active = active
        device.save(update_fields=["active", "updated_at"])
        audit_record(actor=actor, obj=device, action="monitoring_device.activate" if active else "monitoring_device.deactivate",
                     before={"active": not active}, after={"active": active}, reason=reason)  # fmt: skip
        _schedule_snapshot()
    return device


@transaction.atomic
def quarantine_release(*, actor: User, mn: str, through: str | None = None) -> QuarantineRelease:
    """Load a registered device's quarantined frames into the lake — only those whose password is the device's
    password now (the others stay in quarantine, refused) and, when `through` is given, only those up to the
    position the operator reviewed. Idempotent: already-loaded readings are kept."""
    from ecoenforce.monitoring.release import release_quarantined
    from ecoenforce.monitoring.selectors import lake_load_lock

    require_role(actor, REGISTRY_ROLES)
    device = MonitoringDevice.objects.filter(mn=mn).first()
    if device is None or not device.active:
        raise ValidationFailed(details={"mn": [_("Register MN %(mn)s (and keep it active) before releasing its "
                                                 "quarantined frames.") % {"mn": mn}]})  # fmt: skip
    get_in_scope(MonitoringDevice.objects.all(), user=actor, pk=device.pk, field="entity__region__code")
    if through is not None and not re.fullmatch(r"seg-\d{10}\.hjs:\d{1,15}", through):
        raise ValidationFailed(details={"through": [_("The reviewed release is not valid any more. Review the "
                                                      "quarantined frames again.")]})  # fmt: skip
    key = bytes.fromhex(device.sm4_key) if device.sm4_key else None
    with lake_load_lock(blocking=True):  # its dedup reads the lake: no loader may write meanwhile
        result = release_quarantined(settings.SPOOL_DIR, settings.LAKE_URL or settings.LAKE_DIR, mn=mn, password=device.password,
                                     sm4_key=key, through=through)  # fmt: skip
    release = QuarantineRelease.objects.create(mn=mn, released_by=actor, frames=result.frames,
                                               rows_written=result.rows_written)  # fmt: skip
    release.refused = result.refused  # not stored on the model: the audit event records it
    audit_record(actor=actor, obj=device, action="monitoring_device.release_quarantine",
                 after={"frames": result.frames, "refused_wrong_password": result.refused,
                        "rows_written": result.rows_written, "through": result.through})  # fmt: skip
    return release
