"""Registry of monitoring points: devices (one MN each), outlets of regulated entities, points and their pollutants.

A `MonitoringPoint` is where one device measures one outlet; its `PointPollutant` rows list the HJ 212 factor codes
(2017 codes, e.g. a21026) it reports, with name and unit. Readings themselves live in the Parquet lake keyed by
MN, never in the database: pages and the warnings desk read them through `monitoring.selectors.readings_series`.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.registry.models import RegulatedEntity

MN_RE = re.compile(r"^[A-Za-z0-9_]{1,32}$")
OTHER_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,31}$")  # meters and cameras: also . : - (MQTT-topic safe)
CODE_RE = re.compile(r"^[A-Za-z0-9]{2,8}$")
SM4_RE = re.compile(r"^[0-9a-fA-F]{32}$")


def validate_mn(value: str) -> None:
    """MNs are 14 (2005), 24 (2017) or station-style ids with `_`: letters, digits, underscore, ≤ 32."""
    if not MN_RE.match(value or ""):
        raise ValidationError(_("Enter the device MN: letters, digits or underscore, at most 32 characters."))


def validate_sm4_key(value: str) -> None:
    """An SM4 key is 16 bytes, written as 32 hexadecimal characters."""
    if value and not SM4_RE.match(value):
        raise ValidationError(_("Enter the SM4 key as 32 hexadecimal characters (16 bytes), or leave it empty."))


class MonitoringDevice(models.Model):
    """A monitoring device of a regulated entity, one MN each: the one registry of devices.

    `kind` says what it is: a data acquisition unit (数采仪) sending HJ 212 frames (MN + password, protocol revision,
    SM4 key; only these reach the gateway's snapshot), an electricity meter (IoT monitoring of production and
    treatment equipment) or a video camera. Other apps read this registry; none keeps its own list of devices.
    """

    class Kind(models.TextChoices):
        CEMS = "cems", _("Automatic monitoring")
        ELECTRICITY = "electricity", _("Electricity monitoring")
        VIDEO = "video", _("Video monitoring")

    class Protocol(models.TextChoices):
        HJ2005 = "2005", _("HJ/T 212-2005")
        HJ2017 = "2017", _("HJ 212-2017")
        HJ2025 = "2025", _("HJ 212-2025")

    mn = models.CharField(_("MN"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CEMS)
    label = models.CharField(_("label"), max_length=120, blank=True)
    password = models.CharField(_("password"), max_length=16, blank=True,
                                help_text=_("The HJ 212 access password (PW). Automatic monitoring only: without it the gateway quarantines "
                                            "the device's frames."))  # fmt: skip
    protocol = models.CharField(_("protocol revision"), max_length=4, choices=Protocol.choices, default=Protocol.HJ2017)
    sm4_key = models.CharField(_("SM4 key (hex)"), max_length=32, blank=True, validators=[validate_sm4_key])
    active = models.BooleanField(_("active"), default=True)
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("regulated entity"), on_delete=models.PROTECT,
                               related_name="monitoring_devices")  # fmt: skip
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monitoring device")
        verbose_name_plural = _("monitoring devices")
        ordering = ["mn"]

    def __str__(self) -> str:
        return self.mn

    def clean(self) -> None:
        if self.kind == self.Kind.CEMS:
            try:
                validate_mn(self.mn)
            except ValidationError as exc:
                raise ValidationError({"mn": exc.messages}) from None
        elif not OTHER_ID_RE.match(self.mn or ""):
            raise ValidationError({"mn": _("Enter the device id: letters, digits, '_', '.', ':' or '-', at most 32 "
                                           "characters, starting with a letter or digit.")})  # fmt: skip


class Outlet(models.Model):
    """A discharge outlet of a regulated entity (flue-gas stack or wastewater outlet)."""

    class Kind(models.TextChoices):
        GAS = "gas", _("Flue gas")
        WATER = "water", _("Wastewater")

    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("regulated entity"), on_delete=models.PROTECT,
                               related_name="outlets")  # fmt: skip
    code = models.CharField(_("outlet code"), max_length=32)
    name = models.CharField(_("outlet name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    standard = models.CharField(_("applicable standard"), max_length=80, blank=True,
                                help_text=_("The emission standard the outlet is judged under, e.g. GB 13223-2011."))
    category = models.CharField(_("category under the standard"), max_length=200, blank=True,
                                help_text=_("The source category in that standard, e.g. 燃煤锅炉 特别排放限值."))

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["entity_id", "code"]
        constraints = [models.UniqueConstraint(fields=["entity", "code"], name="monitoring_outlet_entity_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MonitoringPoint(models.Model):
    """Where a device measures an outlet: the unit warnings and charts are attached to (one point per device)."""

    device = models.OneToOneField(MonitoringDevice, verbose_name=_("device"), on_delete=models.CASCADE,
                                  related_name="point")  # fmt: skip
    outlet = models.ForeignKey(Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="points")

    class Meta:
        verbose_name = _("monitoring point")
        verbose_name_plural = _("monitoring points")
        ordering = ["device__mn"]

    def __str__(self) -> str:
        return f"{self.device.mn} @ {self.outlet}"


class PointPollutant(models.Model):
    """One factor a point reports: HJ 212-2017 code (as in the lake's `pollutant` column), name and unit."""

    point = models.ForeignKey(MonitoringPoint, verbose_name=_("monitoring point"), on_delete=models.CASCADE,
                              related_name="pollutants")  # fmt: skip
    code = models.CharField(_("factor code"), max_length=8, validators=[])
    name = models.CharField(_("factor name"), max_length=32)
    unit = models.CharField(_("unit"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("measured factor")
        verbose_name_plural = _("measured factors")
        ordering = ["point_id", "code"]
        constraints = [models.UniqueConstraint(fields=["point", "code"], name="monitoring_pointpollutant_code")]

    def __str__(self) -> str:
        return self.code


class QuarantineRelease(models.Model):
    """A release of a newly registered device's quarantined frames into the lake (who, when, how much)."""

    mn = models.CharField(_("MN"), max_length=32, db_index=True)
    released_by = models.ForeignKey("core.User", verbose_name=_("released by"), on_delete=models.PROTECT)
    released_at = models.DateTimeField(_("released at"), auto_now_add=True)
    frames = models.PositiveIntegerField(_("frames"))
    rows_written = models.PositiveIntegerField(_("readings written"))

    class Meta:
        verbose_name = _("quarantine release")
        verbose_name_plural = _("quarantine releases")
        ordering = ["-released_at"]

    def __str__(self) -> str:
        return f"{self.mn} ({self.frames})"
