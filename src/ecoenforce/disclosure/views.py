"""The public portal (公示): no sign-in, only published, masked information."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ecoenforce.core.errors import NotFound
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


def rounds(request: HttpRequest) -> HttpResponse:
    """Double-random rounds: commitments before the draw, seeds, round files and every result after it."""
    from django.core.paginator import Paginator

    from ecoenforce.planning.selectors import public_rounds

    return render(request, "disclosure/rounds.html", {
        "page": Paginator(public_rounds(), 25).get_page(request.GET.get("page")),
    })


def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """One round: the commitment and frozen pools; once published, the seed, the file and the results."""
    from ecoenforce.planning.models import DrawRound
    from ecoenforce.planning.rounds import round_summary, weighted_page

    round_ = _public_round(round_id)
    results = None
    if round_.status == round_.Status.PUBLISHED:
        results = (round_.tasks.select_related("entity__region", "inspection", "lead__case")
                   .order_by("risk_class", "rank_in_class"))
    return render(request, "disclosure/round_detail.html", {
        "round": round_, "summary": round_summary(round_), "results": results,
        # Withdrawals and corrections are part of the public record: never a silent redraw or edit.
        "corrections": round_.corrections.all(), "replaced_by": DrawRound.objects.filter(replaces=round_).first(),
        # A risk-proportional round publishes each entity's probability with the commitment; which were drawn, only
        # with the results.
        "weighted_page": weighted_page(round_, request.GET.get("pool_page"),
                                       show_drawn=round_.status == round_.Status.PUBLISHED),
        "show_drawn": True, "public": True,
    })


def round_pools(request: HttpRequest, round_id: int) -> HttpResponse:
    """The frozen pools and commitment, published before the draw."""
    from ecoenforce.planning.downloads import json_download, pools_document

    round_ = _public_round(round_id)
    return json_download(pools_document(round_), f"round-{round_.round_id}-pools.json")


def round_file(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round file (seed revealed) that `ecoenforce draw verify` re-computes; only once published."""
    from ecoenforce.planning.downloads import json_download

    round_ = _public_round(round_id)
    if round_.round_file is None:
        raise Http404
    return json_download(round_.round_file, f"round-{round_.round_id}.json")


def _public_round(round_id: int):
    from ecoenforce.planning.models import DrawRound

    round_ = DrawRound.objects.select_related("organization__region", "replaces").filter(pk=round_id).first()
    if round_ is None:
        raise Http404
    return round_


def facilities(request: HttpRequest) -> HttpResponse:
    """Find a facility by name or credit code (the open-data downloads are offered here too)."""
    from ecoenforce.disclosure.selectors import public_facility_page

    q = request.GET.get("q", "").strip()[:100]
    return render(request, "disclosure/facilities.html", {
        "page": public_facility_page(q=q, page=request.GET.get("page")), "q": q,
    })


def facility_detail(request: HttpRequest, facility_id: int) -> HttpResponse:
    """A facility's compliance status over the last 12 quarters: only published or by-law public records."""
    from django.utils import timezone

    from ecoenforce.disclosure.selectors import public_facility_history

    try:
        history = public_facility_history(facility_id=facility_id, today=timezone.localdate())
    except NotFound:
        raise Http404 from None
    return render(request, "disclosure/facility_detail.html", {"h": history})


def decisions_csv(request: HttpRequest) -> HttpResponse:
    """Open data: every published penalty decision, masked, as CSV (no cell is a formula)."""
    from django.utils.translation import gettext as _

    from ecoenforce.core.export import export_response
    from ecoenforce.disclosure.selectors import public_decision_rows

    headers = [_("Decision number"), _("Entity"), _("Credit code"), _("County"), _("Matter"), _("Legal basis"),
               _("Fine (yuan)"), _("Decided on"), _("Decision text")]
    return export_response(fmt="csv", basename="public-decisions", headers=headers, rows=public_decision_rows())


def round_results_csv(request: HttpRequest) -> HttpResponse:
    """Open data: every result of every published double-random round, masked, as CSV (no cell is a formula)."""
    from django.utils.translation import gettext as _

    from ecoenforce.core.export import export_response
    from ecoenforce.disclosure.selectors import public_round_result_rows

    headers = [_("Round number"), _("Round"), _("Bureau"), _("Period from"), _("Period to"), _("Entity"),
               _("Credit code"), _("County"), _("Class"), _("Inspected on"), _("Result")]
    return export_response(fmt="csv", basename="public-round-results", headers=headers,
                           rows=public_round_result_rows())


def _typical_public(t) -> dict:
    """A typical case as the public reads it: redacted when curated, and every free text masked again here."""
    from ecoenforce.casebook.selectors import industry_name
    from ecoenforce.core.masking import mask_free_text

    return {"id": t.pk, "title": mask_free_text(t.title), "facts": mask_free_text(t.facts_summary),
            "violation": t.violation, "matter_code": t.matter_code, "legal_basis": t.legal_basis,
            "outcome": mask_free_text(t.outcome), "fine": t.fine_amount, "industry": industry_name(t.industry),
            "region": t.region.name, "tags": t.tags, "decided_on": t.decided_on, "published_at": t.published_at}


def typical_cases(request: HttpRequest) -> HttpResponse:
    """The typical-case library (典型案例): closed cases retold, redacted, tagged."""
    from ecoenforce.casebook.selectors import typical_public_page

    q, tag = request.GET.get("q", "").strip(), request.GET.get("tag", "").strip()
    page = typical_public_page(q=q, tag=tag, page=request.GET.get("page"))
    page.object_list = [_typical_public(t) for t in page.object_list]
    return render(request, "disclosure/typical_cases.html", {"page": page, "q": q, "tag": tag})


def typical_detail(request: HttpRequest, typical_id: int) -> HttpResponse:
    """One typical case."""
    from ecoenforce.casebook.selectors import typical_public_get

    try:
        typical = typical_public_get(typical_id=typical_id)
    except NotFound:
        raise Http404 from None
    return render(request, "disclosure/typical_detail.html", {"t": _typical_public(typical)})
def officers(request: HttpRequest) -> HttpResponse:
    """Certified enforcement officers: check the certificate an officer shows you."""
    from ecoenforce.disclosure.selectors import public_officers, public_units

    q, unit = request.GET.get("q", "").strip(), request.GET.get("unit", "").strip()
    return render(request, "disclosure/officers.html", {
        "officers": public_officers(q=q, unit=unit), "units": public_units(), "q": q, "unit": unit,
    })


def procedure(request: HttpRequest) -> HttpResponse:
    """The administrative penalty procedure step by step, with the time limits the platform keeps."""
    from ecoenforce.disclosure.selectors import public_procedure

    return render(request, "disclosure/procedure.html", {"steps": public_procedure()})
