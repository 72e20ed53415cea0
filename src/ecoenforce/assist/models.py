"""Third-party assistance (辅助执法): contracted organizations' assignments and the findings their staff report.

A contractor holds no enforcement power: a finding is a lead (source third-party assistance) that officers verify,
and its staff see only what their assignment covers (the counties, entities and devices named on it, in its period).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Organization, Region
from ecoenforce.leads.models import Lead
from ecoenforce.registry.models import RegulatedEntity


class Assignment(models.Model):
    """What a contractor's staff are engaged to do, where, and when."""

    class Kind(models.TextChoices):
        NIGHT_MONITORING = "night_monitoring", _("Night monitoring")
        DATA_REVIEW = "data_review", _("Data review")
        ONSITE = "onsite", _("On-site assistance")

    organization = models.ForeignKey(Organization, verbose_name=_("contractor"), on_delete=models.PROTECT,
                                     related_name="assignments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+",
                               help_text=_("A county, or the city for all its counties."))
    entities = models.ManyToManyField(RegulatedEntity, verbose_name=_("entities"), blank=True, related_name="+",
                                      help_text=_("When given, the assignment covers only these entities."))
    devices = models.JSONField(_("monitoring devices (MN)"), default=list, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("staff"), related_name="assignments")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    note = models.TextField(_("instructions"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("assistance assignment")
        verbose_name_plural = _("assistance assignments")

    def __str__(self) -> str:
        return self.title


class Finding(models.Model):
    """A contractor's finding: a lead for officers to verify."""

    assignment = models.ForeignKey(Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT,
                                   related_name="findings")
    lead = models.OneToOneField(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="finding")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
                                    related_name="+")
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    device_mn = models.CharField(_("device (MN)"), max_length=32, blank=True)
    observed_at = models.DateTimeField(_("observed at"))
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("third-party finding")
        verbose_name_plural = _("third-party findings")

    def __str__(self) -> str:
        return self.lead.number


class FindingFile(models.Model):
    """Evidence attached to a finding (photo or PDF, type read from the content), a blob named by its SHA-256."""

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="files")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("finding file")
        verbose_name_plural = _("finding files")

    def __str__(self) -> str:
        return f"file #{self.pk}"
