"""Case models: the case file with its stage and deadlines, and the deadline policy per stage."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.workflow import Stage
from ecoenforce.core.models import Organization, Region, VersionedPolicy
from ecoenforce.registry.models import EnforcementMatter, RegulatedEntity

STAGE_LABELS = {
    Stage.PROPOSED: _("Awaiting filing approval"),
    Stage.FILED: _("Filed"),
    Stage.INVESTIGATION: _("Investigation"),
    Stage.REVIEW: _("Case review"),
    Stage.LEGAL_REVIEW: _("Legal review"),
    Stage.NOTICE: _("Advance notice"),
    Stage.DECISION: _("Decided"),
    Stage.SERVICE: _("Served"),
    Stage.EXECUTION: _("Execution"),
    Stage.CLOSED: _("Closed"),
    Stage.SUSPENDED: _("Investigation suspended"),
}
STAGE_CHOICES = [(s.value, STAGE_LABELS[s]) for s in Stage]


class Case(models.Model):
    """A case (案件): from filing to closure, with the statutory deadlines it runs against."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        PENALTY = "penalty", _("Penalty")
        NO_PENALTY = "no_penalty", _("No penalty")
        NOT_FILED = "not_filed", _("Filing not approved")
        TERMINATED = "terminated", _("Investigation terminated")

    number = models.CharField(_("case number"), max_length=40, unique=True)
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), on_delete=models.PROTECT, related_name="cases")
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(Organization, verbose_name=_("handling organization"), on_delete=models.PROTECT)
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("facts"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    # The enforcement-item catalogue matter the decision cites; a decision may cite only a current matter.
    matter = models.ForeignKey(EnforcementMatter, verbose_name=_("enforcement matter"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cases")
    source = models.CharField(_("source"), max_length=64, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=STAGE_CHOICES, default=Stage.PROPOSED)
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("handlers"), related_name="cases")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("filed on"))
    decision_due = models.DateField(_("decision due"))
    decision_due_provisional = models.BooleanField(default=False)
    stage_due = models.DateField(_("stage due"), null=True, blank=True)
    stage_due_provisional = models.BooleanField(default=False)
    # 告知: when the advance notice was served, the last day of the party's period for statement, defence and a
    # hearing request, and the day the party waived these rights in writing (if it did).
    notice_served_on = models.DateField(_("advance notice served on"), null=True, blank=True)
    notice_period_ends = models.DateField(_("statement and hearing period ends"), null=True, blank=True)
    notice_period_provisional = models.BooleanField(default=False)
    notice_waived_on = models.DateField(_("rights waived in writing on"), null=True, blank=True)
    # 法制审核: the qualified reviewer's recorded opinion (legal_review_pass); cleared when the case is returned.
    legal_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("legal review by"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    legal_reviewed_on = models.DateField(_("legal review on"), null=True, blank=True)
    legal_review_opinion = models.TextField(_("legal review opinion"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    fine_amount = models.DecimalField(_("fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    # The discretion record of the decision: the facts recorded (factor levels, situations, apology, no-penalty
    # ground), the computed fine, its itemized lines and the policy version (cases.penalty.Assessment.as_record()).
    discretion = models.JSONField(_("discretion record"), default=dict, blank=True)
    fine_computed = models.DecimalField(_("computed fine (yuan)"), max_digits=14, decimal_places=2, null=True,
                                        blank=True)
    fine_deviation_reason = models.TextField(_("reason for deviating from the computed fine"), blank=True)
    # 拟处罚 (case review): {"matter", "fine", "kinds", "on", "by"} — what legal review examines and the advance
    # notice states; the decision may differ after the statement, defence or hearing (with the reason recorded).
    proposal = models.JSONField(_("proposed penalty"), default=dict, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=40, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # 中止调查: the day the investigation was suspended and the working days then left to the decision limit.
    suspended_on = models.DateField(_("investigation suspended on"), null=True, blank=True)
    suspended_days_left = models.PositiveIntegerField(_("working days left when suspended"), null=True, blank=True)
    # The 90-day limit extended once (+30 days, the head's approval; the reason is in the audited step).
    decision_extended_on = models.DateField(_("decision limit extended on"), null=True, blank=True)
    notice_number = models.CharField(_("advance notice number"), max_length=40, blank=True)
    # 送达 of the decision: how, to whom, when; the payment deadline runs from it (行政处罚法 art. 67).
    service_method = models.CharField(_("service method"), max_length=16, blank=True)
    service_recipient = models.CharField(_("received by"), max_length=100, blank=True)
    decision_served_on = models.DateField(_("decision served on"), null=True, blank=True)
    payment_due = models.DateField(_("payment due"), null=True, blank=True)
    enforcement_applied_on = models.DateField(_("court enforcement applied for on"), null=True, blank=True)
    enforcement_court = models.CharField(_("court"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-filed_on", "-id"]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["published_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(fine_amount__isnull=True) | models.Q(fine_amount__gte=0),
                                   name="case_fine_not_negative"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def stage_label(self):
        """The translated stage name."""
        return STAGE_LABELS[Stage(self.stage)]


class StageDeadline(models.Model):
    """Policy: how long a case may stay in a stage, in working or natural days, and the law behind it."""

    class DayKind(models.TextChoices):
        WORKING = "working", _("Working days")
        CALENDAR = "calendar", _("Calendar days")

    stage = models.CharField(_("stage"), max_length=16, choices=STAGE_CHOICES, unique=True)
    days = models.PositiveIntegerField(_("days"))
    day_kind = models.CharField(_("counted in"), max_length=16, choices=DayKind.choices)
    basis = models.CharField(_("legal basis"), max_length=200)

    class Meta:
        ordering = ["stage"]
        verbose_name = _("stage deadline")
        verbose_name_plural = _("stage deadlines")

    def __str__(self) -> str:
        return f"{self.stage}: {self.days} {self.day_kind}"


class DiscretionPolicy(VersionedPolicy):
    """A version of the discretion rules (自由裁量基准): benchmarks per violation type, situations, no-penalty
    grounds, the public-apology reduction, landing points (newest in force; read by `cases.penalty`)."""

    values = models.JSONField(_("values"), default=dict,
                              help_text=_("The keys of cases.penalty.Rules: benchmarks, situations, no_penalty, apology, "
                                          "landing, reduced_share, round_to. Mark what is not yet confirmed in the "
                                          "source."))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("discretion policy")
        verbose_name_plural = _("discretion policies")


class LegalReviewPolicy(VersionedPolicy):
    """A version of the list of major decisions that need legal review (重大执法决定法制审核目录; newest in force;
    read by `cases.review_gate.Criteria`)."""

    values = models.JSONField(_("values"), default=dict,
                              help_text=_("fine_threshold (yuan; a decision fining at least this much is major), "
                                          "kinds (penalty kind codes that make a decision major, e.g. restrict, "
                                          "close, revoke), hearing_held (true: a decision after a hearing is major)."))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("legal review policy")
        verbose_name_plural = _("legal review policies")


class Hearing(models.Model):
    """听证: the party's request, the notice (at least 7 working days before), and the record of the hearing."""

    case = models.OneToOneField(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="hearing")
    requested_on = models.DateField(_("requested on"))
    request_text = models.TextField(_("the party's request"), blank=True)
    notice_number = models.CharField(_("hearing notice number"), max_length=40, blank=True)
    notice_served_on = models.DateField(_("hearing notice served on"), null=True, blank=True)
    hearing_on = models.DateField(_("hearing date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("host"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    attendees = models.TextField(_("attendees"), blank=True)
    arguments = models.TextField(_("the party's arguments"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)

    class Meta:
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.case.number} {self.hearing_on or self.requested_on}"


class CollectiveDiscussion(models.Model):
    """集体讨论 (行政处罚法 art. 57): the heads' discussion of a complex case or heavy penalty before the decision."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="discussions")
    held_on = models.DateField(_("held on"))
    participants = models.TextField(_("participants"))
    conclusion = models.TextField(_("conclusion"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("collective discussion")
        verbose_name_plural = _("collective discussions")

    def __str__(self) -> str:
        return f"{self.case.number} {self.held_on}"


class Payment(models.Model):
    """A payment of the fine (and of the late surcharge), with the bank's receipt number."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    receipt_no = models.CharField(_("receipt number"), max_length=64)
    surcharge_due = models.DecimalField(_("late surcharge due on that day (yuan)"), max_digits=14, decimal_places=2,
                                        default=0)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="case_payment_positive")]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.case.number} {self.amount} {self.paid_on}"


class CorrectionOrder(models.Model):
    """One round of 按日连续处罚: the order to correct, its covert re-inspection and the daily penalty it gave."""

    class Finding(models.TextChoices):
        NOT_CORRECTED = "not_corrected", _("Not corrected: still discharging")
        REFUSED = "refused", _("Re-inspection refused or obstructed")
        CORRECTED = "corrected", _("Corrected")
        PRODUCTION_STOPPED = "production_stopped", _("Production stopped")
        CLOSED = "closed", _("Closed down")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="correction_orders")
    round_no = models.PositiveIntegerField(_("round"))
    number = models.CharField(_("order number"), max_length=40)
    served_on = models.DateField(_("order served on"))
    reinspection_due = models.DateField(_("re-inspection due"))
    reinspected_on = models.DateField(_("re-inspected on"), null=True, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    days = models.PositiveIntegerField(_("days counted"), null=True, blank=True)
    amount = models.DecimalField(_("daily penalty (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    # 按日连续处罚决定书: numbered when the re-inspection finds the violation going on (a round with a penalty).
    decision_number = models.CharField(_("daily penalty decision number"), max_length=40, blank=True)

    class Meta:
        ordering = ["case", "round_no"]
        constraints = [models.UniqueConstraint(fields=["case", "round_no"], name="case_correction_round_unique")]
        verbose_name = _("order to correct")
        verbose_name_plural = _("orders to correct")

    def __str__(self) -> str:
        return self.number


class ProcedurePolicy(VersionedPolicy):
    """A version of the procedure's periods and criteria (hearing notice, payment, surcharge, appeal and enforcement
    periods, extension, collective discussion; read by `cases.procedure.ProcedureRules`; the code's defaults, with
    their sources, apply while none is stored)."""

    values = models.JSONField(_("values"), default=dict,
                              help_text=_("The keys of cases.procedure.DEFAULTS; every figure with its source."))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("procedure policy")
        verbose_name_plural = _("procedure policies")
