"""Registry pages: the entity list (filters, export) and an entity's file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.export import export_response
from ecoenforce.core.models import Region
from ecoenforce.registry.models import Industry, PermitClass
from ecoenforce.registry.selectors import EntityFilters, entity_get_for_user, entity_list_for_user


def _regions_for(user) -> list[Region]:
    prefix = user.jurisdiction_prefix or ""
    return list(Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix))


@login_required
def entity_list(request: HttpRequest) -> HttpResponse:
    """Entities in the user's jurisdiction, filtered, paged, exportable."""
    require_role(request.user, STAFF_ROLES)
    filters = EntityFilters.from_query(request.GET)
    qs = entity_list_for_user(user=request.user, filters=filters)
    if request.GET.get("export") in ("xlsx", "csv"):
        headers = [_("Credit code"), _("Name"), _("Industry"), _("County"), _("Address"), _("Permit class"),
                   _("Permit number"), _("Key unit")]
        rows = ((e.uscc, e.name, str(e.industry), e.region.name, e.address, e.get_permit_class_display(),
                 e.permit_number, _("Yes") if e.is_key_unit else _("No")) for e in qs.iterator(chunk_size=2000))
        return export_response(fmt=request.GET["export"], basename="entities", headers=headers, rows=rows)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "registry/entity_list.html", {
        "page": page, "filters": filters, "regions": _regions_for(request.user),
        "industries": Industry.objects.all(), "permit_classes": PermitClass.choices,
    })


@login_required
def entity_detail(request: HttpRequest, entity_id: int) -> HttpResponse:
    """One entity: its registration, history, leads and cases."""
    require_role(request.user, STAFF_ROLES)
    entity = entity_get_for_user(user=request.user, entity_id=entity_id)
    return render(request, "registry/entity_detail.html", {
        "entity": entity,
        "events": entity.events.all()[:50],
        "cases": entity.cases.select_related("region").all()[:50],
        "inspections": entity.inspections.all()[:20],
    })
