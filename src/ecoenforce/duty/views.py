"""Scorecards (unit → inspectors → records), duty requirements, and the firms' and tipsters' ratings."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.export import export_response
from ecoenforce.core.forms import form_add_errors
from ecoenforce.core.models import Role
from ecoenforce.duty.forms import RatingForm
from ecoenforce.duty.indicators import INDICATORS
from ecoenforce.duty.labels import DIMENSION_LABELS, target_text, value_text
from ecoenforce.duty.models import DutyRequirement
from ecoenforce.duty.scorecard import DIMENSIONS, Period, period_current_quarter, period_parse, period_recent
from ecoenforce.duty.selectors import (
    Card,
    card_for,
    case_to_rate,
    duty_policy_current,
    duty_requirements,
    firm_answer_for,
    indicator_records,
    scope_for_user,
    scorecard_unit,
    scorecard_units,
    tip_rated,
)
from ecoenforce.duty.services import firm_rating_submit, public_rating_submit
from ecoenforce.social.selectors import tip_progress


def _period(request: HttpRequest) -> tuple[Period, list[Period], bool]:
    """The period asked for (default: this quarter), the choices, and whether the request's text was refused."""
    today = timezone.localdate()
    text = request.GET.get("period", "")
    try:
        period = period_parse(text) if text else period_current_quarter(today)
        bad = False
    except ValueError:
        period, bad = period_current_quarter(today), True
    return period, period_recent(today), bad


def _dimension_cells(card: Card) -> list[dict]:
    # One cell per dimension, in the table's column order: a dimension the policy leaves out shows — like one
    # without records, so the cells never shift under another dimension's heading.
    by_key = {d.key: d for d in card.card.dimensions}
    return [{"key": k, "label": DIMENSION_LABELS[k], "score": by_key[k].score if k in by_key else None}
            for k in DIMENSIONS]


def _indicator_lines(card: Card) -> list[dict]:
    lines = []
    for d in card.card.dimensions:
        for i in d.indicators:
            ind = INDICATORS[i.key]
            lines.append({"dimension": DIMENSION_LABELS[d.key], "dimension_score": d.score, "key": i.key,
                          "label": ind.label, "explains": ind.explains, "value": value_text(ind.kind, i.measure),
                          "target": target_text(ind.kind, i.target, i.better), "score": i.score,
                          "weight": i.weight})
    return lines


def _context(request, period, periods, bad) -> dict:
    if bad:
        messages.warning(request, _("That period is not one we read (e.g. 2026, 2026Q4 or 2026-11): showing this "
                                    "quarter."))
    _values, version = duty_policy_current()
    return {"period": period, "periods": periods, "policy_version": version, "dimensions": DIMENSION_LABELS,
            "no_data_title": _("No records in this period: left out, not counted as zero.")}


@login_required
def scorecard_list(request: HttpRequest) -> HttpResponse:
    """Every unit in reach on the seven dimensions for the period; export as Excel or CSV."""
    require_role(request.user, STAFF_ROLES)
    period, periods, bad = _period(request)
    cards = scorecard_units(user=request.user, period=period)
    rows = [{"card": c, "cells": _dimension_cells(c)} for c in cards]
    no_records = bool(rows) and all(r["card"].card.empty for r in rows)
    if request.GET.get("export") in ("xlsx", "csv"):
        headers = [_("Unit"), _("Period"), _("Total")] + [str(DIMENSION_LABELS[k]) for k in DIMENSIONS]
        data = ([r["card"].scope.name, period.key, r["card"].card.total]
                + [next((c["score"] for c in r["cells"] if c["key"] == k), None) for k in DIMENSIONS] for r in rows)
        return export_response(fmt=request.GET["export"], basename=f"scorecards-{period.key}", headers=headers,
                               rows=data)
    return render(request, "duty/list.html", _context(request, period, periods, bad) | {"rows": rows,
                                                                                       "no_records": no_records})


