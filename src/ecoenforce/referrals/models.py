"""Department coordination (部门联动): referrals between the bureau and partner departments (公安, 住建, 水利, 自然资源,
市场监管, 应急管理, 农业农村 …, `Organization` kind partner) with deadlines and answers; joint inspections whose
results, recorded by each department, count in the entity's history (mutual recognition)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.models import Case
from ecoenforce.core.models import Organization, Region, VersionedPolicy
from ecoenforce.leads.models import Lead
from ecoenforce.referrals import workflow
from ecoenforce.registry.models import RegulatedEntity


class ReferralPolicy(VersionedPolicy):
    """How long a department has to answer a referral (working days), as policy data."""

    values = models.JSONField(_("values"), default=dict, help_text=_(
        "Keys: answer_working_days (default 10), urgent_working_days (default 3)."))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("referral policy")
        verbose_name_plural = _("referral policies")


class Referral(models.Model):
    """A matter handed to another department (out) or received from one (in), and its answer."""

    class Direction(models.TextChoices):
        OUT = "out", _("To a department")
        IN = "in", _("From a department")

    class Status(models.TextChoices):
        SENT = workflow.SENT, _("Awaiting the answer")
        ANSWERED = workflow.ANSWERED, _("Answered")
        CLOSED = workflow.CLOSED, _("Closed")

    number = models.CharField(_("referral number"), max_length=32, unique=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    department = models.ForeignKey(Organization, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="referrals")
    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="referrals")
    case = models.ForeignKey(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="referrals")
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("subject"), max_length=200)
    request = models.TextField(_("what is asked"))
    urgent = models.BooleanField(_("urgent"), default=False)
    deadline = models.DateField(_("answer by"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.PROTECT,
                                related_name="+")
    sent_at = models.DateTimeField(_("sent at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ReferralFile(models.Model):
    """A file attached to a referral's answer (photo or PDF, type read from the content), a blob named by its SHA-256."""

    referral = models.ForeignKey(Referral, verbose_name=_("referral"), on_delete=models.PROTECT, related_name="files")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("referral file")
        verbose_name_plural = _("referral files")

    def __str__(self) -> str:
        return f"file #{self.pk}"


class JointInspection(models.Model):
    """An inspection of one entity by officers of several departments; each department records its own result."""

    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    planned_on = models.DateField(_("planned on"))
    departments = models.ManyToManyField(Organization, verbose_name=_("departments"), related_name="joint_inspections")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers"), related_name="joint_inspections")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-planned_on", "-id"]
        verbose_name = _("joint inspection")
        verbose_name_plural = _("joint inspections")

    def __str__(self) -> str:
        return self.title


class JointResult(models.Model):
    """One department's result of a joint inspection (recognized in the entity's history as an inspection)."""

    inspection = models.ForeignKey(JointInspection, verbose_name=_("joint inspection"), on_delete=models.PROTECT,
                                   related_name="results")
    department = models.ForeignKey(Organization, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))
    violation = models.BooleanField(_("violation found"))
    findings = models.TextField(_("findings"))

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "department"], name="joint_result_once_per_department")]
        verbose_name = _("joint inspection result")
        verbose_name_plural = _("joint inspection results")

    def __str__(self) -> str:
        return f"{self.inspection} · {self.department}"
