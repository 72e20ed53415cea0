"""Dashboard page: open leads, open cases by stage, overdue deadlines, detection rate and the efficiency view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecoenforce.cases.models import STAGE_LABELS
from ecoenforce.cases.selectors import case_stats_for_user
from ecoenforce.cases.workflow import OPEN_STAGES, Stage
from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.inspections.selectors import inspection_stats_for_user
from ecoenforce.leads.models import Lead
from ecoenforce.leads.selectors import lead_stats_for_user
from ecoenforce.planning.selectors import efficiency_for_user
from ecoenforce.referrals.selectors import referral_stats_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The first efficiency figures for the user's jurisdiction."""
    require_role(request.user, STAFF_ROLES)
    cases = case_stats_for_user(user=request.user)
    leads = lead_stats_for_user(user=request.user)
    inspections = inspection_stats_for_user(user=request.user)
    efficiency = efficiency_for_user(user=request.user)
    open_stages = [s for s in Stage if s in OPEN_STAGES]
    chart = {
        "stages": [str(STAGE_LABELS[s]) for s in open_stages],
        "counts": [cases["by_stage"][s.value] for s in open_stages],
        "sources": [str(Lead.Source(k).label) for k in leads["open_by_source"]],
        "source_counts": list(leads["open_by_source"].values()),
        "months": inspections["months"],
        "rates": inspections["rates"],
        "class_labels": [r["label"] for r in efficiency["detection"]],
        "class_rates": [r["rate"] or 0 for r in efficiency["detection"]],
    }
    return render(request, "dashboard/home.html", {
        "cases": cases, "leads": leads, "inspections": inspections, "chart": chart,
        "efficiency": efficiency, "referrals": referral_stats_for_user(user=request.user),
    })
