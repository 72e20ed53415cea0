"""The one inbox of leads (线索) from every discovery channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.models import Case
from ecoenforce.core.models import Region
from ecoenforce.registry.models import RegulatedEntity


class Lead(models.Model):
    """A possible violation that someone or something noticed, waiting for triage."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by staff")
        TIP = "tip", _("Public tip")
        WARNING = "warning", _("Monitoring warning")
        INSPECTION = "inspection", _("On-site inspection")
        GRID = "grid", _("Grid patrol")
        THIRD_PARTY = "third_party", _("Third-party assistance")
        REFERRAL = "referral", _("Referral from another department")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        CLOSED = "closed", _("Closed")
        CONVERTED = "converted", _("Case opened")

    class CloseReason(models.TextChoices):
        NO_VIOLATION = "no_violation", _("Verified: no violation")
        MINOR_GUIDANCE = "minor_guidance", _("Minor: corrected with guidance")
        DUPLICATE = "duplicate", _("Duplicate of another lead")
        OUT_OF_SCOPE = "out_of_scope", _("Not our responsibility: referred")

    number = models.CharField(_("lead number"), max_length=32, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="leads")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    reporter_name = models.CharField(_("reporter name"), max_length=64, blank=True)
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    close_reason = models.CharField(_("close reason"), max_length=16, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(_("close note"), blank=True)
    case = models.OneToOneField(Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="lead")
    received_at = models.DateTimeField(_("received at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    # The sender's own id for this lead (a warning id, a tip tracking code, a form submission token):
    # submitting the same thing twice finds the first lead instead of making a second.
    external_ref = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The officer a leader gave the lead to for verification, and by when (lead_assign; audited).
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="assigned_leads")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assignment_due = models.DateField(_("verify by"), null=True, blank=True)
    assignment_note = models.TextField(_("instructions"), blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"]), models.Index(fields=["assigned_to", "status"])]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
