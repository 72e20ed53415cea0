"""The one inbox of leads (线索) from every discovery channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.models import Case
from ecoenforce.core.models import Region, Role, SealedContact
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
        SAMPLING = "sampling", _("Enforcement monitoring (lab result)")

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
    # The tipster's name and phone, under seal (core.sealing): only the lead's handlers and their leaders read it.
    reporter = models.OneToOneField(SealedContact, verbose_name=_("reporter (sealed)"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
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

    @property
    def sealed_contact(self) -> SealedContact | None:
        """The reporter, for core.sealing (read it only through `contact_reveal`)."""
        return self.reporter

    def may_read_sealed_contact(self, user) -> bool:
        """Who needs the tipster's identity: the lead's handlers and their leaders, no one else.

        Handlers are the person who took the lead in, the officer it is assigned to and, once it is a case, the
        case's handlers; leaders are the
        unit leaders whose jurisdiction holds the lead (its county brigade and the city detachment above it).
        Legal reviewers, monitoring operators, other inspectors and administrators do not.
        """
        if user.pk is not None and user.pk in (self.created_by_id, self.assigned_to_id):
            return True
        if self.case_id is not None and self.case.handlers.filter(pk=user.pk).exists():
            return True
        if user.role == Role.UNIT_LEADER and not user.is_superuser:
            prefix = user.jurisdiction_prefix
            return bool(prefix) and self.region.code.startswith(prefix)
        return False
