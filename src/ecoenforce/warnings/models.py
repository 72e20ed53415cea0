"""Emission standards and limits, rule policy versions, rule runs, warnings and what operators did with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.units import unit_normal


class Averaging(models.TextChoices):
    """The averaging period a limit is judged over."""

    HOUR = "hour", _("Hourly mean")
    DAY = "day", _("Daily mean")
    INSTANT = "instant", _("Any single value")


class Confidence(models.TextChoices):
    """How sure we are of a seeded value (from the reference research)."""

    CONFIRMED = "confirmed", _("Confirmed from the standard text")
    SECONDARY = "secondary", _("Confirmed from a secondary source")
    RECALLED = "recalled", _("Recalled, not verified")


class EmissionStandard(models.Model):
    """A national or local emission standard (GB 13223-2011 …), one row per version."""

    code = models.CharField(_("code"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("emission standard")
        verbose_name_plural = _("emission standards")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="warnings_standard_code_version")]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class EmissionLimit(models.Model):
    """One limit of a standard: category of source, pollutant (HJ 212 code), value, unit, averaging, O2 ref."""

    standard = models.ForeignKey(EmissionStandard, on_delete=models.PROTECT, related_name="limits",
                                 verbose_name=_("standard"))  # fmt: skip
    category = models.CharField(_("category"), max_length=200)
    pollutant = models.CharField(_("pollutant code"), max_length=16, blank=True, help_text=_("HJ 212-2017 factor code, e.g. a21026."))
    pollutant_name = models.CharField(_("pollutant"), max_length=80)
    limit_value = models.FloatField(_("limit"), help_text=_("Upper limit; 0 for 'not detectable'."))
    limit_min = models.FloatField(_("lower limit"), null=True, blank=True, help_text=_("Only for ranges such as pH 6–9."))
    limit_text = models.CharField(_("limit as written"), max_length=40, blank=True)
    unit = models.CharField(_("unit"), max_length=20)
    averaging = models.CharField(_("averaging period"), max_length=8, choices=Averaging.choices, default=Averaging.HOUR)
    reference_o2 = models.FloatField(_("reference O2 (%)"), null=True, blank=True)
    applies_from = models.CharField(_("applies from"), max_length=300, blank=True)
    source = models.TextField(_("source"), blank=True)
    confidence = models.CharField(_("confidence"), max_length=12, choices=Confidence.choices,
                                  default=Confidence.RECALLED)  # fmt: skip
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("emission limit")
        verbose_name_plural = _("emission limits")
        constraints = [models.UniqueConstraint(fields=["standard", "category", "pollutant", "averaging"],
                                               name="warnings_limit_unique")]
        ordering = ["standard__code", "category", "pollutant"]

    def __str__(self) -> str:
        return f"{self.standard.code} {self.category} {self.pollutant_name} {self.limit_value:g} {unit_normal(self.unit)}"


def validate_publisher_username(value: str) -> None:
    from django.core.exceptions import ValidationError

    from ecoenforce.warnings.inputs.mosquitto import USERNAME

    if not USERNAME.match(value):
        raise ValidationError(_("3 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit."))


class MqttPublisher(models.Model):
    """A data-acquisition box or platform that publishes electricity readings over MQTT with the user name and
    password the bureau issued; it may publish only for the devices granted to it (`MqttGrant`).
    Only Mosquitto's PBKDF2 hash of the password is kept (the password is shown once, when issued)."""

    username = models.CharField(_("user name"), max_length=64, unique=True, validators=[validate_publisher_username])
    password_hash = models.CharField(_("password hash"), max_length=200, editable=False)
    label = models.CharField(_("label"), max_length=120, blank=True)
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, verbose_name=_("issued by"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("MQTT publisher")
        verbose_name_plural = _("MQTT publishers")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username


class MqttGrant(models.Model):
    """The one MQTT publisher that may send a registered electricity monitor's readings (`ecoenforce mqtt bind`)."""

    device = models.OneToOneField("monitoring.MonitoringDevice", on_delete=models.CASCADE, related_name="mqtt_grant",
                                  verbose_name=_("device"))  # fmt: skip
    publisher = models.ForeignKey(MqttPublisher, on_delete=models.PROTECT, related_name="grants",
                                  verbose_name=_("MQTT publisher"),
                                  help_text=_("The only publisher that may send this device's readings over MQTT."))  # fmt: skip

    class Meta:
        verbose_name = _("MQTT grant")
        verbose_name_plural = _("MQTT grants")

    def __str__(self) -> str:
        return f"{self.device_id} → {self.publisher_id}"


class PointLimit(models.Model):
    """The limit that applies at one registered device to one factor, over a period: one version per change.

    The value, unit, averaging period and reference O2 are copied from the emission-limit row when the version is
    set, so a later correction of the seeded table or a change of the point's limit never rewrites the limit a past
    reading (or a warning raised on it) was judged against. The version in force has no `valid_to`.
    """

    device = models.ForeignKey("monitoring.MonitoringDevice", on_delete=models.PROTECT, related_name="limits",
                               verbose_name=_("device"))  # fmt: skip
    pollutant = models.CharField(_("pollutant code"), max_length=16)
    limit = models.ForeignKey(EmissionLimit, on_delete=models.PROTECT, verbose_name=_("limit"))
    limit_value = models.FloatField(_("limit"))
    limit_min = models.FloatField(_("lower limit"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    averaging = models.CharField(_("averaging period"), max_length=8, choices=Averaging.choices, default=Averaging.HOUR)
    reference_o2 = models.FloatField(_("reference O2 (%)"), null=True, blank=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid until"), null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("set by"))  # fmt: skip
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("point limit")
        verbose_name_plural = _("point limits")
        ordering = ["device_id", "pollutant", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["device", "pollutant", "averaging"],
                                               condition=models.Q(valid_to__isnull=True),
                                               name="warnings_point_limit_current")]  # fmt: skip
        indexes = [models.Index(fields=["device", "pollutant", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.device_id} {self.pollutant} {self.limit_value:g}"

    @property
    def mn(self) -> str:
        return self.device.mn

    @property
    def value_text(self) -> str:
        """The value as the standard writes it (a pH range, 'not detectable'), else the number."""
        if self.limit_min is not None:
            return f"{self.limit_min:g}–{self.limit_value:g}"
        return f"{self.limit_value:g}"


class RulePolicy(models.Model):
    """A version of the rule thresholds; the newest active one is used by runs."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    values = models.JSONField(_("values"), default=dict)
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))  # fmt: skip

    class Meta:
        verbose_name = _("rule policy")
        verbose_name_plural = _("rule policies")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class RuleRun(models.Model):
    """One run of the rules over a time window: a job record with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    window_from = models.DateTimeField(_("from"))
    window_to = models.DateTimeField(_("to"))
    engine = models.CharField(_("engine"), max_length=12, default="duckdb")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    policy = models.ForeignKey(RulePolicy, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("policy"))
    events_found = models.PositiveIntegerField(_("events found"), default=0)
    warnings_created = models.PositiveIntegerField(_("warnings created"), default=0)
    warnings_updated = models.PositiveIntegerField(_("warnings updated"), default=0)
    unmatched_devices = models.PositiveIntegerField(_("devices not in the registry"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("requested by"))  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The rule lease (runs.rule_run_claim): one run executes at a time; a holder that dies leaves it void.
    lease_holder = models.CharField(_("executed by"), max_length=200, blank=True, help_text=_("host and process id"))
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("rule run")
        verbose_name_plural = _("rule runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.window_from:%Y-%m-%d}–{self.window_to:%Y-%m-%d}"


class Warning(models.Model):  # noqa: A001 - the domain word; stdlib warnings is never imported here
    """One merged rule event on a device and factor, worked by an operator."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        NOTIFIED = "notified", _("Notice sent")
        LEAD = "lead", _("Lead raised")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class DismissReason(models.TextChoices):
        FALSE_POSITIVE = "false_positive", _("False alarm: the data are right")
        SHUTDOWN = "shutdown", _("Reported shutdown or start-up")
        CALIBRATION = "calibration", _("Reported calibration or maintenance")
        INSTRUMENT = "instrument", _("Instrument fault, already being repaired")
        DUPLICATE = "duplicate", _("Duplicate of another warning")
        OTHER = "other", _("Other (explain)")

    event_id = models.CharField(_("event id"), max_length=32, unique=True)
    rule = models.CharField(_("rule"), max_length=32, db_index=True)
    mn = models.CharField(_("device MN"), max_length=32)
    pollutant = models.CharField(_("pollutant"), max_length=40)
    entity = models.ForeignKey("registry.RegulatedEntity", on_delete=models.PROTECT, related_name="monitoring_warnings",
                               verbose_name=_("entity"))  # fmt: skip
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    value = models.FloatField(_("value"))
    threshold = models.FloatField(_("threshold"))
    hits = models.PositiveIntegerField(_("hours hit"), default=1)
    evidence = models.TextField(_("evidence"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("operator"))  # fmt: skip
    dismiss_reason = models.CharField(_("dismissal reason"), max_length=20, choices=DismissReason.choices, blank=True)
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("lead"))  # fmt: skip
    run = models.ForeignKey(RuleRun, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("found by run"))
    created_at = models.DateTimeField(_("raised"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return f"{self.rule} {self.mn} {self.pollutant} {self.start:%Y-%m-%d %H:%M}"


class WarningAction(models.Model):
    """What an operator did with a warning, in order."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", _("Dismissed")
        NOTIFY = "notify", _("Electronic notice sent")
        LEAD = "lead", _("Lead raised")
        ASSIGN = "assign", _("Taken by an operator")
        REOPEN = "reopen", _("Reopened")
        ANSWER = "answer", _("Explanation received from the enterprise")

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="actions", verbose_name=_("warning"))
    kind = models.CharField(_("action"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("warning action")
        verbose_name_plural = _("warning actions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.warning_id}"


class ElectronicNotice(models.Model):
    """电子督办: the enterprise is told of a warning and must explain itself by a deadline."""

    class Status(models.TextChoices):
        SENT = "sent", _("Awaiting explanation")
        ANSWERED = "answered", _("Explained")

    warning = models.OneToOneField(Warning, on_delete=models.PROTECT, related_name="notice", verbose_name=_("warning"))
    entity = models.ForeignKey("registry.RegulatedEntity", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("entity"))  # fmt: skip
    message = models.TextField(_("message"))
    deadline = models.DateField(_("explanation due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SENT)
    response = models.TextField(_("explanation"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("sent by"))  # fmt: skip
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("answered by"))  # fmt: skip

    class Meta:
        verbose_name = _("electronic notice")
        verbose_name_plural = _("electronic notices")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.deadline}"


class NoticeAttachment(models.Model):
    """A file the enterprise sent with its explanation: stored under `FILES_DIR/notices/` by a name the platform
    chose (never the sender's), with the type read from its content and its SHA-256."""

    notice = models.ForeignKey(ElectronicNotice, on_delete=models.PROTECT, related_name="attachments",
                               verbose_name=_("electronic notice"))  # fmt: skip
    name = models.CharField(_("file name"), max_length=120)
    stored = models.CharField(_("stored as"), max_length=200, unique=True)
    content_type = models.CharField(_("content type"), max_length=80)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice attachment")
        verbose_name_plural = _("notice attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
