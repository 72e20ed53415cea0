"""Planning: the annual on-site inspection plan, double-random rounds and the inspection tasks they dispatch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Organization, VersionedPolicy
from ecoenforce.registry.models import RegulatedEntity, RiskClass


class PlanningPolicy(VersionedPolicy):
    """A version of the planning rules: frequency caps, capacity factors, default round ratios (newest in force)."""

    values = models.JSONField(_("values"), default=dict,
                              help_text=_("Keys of PlanningRules; missing keys keep their defaults."))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("planning policy")
        verbose_name_plural = _("planning policies")


class InspectionPlan(models.Model):
    """A bureau's annual on-site inspection plan (年度现场检查计划), broken down by month and class."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="inspection_plans")
    year = models.PositiveIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("note"), blank=True)
    # The last capacity and cap check, as figures (planning.capacity.PlanCheck.as_dict()).
    last_check = models.JSONField(_("last check"), default=dict, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "organization__name"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="uniq_plan_org_year")]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"


class PlanLine(models.Model):
    """Planned on-site inspections of one class in one month: routine (double-random) or a special campaign."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine (double-random)")
        SPECIAL = "special", _("Special campaign")

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="lines")
    month = models.PositiveSmallIntegerField(_("month"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    risk_class = models.CharField(_("supervision class"), max_length=16, choices=RiskClass.choices)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    planned = models.PositiveIntegerField(_("planned inspections"))

    class Meta:
        ordering = ["month", "kind", "risk_class", "campaign"]
        constraints = [models.UniqueConstraint(fields=["plan", "month", "kind", "risk_class", "campaign"],
                                               name="uniq_plan_line")]
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")

    def __str__(self) -> str:
        return f"{self.month}/{self.risk_class}: {self.planned}"


class DrawRound(models.Model):
    """One double-random round: frozen pools and a committed seed, then the draw, the tasks and the publication."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("Committed (pools frozen)")
        DRAWN = "drawn", _("Drawn (tasks dispatched)")
        PUBLISHED = "published", _("Published")
        # Withdrawn before publication (wrong pools or ratios found after the draw): never drawn again; the seed is
        # revealed and the reason is public, and a new round with a new commitment replaces it.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="draw_rounds")
    plan = models.ForeignKey(InspectionPlan, verbose_name=_("plan"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="rounds")
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=PlanLine.Kind.choices, default=PlanLine.Kind.ROUTINE)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.COMMITTED)
    # The draw's inputs, frozen at commitment: canonical policy and pools exactly as published.
    policy = models.JSONField(_("policy"))
    pools = models.JSONField(_("pools"))
    pools_digest = models.CharField(_("pools digest"), max_length=64)
    policy_digest = models.CharField(_("policy digest"), max_length=64)
    commitment = models.CharField(_("commitment"), max_length=64)
    # Secret until publication; only the server reads it before then.
    seed_hex = models.CharField(max_length=64)
    public_entropy = models.CharField(_("public entropy"), max_length=200, blank=True)
    selection = models.JSONField(_("selection"), null=True, blank=True)
    selection_digest = models.CharField(_("selection digest"), max_length=64, blank=True)
    round_file = models.JSONField(_("round file"), null=True, blank=True)
    # Format of the published pools and round file: /1 published certificate numbers and ties; /2 publishes
    # pseudonyms and salted tie commitments (planning/roundseal.py) and keeps the openings below, never public.
    file_format = models.CharField(_("round file format"), max_length=40, default="ecoenforce-draw-round/1")
    openings = models.JSONField(_("openings (secret)"), null=True, blank=True)
    # A risk-proportional round: why each entity has its probability (score in force, credit grade, multiplier,
    # weight, p), by credit code; the probabilities themselves are in `pools` (and so in the pools digest).
    weighting = models.JSONField(_("weighting"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    committed_at = models.DateTimeField(_("committed at"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    # The withdrawn round this one was committed to replace (shown on both public pages).
    replaces = models.OneToOneField("self", verbose_name=_("replaces"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaced_by")

    class Meta:
        ordering = ["-committed_at", "-id"]
        verbose_name = _("double-random round")
        verbose_name_plural = _("double-random rounds")

    def __str__(self) -> str:
        return self.title

    @property
    def cross_region(self) -> bool:
        """A cross-region round (交叉执法): officers never inspect in their own county; results go back to the home
        bureau (`planning.returns`)."""
        return bool((self.policy or {}).get("cross_region"))

    @property
    def round_id(self) -> str:
        """The id written into the round file: stable, and unique across installations of one bureau."""
        return f"{self.organization.region.code}-{self.pk}"


class RoundCorrection(models.Model):
    """A public correction notice on a published round: the round file never changes, the notice says what was
    wrong in the publication and what is right."""

    round = models.ForeignKey(DrawRound, verbose_name=_("round"), on_delete=models.PROTECT,
                              related_name="corrections")
    text = models.TextField(_("correction notice"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("published at"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("round correction notice")
        verbose_name_plural = _("round correction notices")

    def __str__(self) -> str:
        return f"{self.round} – {self.created_at:%Y-%m-%d}"


class InspectionTask(models.Model):
    """One drawn target: the entity, its drawn inspectors, and the result once inspected."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("To inspect")
        DONE = "done", _("Inspected")
        NOT_INSPECTED = "not_inspected", _("Not inspected (closed or unreachable)")

    round = models.ForeignKey(DrawRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="tasks")
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), on_delete=models.PROTECT,
                               related_name="inspection_tasks")
    risk_class = models.CharField(_("supervision class"), max_length=16, choices=RiskClass.choices)
    positive_list = models.BooleanField(_("on the positive list"), default=False)
    rank_in_class = models.PositiveIntegerField(_("rank in class"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors"),
                                        related_name="inspection_tasks")
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    inspection = models.OneToOneField("inspections.Inspection", verbose_name=_("inspection"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="task")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    result_note = models.TextField(_("result note"), blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    # A cross-region round's result, returned to the entity's home bureau: which of its leaders received it, and when
    # (`planning.returns.task_result_receive`); until then it waits on that bureau's work queue.
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by (home bureau)"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received at (home bureau)"), null=True, blank=True)

    class Meta:
        ordering = ["round", "risk_class", "rank_in_class"]
        constraints = [models.UniqueConstraint(fields=["round", "entity"], name="uniq_task_round_entity")]
        indexes = [models.Index(fields=["status", "due_on"])]
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")

    def __str__(self) -> str:
        return f"{self.round} – {self.entity}"


class TaskResultCorrection(models.Model):
    """A recorded result corrected by one of the task's officers before publication: the reason, and the result as it
    was and as it became (the original stays in the record)."""

    task = models.ForeignKey(InspectionTask, verbose_name=_("inspection task"), on_delete=models.CASCADE,
                             related_name="corrections")
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), on_delete=models.PROTECT,
                                     related_name="+")
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)
    reason = models.TextField(_("reason for the correction"))
    before = models.JSONField(_("result before"))
    after = models.JSONField(_("result after"))

    class Meta:
        ordering = ["corrected_at", "id"]
        verbose_name = _("result correction")
        verbose_name_plural = _("result corrections")

    def __str__(self) -> str:
        return f"{self.task_id} {self.corrected_at:%Y-%m-%d %H:%M}"
