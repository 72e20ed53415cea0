"""Assistance pages: assignments (unit leaders engage a contractor; third parties see their own and report findings
on them), findings with their outcome, and the quality audit per organization and person."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.assist import services
from ecoenforce.assist.models import Assignment
from ecoenforce.assist.selectors import (
    assignment_entities,
    assignment_get_for_user,
    assignments_for_user,
    finding_file_for_user,
    finding_get_for_user,
    finding_outcome,
    finding_quality,
    findings_for_user,
)
from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.files import blob_open
from ecoenforce.core.models import Organization, Region, Role, User
from ecoenforce.core.tables.uploads import upload_read

VIEW_ROLES = (*STAFF_ROLES, Role.THIRD_PARTY)


def outcome_labels() -> dict[str, str]:
    return {"confirmed": _("Confirmed"), "false": _("False report"), "other": _("Closed otherwise"),
            "pending": _("Being verified")}


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    page = Paginator(assignments_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "assist/assignment_list.html", {
        "page": page, "today": timezone.localdate(), "may_assign": has_role(request.user, services.ASSIGN_ROLES),
        "is_staff": has_role(request.user, STAFF_ROLES)})


@login_required
def assignment_new(request: HttpRequest) -> HttpResponse:
    require_role(request.user, services.ASSIGN_ROLES)
    prefix = request.user.jurisdiction_prefix or ""
    regions = Region.objects.filter(level__in=(Region.Level.COUNTY, Region.Level.CITY), code__startswith=prefix[:4]) \
        .select_related("parent")
    contractors = Organization.objects.filter(kind=Organization.Kind.CONTRACTOR).order_by("name")
    staff = User.objects.filter(role=Role.THIRD_PARTY, is_active=True, organization__in=contractors) \
        .select_related("organization").order_by("organization__name", "full_name")
    values, error = request.POST, ""
    if request.method == "POST":
        try:
            def day(name):
                return dt.date.fromisoformat(values[name]) if values.get(name) else None
            region = regions.filter(pk=values.get("region") if str(values.get("region")).isdigit() else None).first()
            assignment = services.assignment_create(
                actor=request.user, organization_id=values.get("organization"), kind=values.get("kind", ""),
                title=values.get("title", ""), region=region, starts_on=day("starts_on"), ends_on=day("ends_on"),
                staff_ids=request.POST.getlist("staff"), entity_ids=request.POST.getlist("entities"),
                devices=values.get("devices", "").replace(",", " ").split(), note=values.get("note", ""))
        except ValueError:
            error = _("Give the dates as year-month-day.")
        except ValidationFailed as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("assist:detail", assignment_id=assignment.pk)
    return render(request, "assist/assignment_form.html", {
        "regions": regions, "contractors": contractors, "staff": staff, "kinds": Assignment.Kind.choices,
        "values": values, "error": error, "chosen": request.POST.getlist("staff")}, status=400 if error else 200)


@login_required
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """An assignment: its scope and staff, its findings; a third party reports a finding here."""
    require_role(request.user, VIEW_ROLES)
    assignment = assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    is_third_party = request.user.role == Role.THIRD_PARTY
    error, status = "", 200
    if request.method == "POST" and is_third_party:
        observed = None
        try:
            if request.POST.get("observed_at"):
                observed = timezone.make_aware(dt.datetime.fromisoformat(request.POST["observed_at"]))
            if getattr(request, "upload_too_large", False):
                upload_read(request, None)
            finding = services.finding_report(
                actor=request.user, assignment_id=assignment.pk, token=request.POST.get("token", ""),
                title=request.POST.get("title", ""), description=request.POST.get("description", ""),
                entity_id=request.POST.get("entity") or None, device_mn=request.POST.get("device", ""),
                observed_at=observed, files=[upload_read(request, f) for f in request.FILES.getlist("files")[:10]])
        except ValueError:
            error, status = _("Give the time observed as year-month-day hour:minute."), 422
        except ValidationFailed as exc:
            error, status = str(exc.message), 422
        else:
            messages.success(request, _("Reported as lead %(number)s: an officer will verify it.")
                             % {"number": finding.lead.number})
            return redirect("assist:detail", assignment_id=assignment.pk)
    findings = findings_for_user(user=request.user).filter(assignment=assignment)[:50]
    labels = outcome_labels()
    return render(request, "assist/assignment_detail.html", {
        "assignment": assignment, "is_third_party": is_third_party, "error": error, "values": request.POST,
        "token": request.POST.get("token") or uuid.uuid4().hex,
        "entities": assignment_entities(assignment)[:500] if is_third_party else assignment.entities.all(),
        "today": timezone.localdate(), "is_staff": has_role(request.user, STAFF_ROLES),
        "findings": [(f, labels[finding_outcome(f)]) for f in findings]}, status=status)


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    """Findings with their outcome; the quality audit's figures drill down to here."""
    require_role(request.user, VIEW_ROLES)
    qs = findings_for_user(user=request.user, organization=request.GET.get("organization", ""),
                           staff=request.GET.get("staff", ""), outcome=request.GET.get("outcome", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    labels = outcome_labels()
    return render(request, "assist/finding_list.html", {
        "page": page, "rows": [(f, labels[finding_outcome(f)]) for f in page.object_list], "outcomes": labels,
        "outcome": request.GET.get("outcome", ""), "is_staff": has_role(request.user, STAFF_ROLES)})


@login_required
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    finding = finding_get_for_user(user=request.user, finding_id=finding_id)
    return render(request, "assist/finding_detail.html", {
        "finding": finding, "outcome": outcome_labels()[finding_outcome(finding)],
        "is_staff": has_role(request.user, STAFF_ROLES)})


@login_required
def finding_file(request: HttpRequest, file_id: int) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    item = finding_file_for_user(user=request.user, file_id=file_id)
    response = FileResponse(blob_open(item.sha256), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    """Confirmed and false rates of the contractors' findings, per organization and person."""
    require_role(request.user, STAFF_ROLES)
    return render(request, "assist/quality.html", {"rows": finding_quality(user=request.user)})
