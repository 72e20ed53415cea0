"""Registry reads, always through the user's jurisdiction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ecoenforce.core.access import get_in_scope, scope_by_region
from ecoenforce.core.filters import ListFilters, filter_field, search_field, yes_no
from ecoenforce.core.models import User
from ecoenforce.registry.models import Industry, RegulatedEntity


@dataclass(frozen=True)
class EntityFilters(ListFilters):
    """One filter definition for the list page, its export and the API."""

    q: str = search_field()
    region: str = filter_field(_("County"), lambda e: e.region.name)
    industry: str = filter_field(_("Industry"), lambda e: str(e.industry))
    permit_class: str = filter_field(_("Permit class"), lambda e: e.get_permit_class_display())
    key_unit: str = filter_field(_("Key unit"), lambda e: yes_no(e.is_key_unit))  # "", "yes", "no"
    risk_class: str = filter_field(_("Supervision class"), lambda e: e.get_risk_class_display())
    positive_list: str = filter_field(_("On the positive list"), lambda e: yes_no(e.on_positive_list))  # "", "yes", "no"


def industries_in_scope(*, user: User) -> QuerySet[Industry]:
    """The industries of the entities the user can see (the list's filter): not all 1,380+ GB/T 4754 classes,
    which made every entity-list page 100 KB and most of its 45 ms."""
    entities = scope_by_region(RegulatedEntity.objects.all(), user=user)
    return Industry.objects.filter(pk__in=entities.values("industry_id")).only("code", "name_zh").order_by("code")


def entity_list_for_user(*, user: User, filters: EntityFilters = EntityFilters()) -> QuerySet[RegulatedEntity]:
    """Entities the user may see, filtered."""
    qs = scope_by_region(RegulatedEntity.objects.select_related("industry", "region"), user=user)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(uscc__icontains=filters.q.upper()) | Q(address__icontains=filters.q))
    if filters.region:
        qs = qs.filter(region__code=filters.region)
    if filters.industry:
        qs = qs.filter(industry__code=filters.industry)
    if filters.permit_class:
        qs = qs.filter(permit_class=filters.permit_class)
    if filters.risk_class:
        qs = qs.filter(risk_class=filters.risk_class)
    if filters.key_unit in ("yes", "no"):
        qs = qs.filter(is_key_unit=filters.key_unit == "yes")
    if filters.positive_list in ("yes", "no"):
        qs = qs.filter(on_positive_list=filters.positive_list == "yes")
    return qs.order_by("name")


def entity_get_for_user(*, user: User, entity_id: object) -> RegulatedEntity:
    """One entity, or NotFound if it is outside the user's reach."""
    return get_in_scope(RegulatedEntity.objects.select_related("industry", "region"), user=user, pk=entity_id)
