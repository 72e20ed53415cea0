"""Positive-list entries: one application per listing, from application to approval, expiry or removal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

OPEN_STATUSES = ("applied", "approved", "removal_proposed")


class PositiveListEntry(models.Model):
    """An entity's application for, and listing on, the supervision positive list (valid 3 years once approved)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied, waiting for approval")
        APPROVED = "approved", _("Listed")
        REJECTED = "rejected", _("Rejected")
        REMOVAL_PROPOSED = "removal_proposed", _("Listed, removal proposed")
        REMOVED = "removed", _("Removed")
        EXPIRED = "expired", _("Expired")

    entity = models.ForeignKey("registry.RegulatedEntity", verbose_name=_("entity"), on_delete=models.CASCADE,
                               related_name="positive_list_entries")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    applied_by = models.ForeignKey("core.User", verbose_name=_("applied by"), on_delete=models.PROTECT,
                                   related_name="+")
    applied_at = models.DateTimeField(_("applied at"))
    application_note = models.CharField(_("application note"), max_length=500, blank=True)
    criteria = models.JSONField(_("criteria at application"), default=list)
    decided_by = models.ForeignKey("core.User", verbose_name=_("decided by"), on_delete=models.PROTECT,
                                   related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    removal_reason = models.CharField(_("removal reason"), max_length=300, blank=True)
    removal_proposed_at = models.DateTimeField(_("removal proposed at"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["-applied_at"]
        constraints = [models.UniqueConstraint(fields=["entity"], condition=models.Q(status__in=OPEN_STATUSES),
                                               name="one_open_positive_list_entry")]
        verbose_name = _("positive-list entry")
        verbose_name_plural = _("positive-list entries")

    def __str__(self) -> str:
        return f"{self.entity} ({self.status})"
