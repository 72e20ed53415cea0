"""On-site inspections: who inspected what, when, and whether a violation was found."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Region
from ecoenforce.registry.models import RegulatedEntity


class Inspection(models.Model):
    """One on-site inspection (现场检查) of an entity by at least two inspectors."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine (double-random)")
        SPECIAL = "special", _("Special campaign")
        CASE = "case", _("Case-triggered (tip, warning, referral)")

    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="inspections")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    inspected_on = models.DateField(_("inspected on"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="inspections")
    violation_found = models.BooleanField(_("violation found"), default=False)
    findings = models.TextField(_("findings"), blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["inspected_on"])]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.entity}"