@login_required
def scorecard_unit_view(request: HttpRequest, organization_id: int) -> HttpResponse:
    """A unit's card with every indicator, and its inspectors' cards."""
    require_role(request.user, STAFF_ROLES)
    period, periods, bad = _period(request)
    unit, people = scorecard_unit(user=request.user, organization_id=organization_id, period=period)
    return render(request, "duty/unit.html", _context(request, period, periods, bad) | {
        "card": unit, "lines": _indicator_lines(unit), "cells": _dimension_cells(unit),
        "people": [{"card": c, "cells": _dimension_cells(c)} for c in people],
    })


@login_required
def scorecard_person_view(request: HttpRequest, organization_id: int, user_id: int) -> HttpResponse:
    """One inspector's card."""
    require_role(request.user, STAFF_ROLES)
    period, periods, bad = _period(request)
    scope = scope_for_user(user=request.user, organization_id=organization_id, inspector_id=user_id)
    card = card_for(scope, period)
    return render(request, "duty/person.html", _context(request, period, periods, bad) | {
        "card": card, "lines": _indicator_lines(card), "cells": _dimension_cells(card),
    })


@login_required
def scorecard_records(request: HttpRequest, organization_id: int, key: str) -> HttpResponse:
    """The records behind one number: each row says whether it counted toward it."""
    require_role(request.user, STAFF_ROLES)
    period, periods, bad = _period(request)
    scope = scope_for_user(user=request.user, organization_id=organization_id,
                           inspector_id=request.GET.get("inspector"))
    indicator, rows = indicator_records(scope=scope, key=key, period=period)
    measure = indicator.summarise(rows, scope)  # the figure of the rows shown, not built a second time
    if request.GET.get("export") in ("xlsx", "csv"):
        return export_response(fmt=request.GET["export"], basename=f"scorecard-{key}-{period.key}",
                               headers=[_("Record"), _("Date"), _("Counts"), _("Detail")],
                               rows=((r.title, r.date, _("yes") if r.counts else _("no"), r.detail) for r in rows))
    return render(request, "duty/records.html", _context(request, period, periods, bad) | {
        "scope": scope, "indicator": indicator, "rows": rows, "value": value_text(indicator.kind, measure),
        "dimension": DIMENSION_LABELS[indicator.dimension],
        "back": (reverse("duty:person", args=[scope.organization.pk, scope.inspector.pk]) if scope.inspector
                 else reverse("duty:unit", args=[scope.organization.pk])) + f"?period={period.key}",
    })


@login_required
def requirement_list(request: HttpRequest) -> HttpResponse:
    """The plain-language duty requirements per level and post."""
    require_role(request.user, STAFF_ROLES)
    level, post = request.GET.get("level", ""), request.GET.get("post", "")
    return render(request, "duty/requirements.html", {
        "requirements": duty_requirements(level=level, post=post), "level": level, "post": post,
        "levels": DutyRequirement.Level.choices, "posts": DutyRequirement.Post.choices,
    })


def _rating_form(request: HttpRequest, submit) -> tuple[RatingForm, bool]:
    """Bind the form on POST and hand its values to the service; errors come back on the form, typed text kept."""
    form = RatingForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return form, False
    try:
        submit(score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
    except ValidationFailed as exc:
        form_add_errors(form, exc)
        return form, False
    messages.success(request, _("Thank you: your rating was recorded."))
    return form, True


@login_required
def rate_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """The firm rates how its closed case was handled (once)."""
    require_role(request.user, (Role.ENTERPRISE,))
    answer = firm_answer_for(user=request.user, case_id=case_id)
    if answer is not None:
        return render(request, "duty/rate_done.html", {"answer": answer})
    case = case_to_rate(user=request.user, case_id=case_id)
    form, done = _rating_form(request, partial(firm_rating_submit, user=request.user, case_id=case.pk))
    if done:
        return redirect("duty:rate_case", case_id=case.pk)
    return render(request, "duty/rate.html", {"case": case, "form": form})


def rate_tip(request: HttpRequest, code: str) -> HttpResponse:
    """A tipster rates how the tip was handled, from the tracking page (no sign-in; the code is the key)."""
    progress = tip_progress(code)  # an unknown code is not found
    form, done = _rating_form(request, partial(public_rating_submit, code=code))
    if done:
        return redirect("social:status", code=code)
    return render(request, "duty/rate_tip.html", {"code": code, "progress": progress, "form": form,
                                                  "rated": tip_rated(code)})
