"""Special and supervised cases: the list, a special case's page and its creation, and the case-page panel
(supervision status, reports, and the forms to supervise, report and lift)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.panels import CasePanel
from ecoenforce.cases.selectors import case_get_for_user, case_list_for_user
from ecoenforce.cases.workflow import OPEN_STAGES
from ecoenforce.core.access import STAFF_ROLES, has_role, require_role, scope_by_region
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.models import Role, User
from ecoenforce.special import services
from ecoenforce.special.models import Supervision
from ecoenforce.special.selectors import (
    special_get_for_user,
    special_list_for_user,
    supervision_list_for_user,
    supervisions_for_case,
)


def case_panel(*, user, case, **_context) -> list[CasePanel]:
    supervisions = supervisions_for_case(case=case)
    open_one = next((s for s in supervisions if s.status == Supervision.Status.OPEN), None)
    leader = has_role(user, [Role.UNIT_LEADER])
    may_open = (leader and open_one is None and case.stage in OPEN_STAGES
                and services.is_above(user.organization, case.organization))
    may_report = open_one is not None and (
        case.handlers.filter(pk=user.pk).exists() or (leader and user.organization_id == case.organization_id))
    may_lift = open_one is not None and leader and user.organization_id == open_one.supervisor_id
    specials = list(case.special_cases.all())
    if not (supervisions or may_open or specials):
        return []
    return [CasePanel("special/_case_panel.html", {
        "supervisions": supervisions, "open": open_one, "may_open": may_open, "may_report": may_report,
        "may_lift": may_lift, "specials": specials, "today": timezone.localdate(),
        "default_deadline": timezone.localdate() + dt.timedelta(days=90)}, order=30)]


@login_required
def special_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, STAFF_ROLES)
    return render(request, "special/list.html", {
        "specials": special_list_for_user(user=request.user)[:100],
        "supervisions": supervision_list_for_user(user=request.user)[:200], "today": timezone.localdate(),
    })


@login_required
def special_detail(request: HttpRequest, special_id: int) -> HttpResponse:
    require_role(request.user, STAFF_ROLES)
    special = special_get_for_user(user=request.user, special_id=special_id)
    return render(request, "special/detail.html", {
        "s": special, "cases": special.cases.select_related("entity", "region"),
        "team": special.team.select_related("organization").order_by("organization__region__code", "full_name"),
    })


@login_required
def special_new(request: HttpRequest) -> HttpResponse:
    require_role(request.user, [Role.UNIT_LEADER])
    errors = {}
    if request.method == "POST":
        try:
            special = services.special_case_create(
                actor=request.user, name=request.POST.get("name", ""), brief=request.POST.get("brief", ""),
                case_ids=request.POST.getlist("cases"), team_ids=request.POST.getlist("team"),
                head_id=request.POST.get("head", ""))
        except ApplicationError as exc:
            errors = {"message": str(exc.message), "fields": exc.details}
        else:
            messages.success(request, _("The special case was opened and its team notified."))
            return redirect("special:detail", special_id=special.pk)
    officers = scope_by_region(User.objects.filter(is_active=True, role__in=[Role.INSPECTOR, Role.UNIT_LEADER])
                               .exclude(certificate_no=""), user=request.user, field="organization__region__code")
    return render(request, "special/new.html", {
        "errors": errors, "posted": request.POST,
        "cases": case_list_for_user(user=request.user).filter(stage__in=[s.value for s in OPEN_STAGES])[:300],
        "officers": officers.select_related("organization").order_by("organization__region__code", "full_name")[:300],
    })


@login_required
def supervision_action(request: HttpRequest, case_id: int) -> HttpResponse:
    """POST from the case page's panel: open, report on, or lift a supervision."""
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "open":
                try:
                    deadline = dt.date.fromisoformat(request.POST.get("deadline", "").strip())
                except ValueError:
                    deadline = dt.date.min
                services.supervision_open(case_id=case.pk, actor=request.user,
                                          requirements=request.POST.get("requirements", ""), deadline=deadline,
                                          report_every_days=int(request.POST.get("report_every_days") or 0)
                                          if (request.POST.get("report_every_days") or "").isdigit() else 0)
            elif action == "report":
                services.supervision_report(supervision_id=request.POST.get("supervision"), actor=request.user,
                                            text=request.POST.get("text", ""))
            elif action == "lift":
                services.supervision_lift(supervision_id=request.POST.get("supervision"), actor=request.user,
                                          reason=request.POST.get("reason", ""))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Done: the supervision record was updated."))
    return redirect("cases:detail", case_id=case.pk)
