"""Reads of the enterprise's side. A firm user reaches only the facilities it holds an account for; staff reach
what lies in their jurisdiction. Anything else is "not found"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from ecoenforce.compliance.files import file_path
from ecoenforce.compliance.models import (
    DisclosureReport,
    HelpVisit,
    Rectification,
    RectificationFile,
    SelfInspection,
)
from ecoenforce.core.access import STAFF_ROLES, has_role, scope_by_region
from ecoenforce.core.errors import NotFound, PermissionDenied
from ecoenforce.core.models import Role, User
from ecoenforce.registry.models import RegulatedEntity

AWAITING_FIRM = (Rectification.Status.OPEN, Rectification.Status.RETURNED)
_RANK = Case(When(status__in=AWAITING_FIRM, then=Value(0)), When(status=Rectification.Status.SUBMITTED, then=Value(1)),
             default=Value(2), output_field=IntegerField())


def is_firm(user: User) -> bool:
    return bool(user.is_authenticated and user.role == Role.ENTERPRISE)


def require_firm(user: User) -> None:
    if not is_firm(user):
        raise PermissionDenied()


def require_staff(user: User) -> None:
    if not has_role(user, STAFF_ROLES):
        raise PermissionDenied()


def _pk(value: object) -> int:
    text = str(value)
    if not text.isdigit() or len(text) > 10 or int(text) > 2**31 - 1:  # beyond any id (and the database's integer)
        raise NotFound()
    return int(text)


# --- facilities -----------------------------------------------------------------------------------------------

def firm_entities(*, user: User) -> QuerySet[RegulatedEntity]:
    """The enterprise user's own facilities."""
    require_firm(user)
    return (RegulatedEntity.objects.filter(enterprise_accounts__user=user).select_related("industry", "region")
            .order_by("name", "id").distinct())


def firm_entity_get(*, user: User, entity_id: object) -> RegulatedEntity:
    entity = firm_entities(user=user).filter(pk=_pk(entity_id)).first()
    if entity is None:
        raise NotFound()
    return entity


def staff_entity_get(*, user: User, entity_id: object) -> RegulatedEntity:
    require_staff(user)
    entity = scope_by_region(RegulatedEntity.objects.select_related("region"), user=user).filter(
        pk=_pk(entity_id)).first()
    if entity is None:
        raise NotFound()
    return entity


def staff_entities(*, user: User) -> QuerySet[RegulatedEntity]:
    require_staff(user)
    return scope_by_region(RegulatedEntity.objects.all(), user=user).order_by("name")


# --- rectification tasks ----------------------------------------------------------------------------------------

def _rect_qs() -> QuerySet[Rectification]:
    return Rectification.objects.select_related("entity", "issued_by")


def rectifications_for_firm(*, user: User, status: str = "") -> QuerySet[Rectification]:
    """My facilities' tasks: those awaiting my evidence first, by deadline."""
    require_firm(user)
    qs = _rect_qs().filter(entity__enterprise_accounts__user=user).distinct()
    if status == "open":
        qs = qs.exclude(status=Rectification.Status.ACCEPTED)
    elif status in Rectification.Status.values:
        qs = qs.filter(status=status)
    return qs.annotate(rank=_RANK).order_by("rank", "deadline", "id")


def rectifications_for_staff(*, user: User, status: str = "") -> QuerySet[Rectification]:
    """Tasks on facilities in the officer's jurisdiction (the firms' own self-inspection items included)."""
    require_staff(user)
    qs = scope_by_region(_rect_qs(), user=user, field="entity__region__code")
    if status == "open":
        qs = qs.exclude(status=Rectification.Status.ACCEPTED)
    elif status in Rectification.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("deadline", "id")


def rectification_get(*, user: User, rectification_id: object) -> Rectification:
    """One task, for its firm or for staff in jurisdiction."""
    pk = _pk(rectification_id)
    if is_firm(user):
        found = rectifications_for_firm(user=user).filter(pk=pk).first()
    elif has_role(user, STAFF_ROLES):
        found = rectifications_for_staff(user=user).filter(pk=pk).first()
    else:
        found = None
    if found is None:
        raise NotFound()
    return found


def rectification_file_for_user(*, user: User, file_id: object) -> tuple[RectificationFile, Path]:
    f = RectificationFile.objects.select_related("step").filter(pk=_pk(file_id)).first()
    if f is None:
        raise NotFound()
    rectification_get(user=user, rectification_id=f.step.rectification_id)  # the same reach as the task
    path = file_path(f.stored)
    if path is None:
        raise NotFound()
    return f, path


