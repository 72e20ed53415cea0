"""Registry pages: the entity list (filters, export) and an entity's file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.filters import Column, export_list
from ecoenforce.core.models import Region, Role
from ecoenforce.registry.models import PermitClass, RegulatedEntity, RiskClass
from ecoenforce.registry.positive.labels import criterion_label
from ecoenforce.registry.positive.models import OPEN_STATUSES
from ecoenforce.registry.positive.services import positive_list_eligibility
from ecoenforce.registry.risk_labels import contribution_label, draw_weight_reason, reason_label
from ecoenforce.registry.risk_services import (
    draw_weights,
    learned_in_force,
    learned_ranking,
    risk_classify,
    risk_explain,
    risk_learned_explain,
)
from ecoenforce.registry.selectors import (
    EntityFilters,
    entity_get_for_user,
    entity_list_for_user,
    industries_in_scope,
)


def _regions_for(user) -> list[Region]:
    prefix = user.jurisdiction_prefix or ""
    return list(Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).select_related("parent"))


@login_required
def entity_list(request: HttpRequest) -> HttpResponse:
    """Entities in the user's jurisdiction, filtered, paged, exportable."""
    require_role(request.user, STAFF_ROLES)
    filters = EntityFilters.from_query(request.GET)
    qs = entity_list_for_user(user=request.user, filters=filters)
    if request.GET.get("export") in ("xlsx", "csv"):
        by_key = {c.key: c for c in EntityFilters.filter_columns()}
        columns = [Column("uscc", _("Credit code"), lambda e: e.uscc), Column("name", _("Name"), lambda e: e.name),
                   by_key["industry"], by_key["region"], Column("address", _("Address"), lambda e: e.address),
                   by_key["permit_class"],
                   Column("permit_number", _("Permit number"), lambda e: e.permit_number)]
        return export_list(fmt=request.GET["export"], basename="entities", filters=EntityFilters, columns=columns,
                           objects=qs.iterator(chunk_size=2000))
    # Ranked by the learned score in force (highest first, documented tie-break) when the reader asks for it.
    ranked = learned_ranking(entities=qs, as_of=timezone.localdate()) if request.GET.get("rank") == "learned" else None
    if ranked is not None:
        for e, score in ranked:
            e.learned_percent = f"{100 * score:.1f}"
        qs = [e for e, _score in ranked]
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "registry/entity_list.html", {
        "ranked": ranked is not None, "learned_available": learned_in_force() is not None,
        "page": page, "filters": filters, "regions": _regions_for(request.user),
        "industries": industries_in_scope(user=request.user), "permit_classes": PermitClass.choices, "risk_classes": RiskClass.choices,
        "can_classify": request.user.is_superuser or request.user.role in (Role.UNIT_LEADER, Role.ADMINISTRATOR),
    })


@login_required
@require_POST
def entity_classify(request: HttpRequest) -> HttpResponse:
    """A unit leader re-classifies every entity of the jurisdiction as of today."""
    require_role(request.user, [Role.UNIT_LEADER])
    totals = risk_classify(actor=request.user, as_of=timezone.localdate(), user_scope=request.user)
    messages.success(request, _("Classified %(total)s entities: %(key)s key, %(general)s general, %(special)s special; "
                                "%(changed)s changed class. Open an entity to read why.") % totals)
    return redirect("registry:entity_list")


def event_reference(event) -> str:
    """What a person reads for an event's reference: case, lead and decision numbers as they are; the internal
    keys other apps push (an inspection's row id) say nothing the event's kind and date do not, so they are left
    out; a note follows."""
    ref = event.ref
    if ref.startswith(("inspection:", "INSP-")):
        ref = ""
    return " · ".join(part for part in (ref, event.note) if part)


@login_required
def entity_detail(request: HttpRequest, entity_id: int) -> HttpResponse:
    """One entity: its registration, history, leads and cases."""
    require_role(request.user, STAFF_ROLES)
    entity = entity_get_for_user(user=request.user, entity_id=entity_id)
    risk = risk_explain(entity=entity, as_of=timezone.localdate())
    learned = risk_learned_explain(entity=entity, as_of=timezone.localdate())
    eligibility = positive_list_eligibility(entity=entity)
    weight = draw_weights(entities=RegulatedEntity.objects.filter(pk=entity.pk), as_of=timezone.localdate())[entity.pk]
    return render(request, "registry/entity_detail.html", {
        "draw_weight": weight, "draw_weight_reason": draw_weight_reason(weight.as_dict()),
        "entity": entity, "risk": risk, "risk_reasons": [reason_label(r) for r in risk.reasons],
        "risk_class_label": RiskClass(risk.risk_class).label,
        "learned_percent": f"{100 * learned[0]:.1f}" if learned else None,
        "learned_reasons": [contribution_label(c) for c in learned[1]] if learned else [],
        "positive_eligible": eligibility.eligible,
        "positive_criteria": [criterion_label(c) for c in eligibility.criteria],
        "positive_entries": entity.positive_list_entries.all()[:5],
        "positive_open": entity.positive_list_entries.filter(status__in=OPEN_STATUSES).exists(),
        "events": [(ev, event_reference(ev)) for ev in entity.events.all()[:50]],
        "cases": entity.cases.select_related("region").all()[:50],
        "inspections": entity.inspections.all()[:20],
    })
