"""The criminal link (两法衔接): the facts a case records for the criminal thresholds, and its transfers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.models import Case
from ecoenforce.transfers.workflow import Status

STATUS_LABELS = {
    Status.PROPOSED: _("Awaiting the leader's decision"),
    Status.TO_SEND: _("Transfer approved: to send"),
    Status.NOT_TRANSFERRED: _("Decided not to transfer"),
    Status.SENT: _("Sent: awaiting the police's reply"),
    Status.ACCEPTED: _("Accepted by the police"),
    Status.REFUSED: _("Refused by the police"),
    Status.RECONSIDERATION: _("Reconsideration requested"),
    Status.REFUSAL_ACCEPTED: _("Refusal accepted"),
    Status.REFUSAL_FINAL: _("Refused after reconsideration"),
}


class CaseFacts(models.Model):
    """The facts of a case that the thresholds of 法释〔2023〕7号 are checked against (`transfers.thresholds.Facts`),
    with the rules they meet as last checked and when a threshold was first met (the 3 days to decide run from it)."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="criminal_facts")
    values = models.JSONField(_("facts"), default=dict)
    hits = models.JSONField(_("thresholds met"), default=list, blank=True)
    tier = models.PositiveSmallIntegerField(_("highest tier met"), default=0)
    threshold_met_on = models.DateField(_("threshold first met on"), null=True, blank=True)
    decide_due = models.DateField(_("transfer decision due"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("criminal-threshold facts")
        verbose_name_plural = _("criminal-threshold facts")

    def __str__(self) -> str:
        return f"{self.case.number}: tier {self.tier}"


class Transfer(models.Model):
    """A transfer of a case to the public-security organ: for criminal investigation (法释〔2023〕7号, 环环监〔2017〕17号)
    or for administrative detention (EPL art. 63); with its decision, the package sent, the police's reply, the
    reconsideration and the sharing with the procuratorate, each with its deadline."""

    class Kind(models.TextChoices):
        CRIMINAL = "criminal", _("Suspected crime (criminal transfer)")
        DETENTION = "detention", _("Administrative detention (EPL art. 63)")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=[(s.value, STATUS_LABELS[s]) for s in Status],
                              default=Status.PROPOSED)
    number = models.CharField(_("transfer letter number"), max_length=40, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
                                    related_name="+")
    proposed_on = models.DateField(_("reported on"))
    report = models.TextField(_("report"))
    decide_due = models.DateField(_("decision due"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    send_due = models.DateTimeField(_("send by"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    police_unit = models.CharField(_("public-security organ"), max_length=200, blank=True)
    documents = models.JSONField(_("documents sent"), default=list, blank=True)
    reply_due = models.DateField(_("police reply due"), null=True, blank=True)
    replied_on = models.DateField(_("police replied on"), null=True, blank=True)
    police_case_number = models.CharField(_("police case number"), max_length=60, blank=True)
    reply_note = models.TextField(_("police reply"), blank=True)
    reconsideration_due = models.DateField(_("reconsideration request due"), null=True, blank=True)
    reconsideration_on = models.DateField(_("reconsideration requested on"), null=True, blank=True)
    share_due = models.DateField(_("sharing with the procuratorate due"), null=True, blank=True)
    shared_on = models.DateField(_("shared with the procuratorate on"), null=True, blank=True)
    # The deadline of the step now waiting (the work queue's due date), empty when nothing waits.
    step_due = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        indexes = [models.Index(fields=["status"])]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_kind_display()}"

    @property
    def status_label(self):
        return STATUS_LABELS[Status(self.status)]
