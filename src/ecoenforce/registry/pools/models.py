"""Pool imports: an uploaded spreadsheet kept with its validation report until a person confirms it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PoolImport(models.Model):
    """An uploaded entities or inspectors file: previewed (checked, nothing written), then applied once."""

    class Kind(models.TextChoices):
        ENTITIES = "entities", _("Regulated entities (动态污染源库)")
        INSPECTORS = "inspectors", _("Inspectors (执法人员库)")

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        APPLIED = "applied", _("Imported")
        REJECTED = "rejected", _("Has problems, nothing imported")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))
    uploaded_by = models.ForeignKey("core.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    report = models.JSONField(_("report"), default=dict)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("pool import")
        verbose_name_plural = _("pool imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"
