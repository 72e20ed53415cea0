"""Special and supervised cases (institution 14, 专案查办): a special case (专案) pools a team of experienced
officers from several units around one or more cases; a supervised case (挂牌督办) is watched by a higher bureau with
a deadline and progress reports sent upward at a set interval."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.models import Case
from ecoenforce.core.models import Organization, Region


class SpecialCase(models.Model):
    """A special case (专案): its name, the bureau that leads it, the cases it covers and the pooled team."""

    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(Organization, verbose_name=_("lead bureau"), on_delete=models.PROTECT,
                                     related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), related_name="special_cases")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("team"), related_name="special_cases")
    head = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("team head"), on_delete=models.PROTECT,
                             related_name="+")
    brief = models.TextField(_("brief"), blank=True)
    opened_on = models.DateField(_("opened on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("special case")
        verbose_name_plural = _("special cases")

    def __str__(self) -> str:
        return self.name


class Supervision(models.Model):
    """挂牌督办: a higher bureau supervises a case until it is handled — deadline, report interval, reports, lifting."""

    class Status(models.TextChoices):
        OPEN = "open", _("Under supervision")
        LIFTED = "lifted", _("Supervision lifted")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="supervisions")
    supervisor = models.ForeignKey(Organization, verbose_name=_("supervising bureau"), on_delete=models.PROTECT,
                                   related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    requirements = models.TextField(_("requirements"))
    deadline = models.DateField(_("deadline"))
    report_every_days = models.PositiveSmallIntegerField(_("report every (days)"))
    next_report_due = models.DateField(_("next report due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField(_("opened on"))
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("supervised case")
        verbose_name_plural = _("supervised cases")

    def __str__(self) -> str:
        return f"{self.case.number} ({self.supervisor.name})"


class SupervisionReport(models.Model):
    """One progress report sent up to the supervising bureau."""

    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("reported on"))
    text = models.TextField(_("progress"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        ordering = ["reported_on", "id"]
        verbose_name = _("supervision report")
        verbose_name_plural = _("supervision reports")

    def __str__(self) -> str:
        return f"{self.supervision_id}: {self.reported_on}"
