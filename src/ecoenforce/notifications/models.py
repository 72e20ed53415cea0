"""A notification to one person, and each person's choice of channels per kind.

The text is stored as its English msgid with parameters and translated when shown, so each person reads it in
the language they chose (a parameter {"t": msgid} is translated too; {"queue": key} shows a work-queue label).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about; people choose their channels per kind."""

    ASSIGNMENT = "assignment", _("Work given to me")
    RETURN = "return", _("Work returned to me")
    DEADLINE_NEAR = "deadline_near", _("Deadlines approaching (3 working days)")
    DEADLINE_PASSED = "deadline_passed", _("Deadlines passed")
    FIRM_ANSWER = "firm_answer", _("Answers from firms")
    NOTICE = "notice", _("Notices from the bureau")


class Notification(models.Model):
    """One message to one person, with the page to act on and whether it was read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    verb = models.CharField(max_length=300)  # the English msgid, e.g. "Lead %(number)s was given to you"
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    ref = models.CharField(_("about"), max_length=80, blank=True)  # "leads.lead:12"
    # One notification per event: the sweep and a retried service find the first one by this key.
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.ref}"

    @property
    def text(self) -> str:
        """The message in the active language."""
        return render_text(self.verb, self.params)


def render_text(verb: str, params: dict) -> str:
    """Translate the message and its translatable parameters; a broken catalogue entry falls back to English."""
    from ecoenforce.core.queue import queue_sources

    labels = {s.key: s.label for s in queue_sources()}
    values = {}
    for name, value in (params or {}).items():
        if isinstance(value, dict) and "t" in value:
            value = gettext(value["t"])
        elif isinstance(value, dict) and "queue" in value:
            value = str(labels.get(value["queue"], value["queue"]))
        values[name] = value
    try:
        return gettext(verb) % values
    except (KeyError, TypeError, ValueError):
        return verb % values


class Preference(models.Model):
    """A person's channels for one kind (no row: in-app on, e-mail off)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    in_app = models.BooleanField(_("in the platform"), default=True)
    email = models.BooleanField(_("by e-mail"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="uniq_notification_preference")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
