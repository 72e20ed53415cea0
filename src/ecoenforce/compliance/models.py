"""The enterprise's side (执法服务): rectification tasks with their history and evidence, self-inspections,
statutory environmental information disclosure reports, and help visits (帮扶)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Rectification(models.Model):
    """A rectification task (整改): what the firm must put right, by when; issued by an officer or, from the firm's own
    self-inspection, by the firm itself. States: `compliance.workflow`."""

    class Source(models.TextChoices):
        WARNING = "warning", _("Monitoring warning")
        CASE = "case", _("Order to correct in a case decision")
        INSPECTION = "inspection", _("On-site inspection")
        SELF_INSPECTION = "self_inspection", _("The firm's own self-inspection")
        OTHER = "other", _("Other finding")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the firm's evidence")
        SUBMITTED = "submitted", _("Evidence submitted")
        RETURNED = "returned", _("Returned to the firm")
        ACCEPTED = "accepted", pgettext_lazy("rectification", "Closed")

    entity = models.ForeignKey("registry.RegulatedEntity", verbose_name=_("entity"), on_delete=models.CASCADE,
                               related_name="rectifications")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=80, blank=True)
    title = models.CharField(_("title"), max_length=200)
    requirements = models.TextField(_("requirements"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    self_inspection = models.ForeignKey("compliance.SelfInspection", verbose_name=_("self-inspection"), null=True,
                                        blank=True, on_delete=models.CASCADE, related_name="rectifications")

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.entity.name}: {self.title}"

    @property
    def own(self) -> bool:
        return self.source == self.Source.SELF_INSPECTION


class RectificationStep(models.Model):
    """One step of a task's history: the firm's evidence, the officer's acceptance or return with its reason."""

    class Kind(models.TextChoices):
        SUBMIT = "submit", _("Evidence submitted")
        ACCEPT = "accept", _("Accepted")
        RETURN = "return", _("Returned")
        CLOSE = "close", _("Closed by the firm")

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class RectificationFile(models.Model):
    """A file of the firm's evidence (type read from the content, stored by a random name)."""

    step = models.ForeignKey(RectificationStep, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("name"), max_length=120)
    stored = models.CharField(_("stored as"), max_length=120)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    def __str__(self) -> str:
        return self.name


class SelfInspection(models.Model):
    """A firm's self-inspection (自查) of one facility for a quarter, on its industry group's checklist."""

    entity = models.ForeignKey("registry.RegulatedEntity", verbose_name=_("entity"), on_delete=models.CASCADE,
                               related_name="self_inspections")
    template = models.CharField(_("checklist"), max_length=20)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    answers = models.JSONField(_("answers"), default=dict)
    problems = models.PositiveSmallIntegerField(_("problems found"), default=0)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), on_delete=models.PROTECT,
                                related_name="+")
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")

    def __str__(self) -> str:
        return f"{self.entity.name} {self.period_start:%Y-%m}"


class DisclosureReport(models.Model):
    """The annual report of statutory environmental information disclosure (企业环境信息依法披露) for one facility
    and year: sections as in `compliance.sections`; a draft until published (then public, unchanged)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    entity = models.ForeignKey("registry.RegulatedEntity", verbose_name=_("entity"), on_delete=models.CASCADE,
                               related_name="disclosure_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    carbon_market = models.BooleanField(_("key emitter in the carbon market"), default=False)
    sections = models.JSONField(_("sections"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT,
                                   related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "entity__name"]
        constraints = [models.UniqueConstraint(fields=["entity", "year"], name="disclosure_one_per_entity_year")]
        verbose_name = _("disclosure report")
        verbose_name_plural = _("disclosure reports")

    def __str__(self) -> str:
        return f"{self.entity.name} {self.year}"


class HelpVisit(models.Model):
    """A guidance and help visit (帮扶) to a firm: when, about what, who went, notes and follow-ups."""

    entity = models.ForeignKey("registry.RegulatedEntity", verbose_name=_("entity"), on_delete=models.CASCADE,
                               related_name="help_visits")
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("officers"), related_name="+")
    notes = models.TextField(_("notes"))
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("help visit")
        verbose_name_plural = _("help visits")

    def __str__(self) -> str:
        return f"{self.entity.name} {self.date:%Y-%m-%d}"