# --- self-inspections, disclosure, help visits --------------------------------------------------------------------

def self_inspections_for_firm(*, user: User) -> QuerySet[SelfInspection]:
    require_firm(user)
    return (SelfInspection.objects.filter(entity__enterprise_accounts__user=user).select_related("entity", "done_by")
            .distinct().order_by("-period_start", "-id"))


def self_inspection_get(*, user: User, inspection_id: object) -> SelfInspection:
    pk = _pk(inspection_id)
    if is_firm(user):
        found = self_inspections_for_firm(user=user).filter(pk=pk).first()
    elif has_role(user, STAFF_ROLES):
        found = scope_by_region(SelfInspection.objects.select_related("entity"), user=user,
                                field="entity__region__code").filter(pk=pk).first()
    else:
        found = None
    if found is None:
        raise NotFound()
    return found


def disclosure_reports_for_firm(*, user: User) -> QuerySet[DisclosureReport]:
    require_firm(user)
    return (DisclosureReport.objects.filter(entity__enterprise_accounts__user=user).select_related("entity")
            .distinct().order_by("-year", "entity__name"))


def disclosure_report_for_firm(*, user: User, report_id: object) -> DisclosureReport:
    found = disclosure_reports_for_firm(user=user).filter(pk=_pk(report_id)).first()
    if found is None:
        raise NotFound()
    return found


def disclosure_published(*, year: int | None = None, query: str = "") -> QuerySet[DisclosureReport]:
    """Published reports, for the public portal (anyone may read them: the law makes them public)."""
    qs = DisclosureReport.objects.filter(status=DisclosureReport.Status.PUBLISHED).select_related("entity__region")
    if year:
        qs = qs.filter(year=year)
    if query:
        qs = qs.filter(Q(entity__name__icontains=query) | Q(entity__uscc=query.upper()))
    return qs.order_by("-year", "entity__name", "id")


def disclosure_published_get(*, report_id: object) -> DisclosureReport:
    found = disclosure_published().filter(pk=_pk(report_id)).first()
    if found is None:
        raise NotFound()
    return found


def disclosure_published_years() -> list[int]:
    return sorted(set(DisclosureReport.objects.filter(status=DisclosureReport.Status.PUBLISHED)
                      .values_list("year", flat=True)), reverse=True)


def help_visits_for_firm(*, user: User) -> QuerySet[HelpVisit]:
    require_firm(user)
    return (HelpVisit.objects.filter(entity__enterprise_accounts__user=user).select_related("entity")
            .prefetch_related("officers").distinct().order_by("-date", "-id"))


def help_visits_for_staff(*, user: User) -> QuerySet[HelpVisit]:
    require_staff(user)
    return (scope_by_region(HelpVisit.objects.select_related("entity", "recorded_by"), user=user,
                            field="entity__region__code").prefetch_related("officers").order_by("-date", "-id"))


def officers_in_reach(*, user: User) -> QuerySet[User]:
    """Staff of the officer's jurisdiction who may be named on a help visit."""
    require_staff(user)
    return scope_by_region(User.objects.filter(is_active=True, role__in=STAFF_ROLES), user=user,
                           field="organization__region__code").order_by("full_name", "username")


def help_visit_count(*, user: User, since: dt.date) -> int:
    """How many help visits the officer took part in since a day (for the duty scorecards' 指导帮扶)."""
    return HelpVisit.objects.filter(officers=user, date__gte=since).count()


MONITORING_WARNING_DAYS = 365  # the firm's warnings page reaches back a year


def firm_monitoring(*, user: User, today: dt.date) -> list[dict]:
    """The firm's own facilities with their monitoring devices and the warnings raised on their data in the last
    year, newest first (the readings themselves are read from the lake by the view). Another firm's facility never
    appears: the facilities are `firm_entities`."""
    from ecoenforce.monitoring.models import MonitoringDevice
    from ecoenforce.warnings.models import Warning

    entities = list(firm_entities(user=user).select_related("industry"))
    devices: dict[int, list] = {}
    for d in MonitoringDevice.objects.filter(entity__in=entities, active=True).select_related("point").order_by("mn"):
        devices.setdefault(d.entity_id, []).append(d)
    since = today - dt.timedelta(days=MONITORING_WARNING_DAYS)
    warnings: dict[int, list] = {}
    for w in (Warning.objects.filter(entity__in=entities, start__date__gte=since)
              .select_related("notice").order_by("-start")):
        warnings.setdefault(w.entity_id, []).append(w)
    return [{"entity": e, "devices": devices.get(e.pk, []), "warnings": warnings.get(e.pk, [])} for e in entities]
