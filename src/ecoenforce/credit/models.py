"""Environmental credit: the rating policy (versioned) and one stored rating per entity per period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import VersionedPolicy


class CreditPolicy(VersionedPolicy):
    """A version of the credit scale, indicators and vetoes (the newest version is in force)."""

    values = models.JSONField(_("values"), default=dict, help_text=_(
        "Keys: scale, start_score, indicators, incident_drops_grade, vetoes, unconfirmed; missing keys keep the "
        "Jiangsu defaults."))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("credit rating policy")
        verbose_name_plural = _("credit rating policies")


class CreditRating(models.Model):
    """An entity's credit grade for a period, with the itemized explanation and the policy version it used."""

    entity = models.ForeignKey("registry.RegulatedEntity", verbose_name=_("entity"), on_delete=models.CASCADE,
                               related_name="credit_ratings")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    grade = models.CharField(_("credit grade"), max_length=16)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    explanation = models.JSONField(_("explanation"), default=dict)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("computed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-period_end", "entity__name"]
        constraints = [models.UniqueConstraint(fields=["entity", "period_start", "period_end"],
                                               name="uniq_credit_rating_period")]
        indexes = [models.Index(fields=["period_end", "grade"])]
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")

    def __str__(self) -> str:
        return f"{self.entity_id} {self.period_start}–{self.period_end}: {self.grade}"


class CreditRepairRequest(models.Model):
    """信用修复: after rectifying, a firm asks that a rating's repairable vetoes be lifted; a unit leader decides."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied, waiting for the decision")
        APPROVED = "approved", _("Repaired")
        REFUSED = "refused", _("Refused")

    rating = models.ForeignKey(CreditRating, verbose_name=_("credit rating"), on_delete=models.CASCADE,
                               related_name="repair_requests")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLIED)
    reason = models.TextField(_("rectification done"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(fields=["rating"], condition=models.Q(status="applied"),
                                               name="one_open_credit_repair")]
        verbose_name = _("credit repair request")
        verbose_name_plural = _("credit repair requests")

    def __str__(self) -> str:
        return f"{self.rating_id} {self.status}"


class PartnerList(models.Model):
    """A list of entities by credit grade that a bureau sends to a partner department for joint incentives and
    penalties (regulations.md §8: the power company's differential price for red/black, banks' green credit). The
    rows are read at each download from the newest ratings; every download is in the whole-process record."""

    class Purpose(models.TextChoices):
        POWER_PRICE = "power_price", _("Differential electricity price (power company)")
        GREEN_CREDIT = "green_credit", _("Green credit (banks)")
        OTHER = "other", _("Other joint incentive or penalty")

    organization = models.ForeignKey("core.Organization", verbose_name=_("issued by"), on_delete=models.PROTECT,
                                     related_name="+")
    partner = models.ForeignKey("core.Organization", verbose_name=_("partner department"), on_delete=models.PROTECT,
                                related_name="credit_partner_lists")
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    grades = models.JSONField(_("credit grades"), default=list)
    title = models.CharField(_("title"), max_length=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("partner list")
        verbose_name_plural = _("partner lists")

    def __str__(self) -> str:
        return self.title
