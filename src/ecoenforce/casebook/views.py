"""Typical-case pages for staff (curate from a closed case, withdraw a revoked decision) and the case-page panel
(similar cases beside the decide form; the curate and withdraw forms for a leader)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.casebook import services
from ecoenforce.casebook.models import DecisionWithdrawal, TypicalCase
from ecoenforce.casebook.selectors import similar_cases
from ecoenforce.cases.panels import CasePanel
from ecoenforce.cases.selectors import case_get_for_user
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.models import Role


def case_panel(*, user, case, deciding: bool, matter_code: str = "", **_context) -> list[CasePanel]:
    panels = []
    if deciding:
        panels.append(CasePanel("casebook/_similar.html", {
            "similar": similar_cases(user=user, case=case, matter_code=matter_code)}, order=5))
    leader = has_role(user, [Role.UNIT_LEADER])
    typical = TypicalCase.objects.filter(case=case).first()
    withdrawal = DecisionWithdrawal.objects.filter(case=case).first()
    curate = (leader and typical is None and withdrawal is None and case.stage == Stage.CLOSED
              and case.outcome in ("penalty", "no_penalty"))
    withdraw = leader and case.published_at is not None
    if typical or withdrawal or curate or withdraw:
        panels.append(CasePanel("casebook/_case_panel.html", {
            "typical": typical, "withdrawal": withdrawal, "curate": curate, "withdraw": withdraw,
            "today": timezone.localdate()}, order=20))
    return panels


@login_required
def curate(request: HttpRequest, case_id: int) -> HttpResponse:
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    if request.method == "POST":
        try:
            services.typical_case_create(case_id=case.pk, actor=request.user, title=request.POST.get("title", ""),
                                         facts_summary=request.POST.get("facts_summary", ""),
                                         outcome=request.POST.get("outcome", ""), tags=request.POST.get("tags", ""))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The case is published in the typical-case library, redacted."))
    return redirect("cases:detail", case_id=case.pk)


@login_required
def withdraw(request: HttpRequest, case_id: int) -> HttpResponse:
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    if request.method == "POST":
        try:
            revoked_on = dt.date.fromisoformat(request.POST.get("revoked_on", "").strip())
        except ValueError:
            messages.error(request, _("Enter the day the decision was revoked or changed (YYYY-MM-DD)."))
            return redirect("cases:detail", case_id=case.pk)
        try:
            services.decision_withdraw(case_id=case.pk, actor=request.user, revoked_on=revoked_on,
                                       reason=request.POST.get("reason", ""))
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The decision was withdrawn from the public portal."))
    return redirect("cases:detail", case_id=case.pk)
