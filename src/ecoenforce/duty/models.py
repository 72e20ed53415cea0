"""Duties and accountability: the scoring policy, duty requirements, and the satisfaction answers it reads."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import VersionedPolicy


class DutyPolicy(VersionedPolicy):
    """Indicators and weights of the seven dimensions (versioned; the newest is in force)."""

    values = models.JSONField(_("values"), default=dict, help_text=_(
        "dimensions: {dimension: {weight, indicators: {indicator: {weight, target, better: higher|lower}}}}"))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("scorecard policy")
        verbose_name_plural = _("scorecard policies")


class DutyRequirement(models.Model):
    """A plain-language duty (履职要求) of a post for a matter where this level is the first responsible level."""

    class Level(models.TextChoices):
        CITY = "city", _("City detachment")
        COUNTY = "county", _("County brigade")

    class Post(models.TextChoices):
        INSPECTOR = "inspector", _("Inspector")
        UNIT_LEADER = "unit_leader", _("Unit leader")
        LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
        MONITORING_OPERATOR = "monitoring_operator", _("Monitoring operator")

    matter = models.ForeignKey("registry.EnforcementMatter", verbose_name=_("enforcement matter"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    requirement = models.TextField(_("duty requirement"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["level", "post", "order", "pk"]
        verbose_name = _("duty requirement")
        verbose_name_plural = _("duty requirements")

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_post_display()}"


class SatisfactionAnswer(models.Model):
    """A firm's rating of how its closed case was handled, or a tipster's rating of how the tip was handled.

    One answer per case from the firm and one per tip from the public; who answered for the firm is kept, the tipster
    never (the tip's tracking code is the only key, and it is not stored).
    """

    class Respondent(models.TextChoices):
        FIRM = "firm", _("Firm")
        PUBLIC = "public", _("Public")

    respondent = models.CharField(_("respondent"), max_length=8, choices=Respondent.choices)
    case = models.OneToOneField("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="firm_satisfaction")
    lead = models.OneToOneField("leads.Lead", verbose_name=_("tip"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="public_satisfaction")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("rating (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        constraints = [
            models.CheckConstraint(name="duty_answer_has_subject",
                                   condition=models.Q(respondent="firm", case__isnull=False, lead__isnull=True)
                                   | models.Q(respondent="public", lead__isnull=False, case__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_respondent_display()} {self.score}/5"
