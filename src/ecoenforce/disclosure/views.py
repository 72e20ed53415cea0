"""The public portal (公示): no sign-in, only published, masked information."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecoenforce.disclosure.selectors import public_decision_get, public_decision_page, public_regions


def home(request: HttpRequest) -> HttpResponse:
    """Published penalty decisions, searchable by entity, credit code or number."""
    q, region = request.GET.get("q", "").strip(), request.GET.get("region", "").strip()
    return render(request, "disclosure/home.html", {
        "page": public_decision_page(q=q, region=region, page=request.GET.get("page")), "q": q, "region": region,
        "regions": public_regions(),
    })


def decision_detail(request: HttpRequest, decision_id: int) -> HttpResponse:
    """One published decision."""
    return render(request, "disclosure/decision_detail.html", {"d": public_decision_get(decision_id=decision_id)})


def catalogue(request: HttpRequest) -> HttpResponse:
    """The current enforcement-item catalogue, searchable by code, name, law or text."""
    from ecoenforce.disclosure.selectors import public_catalogue_page
    from ecoenforce.registry.catalogue.models import MatterKind

    q, kind = request.GET.get("q", "").strip(), request.GET.get("kind", "").strip()
    version, page = public_catalogue_page(q=q, kind=kind, page=request.GET.get("page"))
    return render(request, "disclosure/catalogue.html", {
        "version": version, "page": page, "q": q, "kind": kind, "kinds": MatterKind.choices,
    })
