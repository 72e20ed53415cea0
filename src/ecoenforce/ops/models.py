"""What the scheduler has started: one row per (kind, window), so two schedulers never start the same run twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ScheduledSlot(models.Model):
    """A rule run the scheduler claimed. The unique window makes a second scheduler (another process or machine)
    skip it; the row, the rule run and its queued task are written in one transaction."""

    class Kind(models.TextChoices):
        HOURLY = "hourly", pgettext_lazy("schedule", "Hourly")
        DAILY = "daily", pgettext_lazy("schedule", "Daily")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    window_from = models.DateTimeField(_("from"))
    window_to = models.DateTimeField(_("to"))
    run_id = models.BigIntegerField(_("rule run"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=200, help_text=_("host and process id"))
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled rule run")
        verbose_name_plural = _("scheduled rule runs")
        constraints = [models.UniqueConstraint(fields=["kind", "window_from", "window_to"], name="ops_slot_once")]
        ordering = ["-window_to"]

    def __str__(self) -> str:
        return f"{self.kind} {self.window_from:%Y-%m-%d %H:%M}–{self.window_to:%H:%M}"
