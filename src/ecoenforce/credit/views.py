"""Credit pages for staff: the ratings of the jurisdiction with filters and export by grade, an entity's rating with
its explanation; a unit leader computes the ratings of a period (through `credit.services`)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.export import export_response
from ecoenforce.core.models import Role
from ecoenforce.credit.labels import explanation_lines, grade_label
from ecoenforce.credit.selectors import credit_entity_for_user, credit_history, credit_ratings_for_user
from ecoenforce.credit.services import (
    credit_explain,
    credit_policy_current,
    credit_rate,
    credit_rate_all,
    credit_repair_decide,
)

COMPUTE_ROLES = (Role.UNIT_LEADER,)


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full calendar year (credit is rated yearly; Jiangsu's lists go out in January and July)."""
    return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _scale() -> list[tuple[str, str]]:
    policy, _version = credit_policy_current()
    return [(g["key"], grade_label(g["key"])) for g in policy["scale"]]


@login_required
def credit_list(request: HttpRequest) -> HttpResponse:
    """Each entity's newest rating (or a period's), by grade; export the filtered list."""
    require_role(request.user, STAFF_ROLES)
    grade, q = request.GET.get("grade", ""), request.GET.get("q", "").strip()
    period_end = _date(request.GET.get("period_end"))
    ratings = credit_ratings_for_user(user=request.user, grade=grade, period_end=period_end, q=q)
    if request.GET.get("export") in ("xlsx", "csv"):
        headers = [_("Credit code"), _("Name"), _("County"), _("Period from"), _("Period to"), _("Credit grade"),
                   _("Score"), _("Policy version"), _("Indicators without data")]
        rows = ((r.entity.uscc, r.entity.name, r.entity.region.name, r.period_start, r.period_end,
                 grade_label(r.grade), r.score, r.policy_version or "",
                 "; ".join(explanation_lines(r.explanation)["missing"])) for r in ratings)
        return export_response(fmt=request.GET["export"], basename=f"credit-{grade or 'all'}", headers=headers,
                               rows=rows)
    start, end = default_period(timezone.localdate())
    page = Paginator(ratings, 50).get_page(request.GET.get("page"))
    for r in page:
        r.grade_label = grade_label(r.grade)
    return render(request, "credit/list.html", {
        "page": page, "grade": grade, "q": q, "period_end": period_end, "grades": _scale(),
        "can_compute": has_role(request.user, COMPUTE_ROLES), "period_start_default": start,
        "period_end_default": end, "export_query": request.GET.urlencode(),
    })


