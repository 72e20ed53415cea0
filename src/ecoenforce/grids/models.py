"""Grid patrols (网格巡查): grids as areas under a county, their members, patrol plans, patrol logs with the
phone's GPS track, and the problems a patrol reports (each one a lead in the one inbox)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.models import Region
from ecoenforce.leads.models import Lead
from ecoenforce.registry.models import RegulatedEntity


class Grid(models.Model):
    """An area a grid member patrols: a GeoJSON polygon inside a county (a town's share of it)."""

    code = models.CharField(_("grid code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    town = models.CharField(_("town or subdistrict"), max_length=64, blank=True)
    boundary = models.JSONField(_("boundary (GeoJSON polygon)"))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("grid members"), blank=True,
                                     related_name="grids")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PatrolPlan(models.Model):
    """How often a grid is to be patrolled in a period, and the entities each patrol should look at."""

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="plans")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    patrols_planned = models.PositiveIntegerField(_("patrols planned"))
    entities = models.ManyToManyField(RegulatedEntity, verbose_name=_("entities to visit"), blank=True,
                                      related_name="+")
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "grid__code"]
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")

    def __str__(self) -> str:
        return f"{self.grid.code} {self.starts_on}–{self.ends_on}"


class Patrol(models.Model):
    """One patrol by a grid member: when it started and ended, the phone's track, what was visited, notes."""

    grid = models.ForeignKey(Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrols")
    plan = models.ForeignKey(PatrolPlan, verbose_name=_("plan"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="patrols")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("grid member"), on_delete=models.PROTECT,
                               related_name="patrols")
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # [[lat, lon, unix seconds, accuracy in metres], …] as the browser reported them.
    track = models.JSONField(_("track"), default=list)
    entities_visited = models.ManyToManyField(RegulatedEntity, verbose_name=_("entities visited"), blank=True,
                                              related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")

    def __str__(self) -> str:
        return f"{self.grid.code} {self.started_at:%Y-%m-%d %H:%M}"


class PatrolPhoto(models.Model):
    """A photo taken on a patrol (type read from the content), kept in the blob store under its SHA-256."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.PROTECT, related_name="photos")
    problem = models.ForeignKey("PatrolProblem", verbose_name=_("problem"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="photos")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("patrol photo")
        verbose_name_plural = _("patrol photos")

    def __str__(self) -> str:
        return f"photo #{self.pk}"


class PatrolProblem(models.Model):
    """A problem seen on a patrol: a lead (source grid patrol) for the officers to triage."""

    patrol = models.ForeignKey(Patrol, verbose_name=_("patrol"), on_delete=models.PROTECT, related_name="problems")
    lead = models.OneToOneField(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="patrol_problem")
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"))

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("patrol problem")
        verbose_name_plural = _("patrol problems")

    def __str__(self) -> str:
        return self.lead.number
