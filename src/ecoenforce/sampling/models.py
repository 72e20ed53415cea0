"""Sampling requests (执法监测委托), their samples and chain of custody, the lab's results, turnaround policy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Organization, Region
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.sampling.factors import Medium
from ecoenforce.sampling.workflow import Status, Step

STATUS_LABELS = {
    Status.REQUESTED: _("Requested"),
    Status.SAMPLING: _("Sampling"),
    Status.IN_LAB: _("In the lab"),
    Status.REPORTED: _("Result reported"),
    Status.CLOSED: _("Closed"),
    Status.CANCELLED: _("Cancelled"),
}
STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status]

STEP_LABELS = {
    Step.SAMPLED: _("Sampled"),
    Step.SEALED: _("Sealed"),
    Step.HANDED_OVER: _("Handed to the lab"),
    Step.RECEIVED: _("Received by the lab"),
}
STEP_CHOICES = [(s.value, STEP_LABELS[s]) for s in Step]


class Turnaround(models.Model):
    """Policy: how many working days the station has from the request to the result, per medium (an
    administrator changes it in /admin/; a request keeps the deadline it was given)."""

    medium = models.CharField(_("medium"), max_length=16, choices=Medium.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)

    class Meta:
        ordering = ["medium"]
        verbose_name = _("sampling turnaround")
        verbose_name_plural = _("sampling turnarounds")

    def __str__(self) -> str:
        return f"{self.get_medium_display()}: {self.working_days}"


class SamplingRequest(models.Model):
    """A request to the monitoring station: what to sample, where, by which method, by when."""

    class LimitBasis(models.TextChoices):
        POINT = "point", _("the monitoring point's limit")
        STANDARD = "standard", _("the emission standard's limit")
        NONE = "", _("no limit on record")

    number = models.CharField(_("request number"), max_length=24, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=STATUS_CHOICES, default=Status.REQUESTED)
    medium = models.CharField(_("medium"), max_length=16, choices=Medium.choices)
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), on_delete=models.PROTECT,
                               related_name="sampling_requests")
    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    outlet = models.ForeignKey("monitoring.Outlet", verbose_name=_("outlet"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    point = models.ForeignKey("monitoring.MonitoringPoint", verbose_name=_("monitoring point"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="+")
    location = models.CharField(_("where to sample"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    # The standard the entity's discharge is judged under, and its category (table / source type).
    standard = models.ForeignKey("warnings.EmissionStandard", verbose_name=_("emission standard"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category of the standard"), max_length=200, blank=True)
    station = models.ForeignKey(Organization, verbose_name=_("monitoring station"), on_delete=models.PROTECT,
                                related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    task = models.ForeignKey("planning.InspectionTask", verbose_name=_("inspection task"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    turnaround_days = models.PositiveSmallIntegerField(_("turnaround (working days)"))
    due_on = models.DateField(_("result due"))
    due_provisional = models.BooleanField(default=False)
    # The lab's report.
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    report_number = models.CharField(_("report number"), max_length=40, blank=True)
    report_sha256 = models.CharField(_("report SHA-256"), max_length=64, blank=True)
    report_size = models.PositiveBigIntegerField(_("report size"), null=True, blank=True)
    report_type = models.CharField(_("report type"), max_length=80, blank=True)
    report_name = models.CharField(_("report file"), max_length=120, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    evidence_id = models.PositiveBigIntegerField(_("case evidence"), null=True, blank=True)
    raised_lead = models.ForeignKey("leads.Lead", verbose_name=_("lead raised"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"])]
        verbose_name = _("sampling request")
        verbose_name_plural = _("sampling requests")

    def __str__(self) -> str:
        return self.number

    @property
    def status_label(self):
        return STATUS_LABELS[Status(self.status)]


class RequestedFactor(models.Model):
    """One factor the station is asked to measure, by the method named."""

    request = models.ForeignKey(SamplingRequest, on_delete=models.CASCADE, related_name="factors")
    code = models.CharField(_("factor"), max_length=16)
    name = models.CharField(_("factor name"), max_length=80)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    method = models.CharField(_("method"), max_length=120)

    class Meta:
        ordering = ["request", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "code"], name="sampling_factor_once")]
        verbose_name = _("requested factor")
        verbose_name_plural = _("requested factors")

    def __str__(self) -> str:
        return self.name


class Sample(models.Model):
    """One sample: its number, container, preservation and the seal that closes it."""

    request = models.ForeignKey(SamplingRequest, on_delete=models.PROTECT, related_name="samples")
    sample_no = models.CharField(_("sample number"), max_length=40, unique=True)
    container = models.CharField(_("container"), max_length=80)
    preservation = models.CharField(_("preservation"), max_length=120, blank=True)
    samplers = models.CharField(_("samplers"), max_length=120)
    location = models.CharField(_("sampled at (place)"), max_length=200, blank=True)
    seal_no = models.CharField(_("seal number"), max_length=40, blank=True)
    step = models.CharField(_("custody"), max_length=16, choices=STEP_CHOICES)  # the last step recorded

    class Meta:
        ordering = ["request", "id"]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")

    def __str__(self) -> str:
        return self.sample_no

    @property
    def step_label(self):
        return STEP_LABELS[Step(self.step)]


class CustodyStep(models.Model):
    """One link of a sample's chain of custody: written once, never changed (append-only, audited)."""

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=STEP_CHOICES)
    at = models.DateTimeField(_("time"))
    from_party = models.CharField(_("by / handed over by"), max_length=120)
    to_party = models.CharField(_("witness / received by"), max_length=120, blank=True)
    seal_no = models.CharField(_("seal number seen"), max_length=40, blank=True)
    seal_intact = models.BooleanField(_("seal intact"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["sample", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["sample", "step"], name="sampling_custody_step_once")]
        verbose_name = _("custody step")
        verbose_name_plural = _("custody steps")

    def __str__(self) -> str:
        return f"{self.sample.sample_no} {self.step}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("custody steps are append-only")
        super().save(*args, **kwargs)

    @property
    def step_label(self):
        return STEP_LABELS[Step(self.step)]


class Result(models.Model):
    """The lab's value for one factor of one sample, judged against the limit that applies."""

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="results")
    factor = models.ForeignKey(RequestedFactor, on_delete=models.PROTECT, related_name="results")
    value = models.FloatField(_("value"), null=True, blank=True)
    below_dl = models.BooleanField(_("below the detection limit"), default=False)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    method = models.CharField(_("method"), max_length=120)
    detection_limit = models.FloatField(_("detection limit"), null=True, blank=True)
    limit_basis = models.CharField(_("judged against"), max_length=8, choices=SamplingRequest.LimitBasis.choices,
                                   blank=True)
    limit = models.ForeignKey("warnings.EmissionLimit", verbose_name=_("limit"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    limit_value = models.FloatField(_("limit"), null=True, blank=True)  # in the result's unit
    limit_min = models.FloatField(_("lower limit"), null=True, blank=True)
    exceeded = models.BooleanField(_("exceeds"), default=False)
    exceedance_ratio = models.FloatField(_("exceedance multiple"), null=True, blank=True)
    not_judged = models.CharField(_("why not judged"), max_length=16, blank=True)

    class Meta:
        ordering = ["sample", "factor"]
        constraints = [models.UniqueConstraint(fields=["sample", "factor"], name="sampling_result_once")]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.sample.sample_no} {self.factor.name}"
