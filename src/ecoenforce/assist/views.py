"""Assistance pages: assignments (unit leaders engage a contractor; third parties see their own and report findings
on them), findings with their outcome, and the quality audit per organization and person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.assist import services
from ecoenforce.assist.forms import AssignmentForm, FindingForm
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
from ecoenforce.core.forms import form_add_errors
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
    form = AssignmentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = regions.filter(pk=data["region"] if data["region"].isdigit() else None).first()
        try:
            assignment = services.assignment_create(
                actor=request.user, organization_id=data["organization"], kind=data["kind"], title=data["title"],
                region=region, starts_on=data["starts_on"], ends_on=data["ends_on"], staff_ids=data["staff"],
                entity_ids=data["entities"], devices=data["devices"], note=data["note"])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("assist:detail", assignment_id=assignment.pk)
    return render(request, "assist/assignment_form.html", {
        "regions": regions, "contractors": contractors, "staff": staff, "kinds": Assignment.Kind.choices,
        "form": form, "chosen": form["staff"].value() or []}, status=400 if form.errors else 200)


@login_required
def assignment_detail(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """An assignment: its scope and staff, its findings; a third party reports a finding here."""
    require_role(request.user, VIEW_ROLES)
    assignment = assignment_get_for_user(user=request.user, assignment_id=assignment_id)
    is_third_party = request.user.role == Role.THIRD_PARTY
    form = FindingForm(request.POST if request.method == "POST" and is_third_party else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if getattr(request, "upload_too_large", False):
                upload_read(request, None)
            finding = services.finding_report(
                actor=request.user, assignment_id=assignment.pk, token=data["token"], title=data["title"],
                description=data["description"], entity_id=data["entity"] or None, device_mn=data["device"],
                observed_at=data["observed_at"],
                files=[upload_read(request, f) for f in request.FILES.getlist("files")[:10]])
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Reported as lead %(number)s: an officer will verify it.")
                             % {"number": finding.lead.number})
            return redirect("assist:detail", assignment_id=assignment.pk)
    findings = findings_for_user(user=request.user).filter(assignment=assignment)[:50]
    labels = outcome_labels()
    return render(request, "assist/assignment_detail.html", {
        "assignment": assignment, "is_third_party": is_third_party, "form": form,
        "entities": assignment_entities(assignment)[:500] if is_third_party else assignment.entities.all(),
        "today": timezone.localdate(), "is_staff": has_role(request.user, STAFF_ROLES),
        "findings": [(f, labels[finding_outcome(f)]) for f in findings]}, status=422 if form.errors else 200)


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
