"""Public tips (举报): a tip is a lead (the one inbox) with a tracking code, where it was seen, and photos.

The tipster's name and phone never live here: they are sealed on the lead (`Lead.reporter`, core.sealing). The
tracking code is kept only as its hash (`social.codes`), so the code is known to the tipster alone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import VersionedPolicy
from ecoenforce.leads.models import Lead


class Tip(models.Model):
    """A tip from the public, on the web form or by the 12369 hotline."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web form")
        PHONE = "phone", _("12369 hotline")

    lead = models.OneToOneField(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="tip")
    code_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    observed_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    # A keyed hash of the sender's network address (never the address): only to count tips per address per minute.
    client_key = models.CharField(max_length=64, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    # A handler's confirmed link to the earlier tip about the same facts (the first reporter's); audited.
    duplicate_of = models.ForeignKey("self", verbose_name=_("same facts as"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="duplicates")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("linked by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"tip #{self.pk}"


class TipPhoto(models.Model):
    """A photo sent with a tip: the type read from its content, stored under `FILES_DIR/tips/` by a random name."""

    tip = models.ForeignKey(Tip, verbose_name=_("tip"), on_delete=models.PROTECT, related_name="photos")
    stored = models.CharField(_("stored as"), max_length=200, unique=True)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("tip photo")
        verbose_name_plural = _("tip photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"photo #{self.pk}"


class RewardPolicy(VersionedPolicy):
    """A version of the tip reward rules (the newest is in force; social.rewards reads it)."""

    values = models.JSONField(_("values"), default=dict, help_text=_(
        "Keys: share_of_fine, cap, minimum (yuan), first_reporter_only, real_name_only, unconfirmed; missing keys "
        "keep the defaults (Zhejiang share and cap, Shandong first reporter, Hunan real name)."))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("tip reward policy")
        verbose_name_plural = _("tip reward policies")


class Reward(models.Model):
    """A tipster's reward for one tip: claimed with its tracking code, approved or refused by a leader of the
    county, then paid. One per tip (a second claim is refused). Never holds who the tipster is."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        PAID = "paid", _("Paid")

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        CASH = "cash", _("Cash at the bureau")
        MOBILE = "mobile", _("Mobile payment")

    tip = models.OneToOneField(Tip, verbose_name=_("tip"), on_delete=models.PROTECT, related_name="reward")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CLAIMED)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    fine = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2)
    reasons = models.JSONField(_("reasons"), default=list)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    payment_method = models.CharField(_("payment method"), max_length=12, choices=Method.choices, blank=True)
    paid_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("payment recorded by"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("tip reward")
        verbose_name_plural = _("tip rewards")
        ordering = ["claimed_at", "id"]

    def __str__(self) -> str:
        return f"reward #{self.pk}"
