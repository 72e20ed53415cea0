"""Department coordination pages: referrals out and in with their answers, joint inspections with each
department's result. Partner users see their own department's only."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.files import blob_open
from ecoenforce.core.models import Region, Role, User
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.referrals import services
from ecoenforce.referrals.models import Referral
from ecoenforce.referrals.selectors import (
    is_partner,
    joint_inspection_get_for_user,
    joint_inspections_for_user,
    partner_departments,
    referral_file_for_user,
    referral_get_for_user,
    referrals_for_user,
)
from ecoenforce.registry.models import RegulatedEntity

VIEW_ROLES = (*STAFF_ROLES, Role.PARTNER)


def _files(request: HttpRequest) -> list[bytes]:
    if getattr(request, "upload_too_large", False):
        upload_read(request, None)
    return [upload_read(request, f) for f in request.FILES.getlist("files")[:10]]


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    qs = referrals_for_user(user=request.user, direction=request.GET.get("direction", ""),
                            status=request.GET.get("status", ""), overdue=bool(request.GET.get("overdue")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "referrals/referral_list.html", {
        "page": page, "today": timezone.localdate(), "statuses": Referral.Status.choices,
        "directions": Referral.Direction.choices, "status": request.GET.get("status", ""),
        "direction": request.GET.get("direction", ""), "overdue": bool(request.GET.get("overdue")),
        "partner": is_partner(request.user)})


@login_required
def referral_new(request: HttpRequest) -> HttpResponse:
    """Staff refer a lead, case or entity to a department; a partner's user refers a matter to the bureau."""
    require_role(request.user, (*services.SEND_ROLES, Role.PARTNER))
    partner = is_partner(request.user)
    values, error = (request.POST if request.method == "POST" else request.GET), ""
    if request.method == "POST":
        region = Region.objects.filter(pk=values.get("region") if str(values.get("region")).isdigit() else None,
                                       level=Region.Level.COUNTY).first()
        try:
            referral = services.referral_send(
                actor=request.user, department_id=values.get("department"), title=values.get("title", ""),
                request=values.get("request", ""), lead_id=values.get("lead") or None, case_id=values.get("case") or None,
                entity_id=values.get("entity") or None, region=region, urgent=bool(values.get("urgent")))
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Referral %(number)s sent; the answer is due by %(date)s.")
                             % {"number": referral.number, "date": referral.deadline})
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/referral_form.html", {
        "partner": partner, "departments": partner_departments(), "values": values, "error": error,
        "counties": Region.objects.filter(level=Region.Level.COUNTY, code__startswith="32").select_related("parent")[:200]
        if partner else []}, status=422 if error else 200)


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """A referral's round trip: what was asked, by when, the answer with its files; answer or close it here."""
    require_role(request.user, VIEW_ROLES)
    referral = referral_get_for_user(user=request.user, referral_id=referral_id)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                services.referral_close(actor=request.user, referral_id=referral.pk)
                messages.success(request, _("Referral closed."))
            else:
                services.referral_answer(actor=request.user, referral_id=referral.pk, answer=request.POST.get("answer", ""),
                                         files=_files(request), make_lead=bool(request.POST.get("make_lead")))
                messages.success(request, _("Answer sent."))
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            return redirect("referrals:detail", referral_id=referral.pk)
    partner = is_partner(request.user)
    addressee_is_me = (referral.direction == Referral.Direction.OUT) == partner
    return render(request, "referrals/referral_detail.html", {
        "referral": referral, "error": error, "today": timezone.localdate(),
        "may_answer": referral.status == Referral.Status.SENT and addressee_is_me
        and (partner or has_role(request.user, services.SEND_ROLES)),
        "may_close": referral.status == Referral.Status.ANSWERED and not addressee_is_me
        and (partner or has_role(request.user, services.SEND_ROLES)),
        "is_staff": has_role(request.user, STAFF_ROLES), "values": request.POST}, status=422 if error else 200)


@login_required
def referral_file(request: HttpRequest, file_id: int) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    item = referral_file_for_user(user=request.user, file_id=file_id)
    response = FileResponse(blob_open(item.sha256), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def joint_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    page = Paginator(joint_inspections_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "referrals/joint_list.html", {
        "page": page, "may_plan": has_role(request.user, services.SEND_ROLES) and not is_partner(request.user)})


@login_required
def joint_new(request: HttpRequest) -> HttpResponse:
    require_role(request.user, services.SEND_ROLES)
    values, error = request.POST, ""
    departments = partner_departments()
    if request.method == "POST":
        try:
            planned = dt.date.fromisoformat(values["planned_on"]) if values.get("planned_on") else None
            uscc = (values.get("entity_uscc") or "").strip().upper()
            entity = RegulatedEntity.objects.filter(uscc=uscc).first() if uscc else None
            inspection = services.joint_inspection_plan(
                actor=request.user, entity_id=entity.pk if entity else values.get("entity") or None,
                title=values.get("title", ""), planned_on=planned, department_ids=request.POST.getlist("departments"),
                officer_ids=request.POST.getlist("officers"))
        except ValueError:
            error = _("Give the date as year-month-day.")
        except ApplicationError as exc:
            error = str(exc.message) if exc.message else _("No entity with this credit code in your jurisdiction.")
        else:
            messages.success(request, _("Joint inspection planned."))
            return redirect("referrals:joint_detail", inspection_id=inspection.pk)
    officers = User.objects.filter(is_active=True, organization__in=[request.user.organization, *departments]) \
        .exclude(role__in=(Role.ENTERPRISE, Role.GRID_MEMBER, Role.THIRD_PARTY)).select_related("organization") \
        .order_by("organization__name", "full_name")[:300]
    return render(request, "referrals/joint_form.html", {
        "departments": departments, "officers": officers, "values": values, "error": error,
        "chosen_departments": request.POST.getlist("departments"), "chosen_officers": request.POST.getlist("officers")},
        status=422 if error else 200)


@login_required
def joint_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    inspection = joint_inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    error = ""
    if request.method == "POST":
        try:
            services.joint_result_record(actor=request.user, inspection_id=inspection.pk,
                                         findings=request.POST.get("findings", ""),
                                         violation=request.POST.get("violation") == "yes")
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("Result recorded; it counts as an inspection in the entity's history."))
            return redirect("referrals:joint_detail", inspection_id=inspection.pk)
    org = request.user.organization_id
    recorded = {r.department_id for r in inspection.results.all()}
    return render(request, "referrals/joint_detail.html", {
        "inspection": inspection, "error": error, "results": inspection.results.select_related("department", "recorded_by"),
        "may_record": org in {d.pk for d in inspection.departments.all()} and org not in recorded
        and inspection.officers.filter(pk=request.user.pk).exists()}, status=422 if error else 200)
