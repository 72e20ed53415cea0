"""The bureau's side of the enterprise service: rectification tasks in jurisdiction (issue one, accept or return
the evidence) and help visits (帮扶) recorded. Out of jurisdiction = not found."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.compliance.models import Rectification
from ecoenforce.compliance.selectors import (
    AWAITING_FIRM,
    help_visits_for_staff,
    officers_in_reach,
    rectification_get,
    rectifications_for_staff,
    require_staff,
    staff_entities,
    staff_entity_get,
)
from ecoenforce.compliance.services import help_visit_record, rectification_decide, rectification_issue
from ecoenforce.compliance.workflow import OFFICER, actions_available
from ecoenforce.core.errors import ApplicationError

ISSUE_SOURCES = [(k, v) for k, v in Rectification.Source.choices if k != Rectification.Source.SELF_INSPECTION]


def _fail(request: HttpRequest, exc: ApplicationError) -> dict:
    if exc.status in (403, 404):
        raise exc
    messages.error(request, str(exc.message))
    return exc.details or {}


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    qs = rectifications_for_staff(user=request.user, status=status)
    if q:
        qs = qs.filter(entity__name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "compliance/staff_rectification_list.html", {
        "page": page, "status": status, "q": q, "statuses": Rectification.Status.choices,
        "today": timezone.localdate()})


@login_required
def rectification_new(request: HttpRequest) -> HttpResponse:
    """Issue a task to a facility in jurisdiction; the page can be opened from a warning, a case or an inspection
    with ?entity=&source=&ref= filled in."""
    require_staff(request.user)
    data = {"entity": request.GET.get("entity", ""), "source": request.GET.get("source", ""),
            "source_ref": request.GET.get("ref", ""), "title": "", "requirements": "", "deadline": ""}
    entity = staff_entity_get(user=request.user, entity_id=data["entity"]) if data["entity"] else None
    errors: dict = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in data}
        try:
            task = rectification_issue(actor=request.user, entity_id=data["entity"], source=data["source"],
                                       title=data["title"], requirements=data["requirements"],
                                       deadline=data["deadline"], source_ref=data["source_ref"])
            messages.success(request, _("The task was sent to the firm."))
            return redirect("compliance_staff:rectification", rectification_id=task.pk)
        except ApplicationError as exc:
            errors = _fail(request, exc)
        entity = staff_entity_get(user=request.user, entity_id=data["entity"])
    entities = [] if entity else staff_entities(user=request.user)[:500]
    return render(request, "compliance/staff_rectification_form.html", {
        "data": data, "entity": entity, "entities": entities, "sources": ISSUE_SOURCES, "errors": errors},
        status=422 if errors else 200)


@login_required
def rectification_detail(request: HttpRequest, rectification_id: int) -> HttpResponse:
    require_staff(request.user)
    task = rectification_get(user=request.user, rectification_id=rectification_id)
    errors: dict = {}
    if request.method == "POST":
        try:
            accept = request.POST.get("decision") == "accept"
            rectification_decide(actor=request.user, rectification_id=task.pk, accept=accept,
                                 reason=request.POST.get("reason", ""))
            messages.success(request, _("The task was closed.") if accept else _("The task was returned to the firm."))
            return redirect("compliance_staff:rectification", rectification_id=task.pk)
        except ApplicationError as exc:
            errors = _fail(request, exc)
    return render(request, "compliance/staff_rectification_detail.html", {
        "task": task, "steps": task.steps.select_related("actor").prefetch_related("files"), "errors": errors,
        "actions": actions_available(task.status, actor=OFFICER, own=task.own),
        "overdue": task.status in AWAITING_FIRM and task.deadline < timezone.localdate()},
        status=422 if errors else 200)


@login_required
def help_visit_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(help_visits_for_staff(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "compliance/help_visits.html", {"page": page, "staff": True})


@login_required
def help_visit_new(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    data = {"entity": request.GET.get("entity", ""), "date": timezone.localdate().isoformat(), "topic": "",
            "notes": "", "follow_ups": ""}
    chosen: list[str] = []
    errors: dict = {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in data}
        chosen = request.POST.getlist("officers")
        try:
            help_visit_record(actor=request.user, entity_id=data["entity"], date=data["date"], topic=data["topic"],
                              notes=data["notes"], follow_ups=data["follow_ups"], officer_ids=chosen)
            messages.success(request, _("The help visit was recorded."))
            return redirect("compliance_staff:help_visits")
        except ApplicationError as exc:
            errors = _fail(request, exc)
    return render(request, "compliance/help_visit_form.html", {
        "data": data, "errors": errors, "entities": staff_entities(user=request.user)[:500],
        "officers": officers_in_reach(user=request.user), "chosen": chosen}, status=422 if errors else 200)
