"""Registry models: industries (GB/T 4754) and the regulated entities a bureau watches."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Region, VersionedPolicy


class Industry(models.Model):
    """A GB/T 4754-2017 industry class, with how the 2019 permit catalogue classes it."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=64)
    name_en = models.CharField(_("name (English)"), max_length=128, blank=True)  # empty: the Chinese name is shown
    division_name_zh = models.CharField(_("division"), max_length=64, blank=True)
    permit_class_rule = models.TextField(_("permit classification rule"), blank=True)
    typical_online_factors = models.TextField(_("typical online-monitoring factors"), blank=True)
    source = models.TextField(_("source"), blank=True)
    # how sure the row is: "transcribed" (the 1,380-class list, not yet checked line by line against the official
    # text); empty for the 93 curated classes, whose texts carry [CONFIRMED]/[RECALLED] tags
    confidence = models.CharField(_("confidence"), max_length=16, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


class PermitClass(models.TextChoices):
    """Classes of the 2019 fixed-source permit catalogue."""

    KEY = "key", _("Key management (重点管理)")
    SIMPLIFIED = "simplified", _("Simplified management (简化管理)")
    REGISTRATION = "registration", _("Registration (登记管理)")
    NONE = "none", _("No permit required")


class RiskClass(models.TextChoices):
    """Supervision classes of classified supervision (分类监管)."""

    KEY = "key", _("Key (重点)")
    GENERAL = "general", _("General (一般)")
    SPECIAL = "special", _("Special (特殊)")


class CreditGrade(models.TextChoices):
    """Environmental credit grades (环发〔2013〕150号 four colours, plus Jiangsu's black)."""

    GREEN = "green", _("Good faith (诚信, green)")
    BLUE = "blue", _("Good (良好, blue)")
    YELLOW = "yellow", _("Warning (警示, yellow)")
    RED = "red", _("Poor (不良, red)")
    BLACK = "black", _("Serious breach (严重失信, black)")


class RegulatedEntity(models.Model):
    """A regulated entity (监管对象): a firm or site identified by its unified social credit code."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=128)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="entities")
    address = models.CharField(_("address"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    permit_class = models.CharField(_("permit class"), max_length=16, choices=PermitClass.choices)
    permit_number = models.CharField(_("permit number"), max_length=32, blank=True)
    is_key_unit = models.BooleanField(_("key discharging unit"), default=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Written only by the risk classification service (with its reasons); read by planning and draws.
    risk_class = models.CharField(_("supervision class"), max_length=16, choices=RiskClass.choices,
                                  default=RiskClass.GENERAL)
    risk_score = models.DecimalField(_("risk score"), max_digits=7, decimal_places=2, null=True, blank=True)
    risk_scored_on = models.DateField(_("risk scored on"), null=True, blank=True)
    on_positive_list = models.BooleanField(_("on the positive list"), default=False)
    # Facts the classification and the positive list read when a bureau knows them (None/"" = unknown).
    annual_discharge_t = models.DecimalField(
        _("annual main-pollutant discharge (t/a)"), max_digits=10, decimal_places=2, null=True, blank=True,
        help_text=_("Sum of the permitted or reported annual discharge of the main pollutants, in tonnes."))
    near_sensitive_receptor = models.BooleanField(
        _("near a sensitive receptor"), null=True, blank=True,
        help_text=_("Within the protection distance of a residential area, school, hospital or drinking-water source."))
    credit_grade = models.CharField(_("environmental credit grade"), max_length=16, choices=CreditGrade.choices,
                                    blank=True)
    # Placeholder until the monitoring registry links points to entities: set by staff or the pools import.
    networked_monitoring = models.BooleanField(_("automatic monitoring networked"), default=False)
    permit_reports_on_time = models.BooleanField(_("permit execution reports on time"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["permit_class"]), models.Index(fields=["name"]),
                   models.Index(fields=["risk_class"])]
        verbose_name = _("regulated entity")
        verbose_name_plural = _("regulated entities")

    def __str__(self) -> str:
        return self.name

    @property
    def full_address(self) -> str:
        """The address with its county in front, unless the address already names the county (most ledgers write
        "常州市武进区湖塘镇…"); never "武进区 常州市武进区…"."""
        county, address = self.region.name, self.address.strip()
        if not address:
            return county
        return address if county in address else f"{county}{address}"


class EntityEvent(models.Model):
    """A dated fact in an entity's history (a penalty, a warning, a tip...): what risk and credit are computed from.

    Other apps push these through `registry.services.entity_event_record`, so the registry never imports them.
    """

    class Kind(models.TextChoices):
        INSPECTION_CLEAN = "inspection_clean", _("Inspection without violation")
        INSPECTION_VIOLATION = "inspection_violation", _("Inspection found a violation")
        CASE_OPENED = "case_opened", _("Case opened")
        PENALTY = "penalty", _("Penalty decided")
        WARNING = "warning", _("Monitoring warning")
        TIP = "tip", _("Public tip")
        INCIDENT = "incident", _("Environmental incident")

    entity = models.ForeignKey(RegulatedEntity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    date = models.DateField(_("date"))
    ref = models.CharField(_("reference"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["entity", "date"])]
        verbose_name = _("entity event")
        verbose_name_plural = _("entity events")

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class RiskPolicy(VersionedPolicy):
    """A version of the classification's weights and thresholds (the newest version is in force)."""

    values = models.JSONField(_("values"), default=dict, help_text=_("Keys of RiskPolicyValues; missing keys keep their defaults."))

    class Meta(VersionedPolicy.Meta):
        verbose_name = _("risk classification policy")
        verbose_name_plural = _("risk classification policies")


class RiskBacktest(models.Model):
    """A leader's back-test of a history file, run by the background worker; the file is kept for the re-run."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey("core.User", verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(_("content"))
    map_filename = models.CharField(_("kind map"), max_length=200, blank=True)
    map_content = models.BinaryField(_("kind map content"), null=True, blank=True)
    cutoff = models.DateField(_("cut-off"))
    horizon = models.CharField(_("horizon"), max_length=8, default="12m")
    budget = models.PositiveIntegerField(_("budget (inspections)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("risk back-test")
        verbose_name_plural = _("risk back-tests")

    def __str__(self) -> str:
        return f"{self.filename} @ {self.cutoff}"


class RiskScoreFit(models.Model):
    """A unit leader's switch to the learned score, fitted by the background worker (a city's history takes a while).

    `result` holds numbers and a code, rendered in the reader's language: {"code": "done", "entities", "positives",
    "version"} or {"code": "too_few", "positives", "needed"} or {"code": "error"}."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey("core.User", verbose_name=_("requested by"), on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    as_of = models.DateField(_("history up to"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("learned-score fit")
        verbose_name_plural = _("learned-score fits")

    def __str__(self) -> str:
        return f"fit as of {self.as_of}: {self.status}"