@login_required
@require_POST
def credit_compute(request: HttpRequest) -> HttpResponse:
    """Rate every entity of the leader's jurisdiction for a period."""
    require_role(request.user, COMPUTE_ROLES)
    start, end = _date(request.POST.get("period_start")), _date(request.POST.get("period_end"))
    if start is None or end is None:
        messages.error(request, _("Give the period as two dates (YYYY-MM-DD)."))
        return redirect("credit:list")
    try:
        totals = credit_rate_all(actor=request.user, period_start=start, period_end=end, user_scope=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("credit:list")
    messages.success(request, _("%(n)d entities rated: %(grades)s.") % {
        "n": sum(totals.values()), "grades": ", ".join(f"{grade_label(k)} {v}" for k, v in totals.items())})
    return redirect(f"{reverse('credit:list')}?period_end={end.isoformat()}")


@login_required
def credit_entity(request: HttpRequest, entity_id: int) -> HttpResponse:
    """An entity's credit: the newest rating with every indicator explained, its history, a preview for leaders."""
    require_role(request.user, STAFF_ROLES)
    entity = credit_entity_for_user(user=request.user, entity_id=entity_id)
    if request.method == "POST":
        require_role(request.user, COMPUTE_ROLES)
        start, end = _date(request.POST.get("period_start")), _date(request.POST.get("period_end"))
        try:
            if start is None or end is None:
                raise ApplicationError(_("Give the period as two dates (YYYY-MM-DD)."))
            credit_rate(actor=request.user, entity=entity, period_start=start, period_end=end)
            messages.success(request, _("Credit rated."))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return redirect("credit:entity", entity_id=entity.pk)
    history = list(credit_history(entity=entity))
    rating = history[0] if history else None
    start, end = default_period(timezone.localdate())
    preview = None
    if rating is None:
        result, version = credit_explain(entity=entity, period_start=start, period_end=end)
        preview = {"grade": grade_label(result.grade), "score": result.score, "version": version,
                   **explanation_lines(result.as_dict())}
    for r in history:
        r.grade_label = grade_label(r.grade)
    return render(request, "credit/entity.html", {
        "entity": entity, "rating": rating, "history": history, "preview": preview,
        "repairs": list(rating.repair_requests.select_related("requested_by", "decided_by")) if rating else [],
        "lines": explanation_lines(rating.explanation) if rating else None,
        "imported": rating is not None and entity.credit_grade != rating.grade,
        "entity_grade": grade_label(entity.credit_grade) if entity.credit_grade else "",
        "can_compute": has_role(request.user, COMPUTE_ROLES), "period_start_default": start,
        "period_end_default": end,
    })


@login_required
@require_POST
def credit_repair_decide_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """A unit leader repairs or refuses (with the reason the firm reads)."""
    try:
        repair = credit_repair_decide(actor=request.user, request_id=request_id,
                                      approve=request.POST.get("decision") == "approve",
                                      note=request.POST.get("note", ""))
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
        return redirect("credit:list")
    messages.success(request, _("Decision recorded."))
    return redirect("credit:entity", entity_id=repair.rating.entity_id)


PARTNER_LIST_ROLES = (Role.UNIT_LEADER, Role.PARTNER)


@login_required
def partner_lists(request: HttpRequest) -> HttpResponse:
    """Lists by credit grade for partner departments: a unit leader addresses them, the partner downloads its own."""
    from ecoenforce.core.models import Organization
    from ecoenforce.credit.models import PartnerList
    from ecoenforce.credit.selectors import partner_lists_for_user
    from ecoenforce.credit.services import partner_list_create

    require_role(request.user, PARTNER_LIST_ROLES)
    can_create = request.user.role == Role.UNIT_LEADER or request.user.is_superuser
    form: dict = {"title": "", "partner": "", "purpose": PartnerList.Purpose.POWER_PRICE, "grades": ["red", "black"]}
    errors: dict = {}
    if request.method == "POST" and can_create:
        form = {"title": request.POST.get("title", ""), "partner": request.POST.get("partner", ""),
                "purpose": request.POST.get("purpose", ""), "grades": request.POST.getlist("grades")}
        try:
            partner_list_create(actor=request.user, partner_id=form["partner"], purpose=form["purpose"],
                                grades=form["grades"], title=form["title"])
            messages.success(request, _("The list is ready for the partner department to download."))
            return redirect("credit:partner_lists")
        except ApplicationError as exc:
            errors = getattr(exc, "details", None) or {"__all__": [str(exc.message)]}
            messages.error(request, str(exc.message))
    lists = Paginator(partner_lists_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    for plist in lists:
        plist.grade_labels = "、".join(str(grade_label(g)) for g in plist.grades)
    return render(request, "credit/partner_lists.html", {
        "page": lists, "can_create": can_create, "form": form, "errors": errors, "scale": _scale(),
        "partners": Organization.objects.filter(kind=Organization.Kind.PARTNER).order_by("name"),
        "purposes": PartnerList.Purpose.choices,
    }, status=422 if errors else 200)


@login_required
@require_POST
def partner_list_download(request: HttpRequest, list_id: int) -> HttpResponse:
    """Download a partner list as .xlsx or .csv (POST: the download is recorded)."""
    from ecoenforce.credit.services import partner_list_export

    require_role(request.user, PARTNER_LIST_ROLES)
    fmt = "csv" if request.POST.get("format") == "csv" else "xlsx"
    plist, rows = partner_list_export(actor=request.user, list_id=list_id, fmt=fmt)
    headers = [_("Credit code"), _("Name"), _("County"), _("Credit grade"), _("Period from"), _("Period to"),
               _("Score"), _("Purpose"), _("Issuing bureau")]
    purpose = plist.get_purpose_display()
    data = ((r.entity.uscc, r.entity.name, r.entity.region.name, grade_label(r.grade), r.period_start, r.period_end,
             float(r.score), purpose, plist.organization.name) for r in rows)
    return export_response(fmt=fmt, basename=f"partner-list-{plist.pk}", headers=headers, rows=data)
