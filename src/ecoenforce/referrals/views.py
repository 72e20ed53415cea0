"""Department coordination pages: referrals out and in with their answers, joint inspections with each
department's result. Partner users see their own department's only."""

from __future__ import annotations

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
from ecoenforce.core.forms import form_add_errors
from ecoenforce.core.models import Region, Role, User
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.referrals import services
from ecoenforce.referrals.forms import JointInspectionForm, JointResultForm, ReferralAnswerForm, ReferralForm
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
    # a referral started from a lead or case page comes with it in the query string
    form = ReferralForm(request.POST if request.method == "POST" else None,
                        initial={k: request.GET.get(k, "") for k in ("lead", "case", "entity")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = Region.objects.filter(pk=data["region"] if data["region"].isdigit() else None,
                                       level=Region.Level.COUNTY).first()
        try:
            referral = services.referral_send(
                actor=request.user, department_id=data["department"], title=data["title"], request=data["request"],
                lead_id=data["lead"] or None, case_id=data["case"] or None, entity_id=data["entity"] or None,
                region=region, urgent=data["urgent"])
        except ApplicationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Referral %(number)s sent; the answer is due by %(date)s.")
                             % {"number": referral.number, "date": referral.deadline})
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(request, "referrals/referral_form.html", {
        "partner": partner, "departments": partner_departments(), "form": form,
        "counties": Region.objects.filter(level=Region.Level.COUNTY, code__startswith="32").select_related("parent")[:200]
        if partner else []}, status=422 if form.errors else 200)


@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """A referral's round trip: what was asked, by when, the answer with its files; answer or close it here."""
    require_role(request.user, VIEW_ROLES)
    referral = referral_get_for_user(user=request.user, referral_id=referral_id)
    form = ReferralAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["action"] == "close":  # the close button's form carries nothing else
                services.referral_close(actor=request.user, referral_id=referral.pk)
                messages.success(request, _("Referral closed."))
            else:
                services.referral_answer(actor=request.user, referral_id=referral.pk, answer=form.cleaned_data["answer"],
                                         files=_files(request), make_lead=form.cleaned_data["make_lead"])
                messages.success(request, _("Answer sent."))
        except ApplicationError as exc:
            form_add_errors(form, exc)
        else:
            return redirect("referrals:detail", referral_id=referral.pk)
    partner = is_partner(request.user)
    addressee_is_me = (referral.direction == Referral.Direction.OUT) == partner
    return render(request, "referrals/referral_detail.html", {
        "referral": referral, "form": form, "today": timezone.localdate(),
        "may_answer": referral.status == Referral.Status.SENT and addressee_is_me
        and (partner or has_role(request.user, services.SEND_ROLES)),
        "may_close": referral.status == Referral.Status.ANSWERED and not addressee_is_me
        and (partner or has_role(request.user, services.SEND_ROLES)),
        "is_staff": has_role(request.user, STAFF_ROLES)}, status=422 if form.errors else 200)


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
    departments = partner_departments()
    form = JointInspectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entity = RegulatedEntity.objects.filter(uscc=data["entity_uscc"]).first() if data["entity_uscc"] else None
        try:
            inspection = services.joint_inspection_plan(
                actor=request.user, entity_id=entity.pk if entity else data["entity"] or None, title=data["title"],
                planned_on=data["planned_on"], department_ids=data["departments"], officer_ids=data["officers"])
        except ApplicationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Joint inspection planned."))
            return redirect("referrals:joint_detail", inspection_id=inspection.pk)
    officers = User.objects.filter(is_active=True, organization__in=[request.user.organization, *departments]) \
        .exclude(role__in=(Role.ENTERPRISE, Role.GRID_MEMBER, Role.THIRD_PARTY)).select_related("organization") \
        .order_by("organization__name", "full_name")[:300]
    return render(request, "referrals/joint_form.html", {
        "departments": departments, "officers": officers, "form": form,
        "chosen_departments": form["departments"].value() or [], "chosen_officers": form["officers"].value() or []},
        status=422 if form.errors else 200)


@login_required
def joint_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    require_role(request.user, VIEW_ROLES)
    inspection = joint_inspection_get_for_user(user=request.user, inspection_id=inspection_id)
    form = JointResultForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.joint_result_record(actor=request.user, inspection_id=inspection.pk,
                                         findings=form.cleaned_data["findings"],
                                         violation=form.cleaned_data["violation"] == "yes")
        except ApplicationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Result recorded; it counts as an inspection in the entity's history."))
            return redirect("referrals:joint_detail", inspection_id=inspection.pk)
    org = request.user.organization_id
    recorded = {r.department_id for r in inspection.results.all()}
    return render(request, "referrals/joint_detail.html", {
        "inspection": inspection, "form": form,
        "results": inspection.results.select_related("department", "recorded_by"),
        "may_record": org in {d.pk for d in inspection.departments.all()} and org not in recorded
        and inspection.officers.filter(pk=request.user.pk).exists()}, status=422 if form.errors else 200)
