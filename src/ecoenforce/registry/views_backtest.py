"""The back-test page: a leader uploads a history, the worker runs it, the page shows the table and the gains curve."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core.access import require_role
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.registry.models import RiskPolicy
from ecoenforce.registry.risk_backtest import (
    BACKTEST_ROLES,
    gains_chart,
    learned_note,
    result_rows,
    risk_backtest_get,
    risk_backtest_request,
    risk_backtests_for,
)
from ecoenforce.registry.risk_history import COLUMNS, VOCABULARY
from ecoenforce.registry.risk_services import (
    learned_in_force,
    risk_score_choose,
    risk_score_fit_latest,
    risk_score_fit_text,
)


@login_required
def risk_backtest(request: HttpRequest) -> HttpResponse:
    """Upload a history (and a kind map), choose the cut-off, horizon and budget; read the latest result."""
    jobs = risk_backtests_for(user=request.user)
    error, form = None, {"cutoff": "", "horizon": "12m", "budget": ""}
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            upload = request.FILES.get("file")
            data = upload_read(request, upload)
            kinds = request.FILES.get("map")
            map_data = upload_read(request, kinds)
            if data is None:
                raise ApplicationError(_("Choose the history file (.xlsx or .csv)."))
            try:
                cutoff = dt.date.fromisoformat(form["cutoff"])
            except ValueError:
                raise ApplicationError(_("Write the cut-off as a date (YYYY-MM-DD).")) from None
            try:
                budget = int(form["budget"]) if form["budget"] else None
            except ValueError:
                raise ApplicationError(_("Write the budget as a whole number of inspections, or leave it empty.")) \
                    from None
            job = risk_backtest_request(actor=request.user, filename=upload.name, data=data, cutoff=cutoff,
                                        horizon=form["horizon"] or "12m", budget=budget,
                                        map_filename=kinds.name if kinds else "", map_data=map_data)
            return redirect(f"{reverse('registry:risk_backtest')}?job={job.pk}")
        except ApplicationError as exc:
            error = str(exc.message)
    job_id = request.GET.get("job", "")
    job = risk_backtest_get(user=request.user, job_id=int(job_id)) if job_id.isdigit() else jobs.first()
    context = {"jobs": jobs[:10], "job": job, "error": error, "form": form, "columns": COLUMNS,
               "vocabulary": VOCABULARY, "learned": learned_in_force(), "fit": (fit := risk_score_fit_latest()),
               "fit_text": risk_score_fit_text(fit) if fit else "",
               # labels with a literal % are translated here: the template tag would look them up with "%%"
               "headers": [_("lift top 5%"), _("lift top 10%"), _("lift top 20%")],
               "budget_label": _("Budget: inspections in the horizon (empty = 10% of the entities)")}
    if job is not None and job.status == job.Status.DONE:
        context.update(rows=result_rows(job.result), chart=gains_chart(job.result), note=learned_note(job.result),
                       data=job.result)
    return render(request, "registry/risk_backtest.html", context)


@login_required
@require_POST
def risk_score_choice(request: HttpRequest) -> HttpResponse:
    """A unit leader switches the score in force between the points policy and the learned score (audited)."""
    require_role(request.user, BACKTEST_ROLES)
    try:
        outcome = risk_score_choose(actor=request.user, choice=request.POST.get("choice", ""),
                                    as_of=timezone.localdate())
        if isinstance(outcome, RiskPolicy):
            messages.success(request, outcome.source)
        else:
            messages.info(request, _("The learned score is being fitted in the background; this page shows how far "
                                     "it is. The score in force changes only when the fit succeeds."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("registry:risk_backtest")