class InspectorTie(models.Model):
    """A tie an inspector declared with an entity (kin, interest): the draw recuses the inspector from it."""

    class Kind(models.TextChoices):
        KIN = "kin", _("Kin (近亲属)")
        INTEREST = "interest", _("Interest (利害关系)")
        FORMER_EMPLOYER = "former_employer", _("Former employer (曾任职)")

    inspector = models.ForeignKey("core.User", verbose_name=_("inspector"), on_delete=models.CASCADE,
                                  related_name="declared_ties")
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), on_delete=models.CASCADE,
                               related_name="inspector_ties")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    declared_on = models.DateField(_("declared on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["inspector_id", "entity_id"]
        constraints = [models.UniqueConstraint(fields=["inspector", "entity", "kind"], name="uniq_inspector_tie")]
        verbose_name = _("declared inspector tie")
        verbose_name_plural = _("declared inspector ties")

    def __str__(self) -> str:
        return f"{self.inspector} – {self.entity} ({self.kind})"


class InspectorProfile(models.Model):
    """Pool data of a certified inspector beyond core.User: home region (for cross-region recusal), in the pool."""

    user = models.OneToOneField("core.User", verbose_name=_("inspector"), on_delete=models.CASCADE,
                                related_name="inspector_profile")
    home_region = models.ForeignKey(Region, verbose_name=_("home region"), on_delete=models.PROTECT,
                                    related_name="+")
    in_pool = models.BooleanField(_("in the inspector pool"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("inspector pool entry")
        verbose_name_plural = _("inspector pool entries")

    def __str__(self) -> str:
        return str(self.user)


class EnterpriseAccount(models.Model):
    """Links an enterprise user to the facility it acts for (positive-list applications, disclosures)."""

    user = models.ForeignKey("core.User", verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="enterprise_accounts")
    entity = models.ForeignKey(RegulatedEntity, verbose_name=_("entity"), on_delete=models.CASCADE,
                               related_name="enterprise_accounts")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "entity"], name="uniq_enterprise_account")]
        verbose_name = _("enterprise account")
        verbose_name_plural = _("enterprise accounts")

    def __str__(self) -> str:
        return f"{self.user} → {self.entity}"


# Models of the classification packages live beside their code; importing them here registers them.
from ecoenforce.registry.catalogue.models import CatalogueVersion, EnforcementMatter  # noqa: E402,F401
from ecoenforce.registry.pools.models import PoolImport  # noqa: E402,F401
from ecoenforce.registry.positive.models import PositiveListEntry  # noqa: E402,F401
