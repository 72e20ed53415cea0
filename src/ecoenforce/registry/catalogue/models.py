"""Catalogue models: one version per year, its matters with legal basis and statutory range."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterKind(models.TextChoices):
    """Kinds of enforcement matter in the provincial catalogues."""

    PENALTY = "penalty", _("Administrative penalty (行政处罚)")
    COERCION = "coercion", _("Administrative coercion (行政强制)")
    INSPECTION = "inspection", _("Administrative inspection (行政检查)")
    OTHER = "other", _("Other (其他)")


class ResponsibleLevel(models.TextChoices):
    """The first responsible level (第一责任层级)."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")


class PenaltyKind(models.TextChoices):
    """Penalty and order kinds a matter may carry (行政处罚法 art. 9 and the environmental laws)."""

    WARNING = "warning", _("Warning (警告)")
    FINE = "fine", _("Fine (罚款)")
    CONFISCATION = "confiscation", _("Confiscation (没收违法所得、非法财物)")
    CORRECTION = "correction", _("Order to correct (责令改正)")
    RESTRICT = "restrict", _("Restrict or suspend production (限制生产、停产整治)")
    CLOSE = "close", _("Order to close (责令停业、关闭)")
    REVOKE = "revoke", _("Revoke the permit (吊销许可证)")
    DETENTION = "detention", _("Transfer for detention (移送公安机关拘留)")
    SEIZURE = "seizure", _("Seal up or seize (查封、扣押)")


# The source recorded on the starter catalogue the platform ships (texts are samples to be checked); pages show a
# translated notice for it instead of the raw marker.
STARTER_SOURCE = "ecoenforce:starter-catalogue"


class CatalogueVersion(models.Model):
    """One yearly version of the catalogue; the newest published one is current, drafts are being revised."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    year = models.PositiveIntegerField(_("version year"), unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=300, blank=True,
                              help_text=_("The approving document, e.g. the provincial government's notice."))
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")

    def __str__(self) -> str:
        return f"{self.year} ({self.get_status_display()})"

    @property
    def is_starter(self) -> bool:
        """The platform's starter catalogue (sample texts), also as recorded by installs before the marker."""
        return self.source == STARTER_SOURCE or self.source.startswith("ecoenforce starter catalogue")


class EnforcementMatter(models.Model):
    """An enforcement matter of one catalogue version: what may be done, on which legal basis, within what range."""

    version = models.ForeignKey(CatalogueVersion, verbose_name=_("version"), on_delete=models.CASCADE,
                                related_name="matters")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=MatterKind.choices)
    law = models.CharField(_("law"), max_length=100)
    article = models.CharField(_("article"), max_length=60)
    basis_text = models.TextField(_("text of the legal basis"))
    level = models.CharField(_("responsible level"), max_length=16, choices=ResponsibleLevel.choices)
    penalty_kinds = models.CharField(_("penalty kinds"), max_length=200, blank=True,
                                     help_text=_("Codes separated by commas, e.g. fine,correction"))
    fine_min = models.DecimalField(_("minimum fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    fine_max = models.DecimalField(_("maximum fine (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    fine_rule = models.CharField(_("fine rule"), max_length=200, blank=True,
                                 help_text=_("When the range is not a fixed amount, e.g. '1 to 3 times the cost'."))
    text_verified = models.BooleanField(
        _("text checked against the official publication"), default=False,
        help_text=_("Unchecked texts are shown with a notice until a legal officer confirms them."))

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_matter_code_per_version"),
            models.CheckConstraint(condition=models.Q(fine_min__isnull=True) | models.Q(fine_max__isnull=True)
                                   | models.Q(fine_min__lte=models.F("fine_max")), name="matter_fine_min_le_max"),
        ]
        verbose_name = _("enforcement matter")
        verbose_name_plural = _("enforcement matters")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def citation(self) -> str:
        """The legal basis as a decision cites it: 《law》article."""
        return f"《{self.law}》{self.article}"

    @property
    def fixed_fine_max(self) -> Decimal | None:
        """The statutory maximum fine, or None where there is none or it is computed (a fine rule: 按日连续, multiples)."""
        return None if self.fine_rule else self.fine_max

    @property
    def penalty_kind_list(self) -> list[str]:
        """The penalty-kind codes as a list."""
        return [k for k in self.penalty_kinds.split(",") if k]

    def penalty_kind_labels(self) -> list[str]:
        """The penalty kinds in the person's language."""
        return [str(PenaltyKind(k).label) if k in PenaltyKind.values else k for k in self.penalty_kind_list]
