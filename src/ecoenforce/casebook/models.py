"""Case publication beyond the decision itself: the typical-case library (典型案例, institution 10) curated from
closed cases, and the record of a revoked decision withdrawn from the portal (行政处罚法 art. 48)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.models import Case
from ecoenforce.core.models import Region
from ecoenforce.registry.models import Industry


class TypicalCase(models.Model):
    """A closed case retold for the public and for officers deciding a similar one: redacted when curated (the
    party named only by its industry, personal data masked), tagged, with the outcome and fine it received."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="typical")
    title = models.CharField(_("title"), max_length=200)
    facts_summary = models.TextField(_("facts (redacted)"))
    matter_code = models.CharField(_("enforcement matter"), max_length=32, blank=True)
    violation = models.CharField(_("violation type"), max_length=200, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    outcome = models.TextField(_("outcome"))
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    tag_line = models.CharField(max_length=400, blank=True, editable=False)  # "|tag|tag|": filtered on any database
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    curated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("curated by"), on_delete=models.PROTECT,
                                   related_name="+")
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["matter_code"])]
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")

    def __str__(self) -> str:
        return self.title


class DecisionWithdrawal(models.Model):
    """A published decision taken off the portal because it was revoked or changed (行政处罚法 art. 48: within 3
    working days), with the reason and whether the deadline was kept."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="withdrawal")
    revoked_on = models.DateField(_("revoked or changed on"))
    reason = models.TextField(_("reason"))
    due = models.DateField(_("withdrawal due"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"))
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"),
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("decision withdrawal")
        verbose_name_plural = _("decision withdrawals")

    def __str__(self) -> str:
        return f"{self.case.number}: {self.revoked_on}"
