"""Positive-list pages: the list by status, an entry with its decision, applying, the enterprise's own page, filing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ApplicationError, PermissionDenied
from ecoenforce.core.export import export_response
from ecoenforce.core.models import Role
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.registry.positive.criteria import Criterion
from ecoenforce.registry.positive.holds import entity_open_matters
from ecoenforce.registry.positive.labels import criterion_label
from ecoenforce.registry.positive.models import OPEN_STATUSES, PositiveListEntry
from ecoenforce.registry.positive.selectors import (
    positive_entries_for_user,
    positive_entry_get_for_user,
    positive_filing_entries,
)
from ecoenforce.registry.positive.services import (
    DECIDE_ROLES,
    positive_list_apply,
    positive_list_decide,
    positive_list_eligibility,
    positive_list_removal_decide,
)


def _filing(request: HttpRequest) -> HttpResponse:
    require_role(request.user, DECIDE_ROLES)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
        quarter = int(request.GET.get("quarter") or (today.month - 1) // 3 + 1)
        if quarter not in (1, 2, 3, 4):
            raise ValueError
    except ValueError:
        messages.error(request, _("Choose a year and a quarter (1–4)."))
        return redirect("registry:positive_list")
    headers = [_("Credit code"), _("Name"), _("County"), _("Industry"), _("Permit class"), _("Status"),
               _("Listed from"), _("Valid until"), _("Removed on"), _("Removal reason")]
    rows = ((e.entity.uscc, e.entity.name, e.entity.region.name, str(e.entity.industry),
             e.entity.get_permit_class_display(), e.get_status_display(), e.valid_from, e.valid_until,
             timezone.localtime(e.removed_at).date() if e.removed_at else "", e.removal_reason)
            for e in positive_filing_entries(user=request.user, year=year, quarter=quarter))
    return export_response(fmt=request.GET.get("export", "xlsx"), basename=f"positive-list-{year}Q{quarter}",
                           headers=headers, rows=rows)


@login_required
def positive_list(request: HttpRequest) -> HttpResponse:
    """Applications and listings of the jurisdiction, by status; leaders export the quarterly filing."""
    require_role(request.user, STAFF_ROLES)
    if request.GET.get("export") in ("xlsx", "csv"):
        return _filing(request)
    status = request.GET.get("status", "")
    entries = positive_entries_for_user(user=request.user, status=status)
    today = timezone.localdate()
    return render(request, "registry/positive_list.html", {
        "page": Paginator(entries, 50).get_page(request.GET.get("page")), "status": status,
        "statuses": PositiveListEntry.Status.choices, "can_decide": has_role(request.user, DECIDE_ROLES),
        "year": today.year, "quarter": (today.month - 1) // 3 + 1,
    })


@login_required
def positive_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """One application or listing: the criteria as evaluated, the decision, a proposed removal."""
    require_role(request.user, STAFF_ROLES)
    entry = positive_entry_get_for_user(user=request.user, entry_id=entry_id)
    snapshot = [criterion_label(Criterion(**c)) for c in entry.criteria]
    now = [criterion_label(c) for c in positive_list_eligibility(entity=entry.entity).criteria]
    return render(request, "registry/positive_entry.html", {
        "entry": entry, "snapshot": snapshot, "now": now, "can_decide": has_role(request.user, DECIDE_ROLES),
    })


@login_required
@require_POST
def positive_decide(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Approve or reject an application (unit leader)."""
    return _act(request, entry_id, lambda: positive_list_decide(
        actor=request.user, entry_id=entry_id, approve=request.POST.get("decision") == "approve",
        note=request.POST.get("note", "")))


@login_required
@require_POST
def positive_removal(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Confirm a removal or keep the listing (unit leader)."""
    return _act(request, entry_id, lambda: positive_list_removal_decide(
        actor=request.user, entry_id=entry_id, remove=request.POST.get("decision") == "remove",
        note=request.POST.get("note", "")))


def _act(request: HttpRequest, entry_id: int, action) -> HttpResponse:
    require_role(request.user, DECIDE_ROLES)
    try:
        entry = action()
        messages.success(request, _("Saved: %(status)s.") % {"status": entry.get_status_display()})
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    return redirect("registry:positive_entry", entry_id=entry_id)


@login_required
@require_POST
def positive_apply(request: HttpRequest, entity_id: int) -> HttpResponse:
    """Apply for the list: the enterprise for its own facility, or staff on its behalf."""
    try:
        entry, created = positive_list_apply(actor=request.user, entity_id=entity_id, note=request.POST.get("note", ""))
        if created:
            messages.success(request, _("Application filed; a unit leader decides on it."))
        else:
            messages.info(request, _("An application or listing is already open: %(status)s.")
                          % {"status": entry.get_status_display()})
    except ApplicationError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, str(exc.message))
    if request.user.role == Role.ENTERPRISE:
        return redirect("registry:my_facilities")
    return redirect("registry:entity_detail", entity_id=entity_id)


@login_required
def my_facilities(request: HttpRequest) -> HttpResponse:
    """The enterprise user's own facilities: the electronic notices awaiting an explanation and the open warnings,
    positive-list eligibility criterion by criterion, and the application."""
    if not (request.user.role in (Role.ENTERPRISE, Role.ADMINISTRATOR) or request.user.is_superuser):
        raise PermissionDenied()
    facilities = []
    for entity in RegulatedEntity.objects.select_related("industry", "region").filter(
            enterprise_accounts__user=request.user):
        matters = entity_open_matters(entity)
        eligibility = positive_list_eligibility(entity=entity, matters=matters)
        facilities.append({
            "entity": entity, "eligible": eligibility.eligible, "matters": matters,
            "criteria": [criterion_label(c) for c in eligibility.criteria],
            "entries": entity.positive_list_entries.all()[:5],
            "open": entity.positive_list_entries.filter(status__in=OPEN_STATUSES).exists(),
        })
    return render(request, "registry/my_facilities.html", {"facilities": facilities, "today": timezone.localdate()})
