"""Registry models: industries (GB/T 4754) and the regulated entities a bureau watches."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Region


class Industry(models.Model):
    """A GB/T 4754-2017 industry class, with how the 2019 permit catalogue classes it."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128)
    division_name_zh = models.CharField(_("division"), max_length=64, blank=True)
    permit_class_rule = models.TextField(_("permit classification rule"), blank=True)
    typical_online_factors = models.TextField(_("typical online-monitoring factors"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class PermitClass(models.TextChoices):
    """Classes of the 2019 fixed-source permit catalogue."""

    KEY = "key", _("Key management (重点管理)")
    SIMPLIFIED = "simplified", _("Simplified management (简化管理)")
    REGISTRATION = "registration", _("Registration (登记管理)")
    NONE = "none", _("No permit required")


class RiskClass(models.TextChoices):
    """Supervision classes of classified supervision (分类监管)."""

    KEY = "key", _("Key (重点)")
    GENERAL = "general", _("General (一般)")
    SPECIAL = "special", _("Special (特殊)")


class RegulatedEntity(models.Model):
    """A regulated entity (监管对象): a firm or site identified by its unified social credit code."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=128)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="entities")
    address = models.CharField(_("address"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    permit_class = models.CharField(_("permit class"), max_length=16, choices=PermitClass.choices)
    permit_number = models.CharField(_("permit number"), max_length=32, blank=True)
    is_key_unit = models.BooleanField(_("key discharging unit"), default=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Written only by the risk classification service (with its reasons); read by planning and draws.
    risk_class = models.CharField(_("supervision class"), max_length=16, choices=RiskClass.choices,
                                  default=RiskClass.GENERAL)
    risk_score = models.DecimalField(_("risk score"), max_digits=7, decimal_places=2, null=True, blank=True)
    risk_scored_on = models.DateField(_("risk scored on"), null=True, blank=True)
    on_positive_list = models.BooleanField(_("on the positive list"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["permit_class"]), models.Index(fields=["name"]),
                   models.Index(fields=["risk_class"])]
        verbose_name = _("regulated entity")
        verbose_name_plural = _("regulated entities")

    def __str__(self) -> str:
        return self.name


class EntityEvent(models.Model):
    """A dated fact in an entity's history (a penalty, a warning, a tip...): what risk and credit are computed from.

    Other apps push these through `registry.services.entity_event_record`, so the registry never imports them.
    """

    class Kind(models.TextChoices):
        INSPECTION_CLEAN = "inspection_clean", _("Inspection without violation")
        INSPECTION_VIOLATION = "inspection_violation", _("Inspection found a violation")
        CASE_OPENED = "case_opened", _("Case opened")
        PENALTY = "penalty", _("Penalty decided")
        WARNING = "warning", _("Monitoring warning")
        TIP = "tip", _("Public tip")
        INCIDENT = "incident", _("Environmental incident")

    entity = models.ForeignKey(RegulatedEntity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    date = models.DateField(_("date"))
    ref = models.CharField(_("reference"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["entity", "date"])]
        verbose_name = _("entity event")
        verbose_name_plural = _("entity events")

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class RiskPolicy(models.Model):
    """A version of the classification's weights and thresholds (the newest version is in force)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    values = models.JSONField(_("values"), default=dict, help_text=_("Keys of RiskPolicyValues; missing keys keep their defaults."))
    source = models.CharField(_("source"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("risk classification policy")
        verbose_name_plural = _("risk classification policies")

    def __str__(self) -> str:
        return f"v{self.version}"
