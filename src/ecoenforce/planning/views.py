"""Planning pages: annual plans with their checks, double-random rounds, and inspectors' task lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ApplicationError, NotFound, ValidationFailed
from ecoenforce.core.export import export_response
from ecoenforce.core.filters import Column, export_list
from ecoenforce.planning import returns
from ecoenforce.planning import rounds as round_services
from ecoenforce.planning import services as plan_services
from ecoenforce.planning import tasks as task_services
from ecoenforce.planning.capacity import CLASSES, suggest_routine
from ecoenforce.planning.downloads import json_download, pools_document
from ecoenforce.planning.labels import class_label
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask, PlanLine
from ecoenforce.planning.selectors import RoundFilters, plan_actuals, plans_for_user, rounds_for_user
from ecoenforce.registry.models import RiskClass

MONTHS = range(1, 13)


def _error(request: HttpRequest, exc: ApplicationError) -> dict:
    """Show a refusal as a message; keep the field errors for the form."""
    if exc.status in (403, 404):
        raise exc
    messages.error(request, str(exc.message))
    return exc.details


# --- annual plans -------------------------------------------------------------------------------------

@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """Plans of the jurisdiction; a unit leader starts a year's plan."""
    require_role(request.user, STAFF_ROLES)
    if request.method == "POST":
        try:
            plan = plan_services.plan_create(actor=request.user, year=request.POST.get("year"))
            return redirect("planning:plan_detail", plan_id=plan.pk)
        except ApplicationError as exc:
            _error(request, exc)
    return render(request, "planning/plan_list.html", {
        "plans": plans_for_user(user=request.user), "can_plan": has_role(request.user, plan_services.PLAN_ROLES),
        "year": timezone.localdate().year,
    })


def _grid(plan: InspectionPlan, posted: dict | None) -> list[dict]:
    values = {(ln.month, ln.risk_class): ln.planned for ln in plan.lines.all() if ln.kind == PlanLine.Kind.ROUTINE}
    rows = []
    for m in MONTHS:
        cells = []
        for c in CLASSES:
            name = f"r_{m}_{c}"
            value = posted.get(name, "") if posted is not None else values.get((m, c), 0)
            cells.append({"name": name, "value": value, "class": c})
        rows.append({"month": m, "cells": cells})
    return rows


def _plan_page(request: HttpRequest, plan: InspectionPlan, *, posted: dict | None = None,
               errors: dict | None = None, campaign_form: dict | None = None) -> HttpResponse:
    check = plan_services.plan_check(plan)
    planned_by_class = {c: 0 for c in CLASSES}
    for ln in plan.lines.all():
        planned_by_class[ln.risk_class] += ln.planned
    actuals = plan_actuals(plan)
    coverage = [{"key": c, "class": class_label(c), "planned": planned_by_class[c], "routine": actuals[c]["routine"],
                 "special": actuals[c]["special"], "case": actuals[c]["case"],
                 "pct": round(100 * (actuals[c]["routine"] + actuals[c]["special"]) / planned_by_class[c])
                 if planned_by_class[c] else None} for c in CLASSES]
    return render(request, "planning/plan_detail.html", {
        "plan": plan, "grid": _grid(plan, posted), "classes": [(c, class_label(c)) for c in CLASSES],
        "campaigns": plan.lines.filter(kind=PlanLine.Kind.SPECIAL), "check": check,
        "problems": plan_services.plan_problems(check), "errors": errors or {},
        "can_edit": has_role(request.user, plan_services.PLAN_ROLES) and plan.status == InspectionPlan.Status.DRAFT,
        "can_plan": has_role(request.user, plan_services.PLAN_ROLES), "coverage": coverage,
        "campaign_form": campaign_form or {}, "months": MONTHS, "risk_classes": RiskClass.choices,
        "sizes": plan_services.class_sizes(organization=plan.organization),
        "onsite_pct": plan_services.decimal_text(plan_services.planning_policy_current()[0].onsite_share * 100),
    })


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan: the monthly grid, campaigns, the capacity and cap checks, approval, and progress against it."""
    require_role(request.user, STAFF_ROLES)
    plan = plans_for_user(user=request.user).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    if request.method != "POST":
        return _plan_page(request, plan)
    action = request.POST.get("action", "")
    try:
        if action == "routine":
            figures = {(m, c): request.POST.get(f"r_{m}_{c}", "") for m in MONTHS for c in CLASSES}
            plan_services.plan_set_routine(actor=request.user, plan_id=plan.pk, figures=figures)
            messages.success(request, _("Monthly figures saved; the checks below are up to date."))
        elif action == "suggest":
            sizes = plan_services.class_sizes(organization=plan.organization)
            suggestion = suggest_routine(class_sizes=sizes, rules=plan_services.planning_policy_current()[0])
            plan_services.plan_set_routine(actor=request.user, plan_id=plan.pk, figures=suggestion)
            messages.success(request, _("Filled from the default quarterly ratios and the current class sizes. "
                                        "Adjust the figures, save, then approve."))
        elif action == "campaign":
            plan_services.plan_add_campaign(actor=request.user, plan_id=plan.pk,
                                            campaign=request.POST.get("campaign", ""),
                                            risk_class=request.POST.get("risk_class", ""),
                                            month=request.POST.get("month", ""),
                                            planned=request.POST.get("planned", ""))
            messages.success(request, _("Campaign line saved."))
        elif action == "remove_line":
            plan_services.plan_remove_line(actor=request.user, plan_id=plan.pk, line_id=request.POST.get("line"))
            messages.success(request, _("Campaign line removed."))
        elif action == "approve":
            plan_services.plan_approve(actor=request.user, plan_id=plan.pk, note=request.POST.get("note", ""))
            messages.success(request, _("Plan approved."))
        elif action == "reopen":
            plan_services.plan_reopen(actor=request.user, plan_id=plan.pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("Plan reopened for revision; approve it again when it is ready."))
        else:
            messages.error(request, _("Unknown action."))
        return redirect("planning:plan_detail", plan_id=plan.pk)
    except ApplicationError as exc:
        errors = _error(request, exc)
        plan.refresh_from_db()
        posted = request.POST.dict() if action == "routine" else None
        return _plan_page(request, plan, posted=posted, errors=errors,
                          campaign_form=request.POST.dict() if action == "campaign" else None)


# --- double-random rounds --------------------------------------------------------------------------

def _default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    q = (today.month - 1) // 3
    start = dt.date(today.year, q * 3 + 1, 1)
    end = dt.date(today.year + (q == 3), (q * 3 + 3) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """Rounds of the jurisdiction, newest first; a unit leader freezes the pools and commits a new round."""
    require_role(request.user, STAFF_ROLES)
    can_run = has_role(request.user, round_services.ROUND_ROLES)
    rules = plan_services.planning_policy_current()[0]
    start, end = _default_period(timezone.localdate())
    form = {"title": "", "kind": PlanLine.Kind.ROUTINE, "period_start": start.isoformat(),
            "period_end": end.isoformat(), "positive_list_mode": "tag", "max_targets": "", "mode": "strata",
            "budget": "", "floor": plan_services.decimal_text(rules.draw_floor * 100),
            **{f"ratio_{c}": plan_services.decimal_text(rules.round_ratios[c] * 100) for c in CLASSES}}
    errors: dict = {}
    if request.method == "POST" and can_run:
        form = {**form, **request.POST.dict()}
        try:
            mode = "weighted" if request.POST.get("mode") == "weighted" else "strata"
            budget = floor = None
            if mode == "weighted":
                ratios = {}
                budget, floor = _weighted_fields(request.POST)
            else:
                ratios = round_services.parse_ratios({c: request.POST.get(f"ratio_{c}") for c in CLASSES})
            try:
                period_start = dt.date.fromisoformat(request.POST.get("period_start", ""))
                period_end = dt.date.fromisoformat(request.POST.get("period_end", ""))
            except ValueError:
                raise ValidationFailed(_("Enter the period as two dates (YYYY-MM-DD)."),
                                       details={"period_start": [_("Check the dates.")]}) from None
            cap = request.POST.get("max_targets", "").strip()
            if cap and not cap.isdigit():
                raise ValidationFailed(_("The cap is a whole number of targets, or empty for no cap."),
                                       details={"max_targets": [_("Enter a whole number.")]})
            round_ = round_services.round_commit(
                actor=request.user, title=request.POST.get("title", ""), period_start=period_start,
                period_end=period_end, ratios=ratios, cross_region=request.POST.get("cross_region") == "on",
                positive_list_mode="exclude" if request.POST.get("positive_list_mode") == "exclude" else "tag",
                max_targets=int(cap) if cap else None, kind=request.POST.get("kind", PlanLine.Kind.ROUTINE),
                replaces=request.POST.get("replaces") or None, mode=mode, budget=budget, floor=floor)
            messages.success(request, _("Pools frozen and the commitment published. Draw when the ceremony starts."))
            return redirect("planning:round_detail", round_id=round_.pk)
        except ApplicationError as exc:
            errors = _error(request, exc)
    replacing = None
    if can_run and str(form.get("replaces") or request.GET.get("replaces", "")).isdigit():
        # Committing a new round to replace a withdrawn one (the withdrawal page links here).
        replacing = rounds_for_user(user=request.user, status=DrawRound.Status.WITHDRAWN).filter(
            pk=form.get("replaces") or request.GET.get("replaces"), replaced_by__isnull=True).first()
        if replacing is not None and request.method != "POST":
            form["title"] = replacing.title
    filters = RoundFilters.from_query(request.GET)
    rounds = rounds_for_user(user=request.user, status=filters.status, kind=filters.kind, year=filters.year)
    if request.GET.get("export") in ("xlsx", "csv"):
        by_key = {c.key: c for c in RoundFilters.filter_columns()}
        columns = [Column("round_id", _("Round id"), lambda r: r.round_id), Column("title", _("Title"), lambda r: r.title),
                   Column("bureau", _("Bureau"), lambda r: r.organization.name), by_key["kind"], by_key["year"],
                   Column("period_start", _("Period from"), lambda r: r.period_start),
                   Column("period_end", _("Period to"), lambda r: r.period_end), by_key["status"],
                   Column("targets", _("Targets"), lambda r: r.n_tasks),
                   Column("open", _("Still to inspect"), lambda r: r.n_open),
                   Column("commitment", _("Commitment (SHA-256 of the seed)"), lambda r: r.commitment),
                   Column("committed_at", _("Committed at"), lambda r: _minute(r.committed_at)),
                   Column("published_at", _("Published at"), lambda r: _minute(r.published_at))]
        return export_list(fmt=request.GET["export"], basename="rounds", filters=RoundFilters, columns=columns,
                           objects=rounds)
    page = Paginator(rounds, 25).get_page(request.GET.get("page"))
    return render(request, "planning/round_list.html", {
        "page": page, "can_run": can_run, "form": form, "errors": errors, "filters": filters, "replacing": replacing,
        "statuses": DrawRound.Status.choices, "years": _round_years(),
        "classes": [(c, class_label(c)) for c in CLASSES], "kinds": PlanLine.Kind.choices,
    }, status=422 if errors else 200)


def _weighted_fields(post) -> tuple[int, Decimal]:
    """Targets to draw and the floor (a percentage) of a risk-proportional round, refused with the field to correct."""
    budget_text = (post.get("budget") or "").strip()
    if not budget_text.isdigit() or int(budget_text) < 1:
        raise ValidationFailed(_("Enter how many targets the round draws (a whole number, 1 or more)."),
                               details={"budget": [_("Enter a whole number.")]})
    floor_text = (post.get("floor") or "").strip().rstrip("%")
    try:
        floor = (Decimal(floor_text) / 100).normalize()
    except InvalidOperation:
        floor = Decimal(-1)
    if not floor.is_finite() or not (0 < floor <= 1) or floor != floor.quantize(Decimal("0.000001")):
        raise ValidationFailed(_("The floor is a percentage above 0 and at most 100, with at most 4 decimals."),
                               details={"floor": [_("Enter a percentage such as 2.")]})
    return int(budget_text), floor


def _minute(moment) -> str:
    """A stored time as local 'YYYY-MM-DD HH:MM' for exports; empty when not yet."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _round_years() -> list[int]:
    """Years a round filter offers: last year to next year, newest first."""
    this = timezone.localdate().year
    return [this + 1, this, this - 1]


@login_required
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """A round: commitment and frozen pools, the draw, the (internal) target list, publication."""
    require_role(request.user, STAFF_ROLES)
    round_ = rounds_for_user(user=request.user).filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    can_run = has_role(request.user, round_services.ROUND_ROLES)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("draw", "publish", "withdraw") and request.POST.get("confirm") != "yes":
                # None of these can be taken back (that is what makes the round verifiable): the person says so first.
                raise ValidationFailed(_("Tick the box to confirm: this step cannot be undone."),
                                       details={"confirm": [_("Required.")]})
            if action == "withdraw":
                round_services.round_withdraw(actor=request.user, round_id=round_.pk,
                                              reason=request.POST.get("reason", ""))
                messages.success(request, _("Withdrawn: the reason and the seed are on the public portal. To draw "
                                            "again, commit a new round that replaces this one."))
                return redirect(f"{reverse('planning:round_list')}?replaces={round_.pk}")
            if action == "correct":
                round_services.round_correction_publish(actor=request.user, round_id=round_.pk,
                                                        text=request.POST.get("text", ""))
                messages.success(request, _("The correction notice is on the round's public page."))
            if action == "draw":
                round_services.round_draw(actor=request.user, round_id=round_.pk,
                                          public_entropy=request.POST.get("public_entropy", ""))
                messages.success(request, _("Drawn: every target's inspectors have it in their task list."))
            elif action == "publish":
                round_services.round_publish(actor=request.user, round_id=round_.pk)
                messages.success(request, _("Published: the seed, the round file and every result are on the "
                                            "public portal."))
            return redirect("planning:round_detail", round_id=round_.pk)
        except ApplicationError as exc:
            _error(request, exc)
    tasks = round_.tasks.select_related("entity__region", "inspection").prefetch_related("inspectors")
    if request.GET.get("export") in ("xlsx", "csv") and can_run:
        headers = [_("Class"), _("Rank"), _("Credit code"), _("Entity"), _("County"), _("Inspectors"), _("Due on"),
                   _("Status"), _("Inspected on"), _("Violation found")]
        rows = ((class_label(t.risk_class), t.rank_in_class, t.entity.uscc, t.entity.name, t.entity.region.name,
                 "、".join(u.display_name for u in t.inspectors.all()), t.due_on, t.get_status_display(),
                 t.inspection.inspected_on if t.inspection else "",
                 (_("yes") if t.inspection.violation_found else _("no")) if t.inspection else "") for t in tasks)
        return export_response(fmt=request.GET["export"], basename=f"round-{round_.round_id}", headers=headers,
                               rows=rows)
    show_targets = can_run or round_.status == DrawRound.Status.PUBLISHED
    if show_targets and round_.selection:
        # Each target's recusals in words (a cross-region round recuses the officers of the entity's own county).
        recusals = {t["entity"]: t.get("recusals", {}) for t in round_.selection.get("targets", [])}
        tasks = list(tasks)
        for t in tasks:
            t.recused = returns.recusal_reasons(recusals.get(t.entity.uscc, {}))
    counts = {s: 0 for s in InspectionTask.Status.values}
    for t in round_.tasks.values_list("status", flat=True):
        counts[t] += 1
    return render(request, "planning/round_detail.html", {
        "round": round_, "summary": round_services.round_summary(round_), "can_run": can_run,
        # The target list is secret until inspection: only the leaders who run the round see it before publication.
        "tasks": tasks if show_targets else None,
        "counts": counts, "open_tasks": counts[InspectionTask.Status.ASSIGNED],
        "recorded": sum(n for status, n in counts.items() if status != InspectionTask.Status.ASSIGNED),
        "corrections": round_.corrections.all() if round_.status == DrawRound.Status.PUBLISHED else (),
        "replaced_by": DrawRound.objects.filter(replaces=round_).first(),
        "weighted_page": round_services.weighted_page(
            round_, request.GET.get("pool_page"), show_drawn=can_run or round_.status == DrawRound.Status.PUBLISHED),
        "show_drawn": True,
    })


@login_required
def round_pools(request: HttpRequest, round_id: int) -> HttpResponse:
    """The frozen pools with the commitment record, as published before the draw (JSON)."""
    require_role(request.user, STAFF_ROLES)
    round_ = rounds_for_user(user=request.user).filter(pk=round_id).first()
    if round_ is None:
        raise NotFound()
    return json_download(pools_document(round_), f"round-{round_.round_id}-pools.json")


@login_required
@require_POST
def round_openings(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's secret openings (JSON) for its leaders: `ecoenforce draw verify FILE --openings THIS` (recorded)."""
    doc = round_services.round_openings_reveal(actor=request.user, round_id=round_id)
    return json_download(doc, f"round-{doc['round_id']}-openings.json")


# --- inspectors' tasks -----------------------------------------------------------------------------

@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """My tasks: targets I was drawn for, open ones first."""
    require_role(request.user, STAFF_ROLES)
    status = request.GET.get("status", InspectionTask.Status.ASSIGNED)
    tasks = task_services.tasks_for_user(user=request.user, status=status if status != "all" else "")
    if request.GET.get("export") in ("xlsx", "csv"):  # a printed list for the day's route
        headers = [_("Entity"), _("Credit code"), _("Address"), _("Class"), _("Round"), _("With"), _("Due on"),
                   _("Status")]
        rows = ((t.entity.name, t.entity.uscc, t.entity.full_address, t.get_risk_class_display(),
                 t.round.title, "、".join(u.display_name for u in t.inspectors.all() if u.pk != request.user.pk),
                 t.due_on, t.get_status_display()) for t in tasks)
        return export_response(fmt=request.GET["export"], basename="my-tasks", headers=headers, rows=rows)
    return render(request, "planning/task_list.html", {
        "page": Paginator(tasks, 50).get_page(request.GET.get("page")), "status": status,
        "statuses": InspectionTask.Status.choices, "today": timezone.localdate(),
        "returned_waiting": returns.returned_waiting_for(request.user).count(),
    })


@login_required
def returned_list(request: HttpRequest) -> HttpResponse:
    """Cross-region results returned to my bureau: inspected by officers of other counties, on our entities."""
    require_role(request.user, STAFF_ROLES)
    waiting = request.GET.get("status") != "all"
    tasks = returns.returned_for_user(request.user)
    if waiting:
        tasks = tasks.filter(received_at__isnull=True)
    return render(request, "planning/returned_list.html", {
        "page": Paginator(tasks, 50).get_page(request.GET.get("page")), "waiting": waiting,
    })


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """One task: the entity, the co-inspectors, the result form (nothing pre-chosen), a confirmation step before the
    result is final, and a correction with its reason until the round is published."""
    require_role(request.user, STAFF_ROLES)
    task = task_services.task_get_for_user(user=request.user, task_id=task_id)
    is_officer = task.inspectors.filter(pk=request.user.pk).exists()
    form = {"inspected_on": "", "violation_found": "", "findings": "", "reason": "", "correction_reason": ""}
    if task.inspection_id:
        form.update(inspected_on=task.inspection.inspected_on.isoformat(), findings=task.inspection.findings,
                    violation_found="yes" if task.inspection.violation_found else "no")
    errors: dict = {}
    confirm = None
    if request.method == "POST":
        form.update(request.POST.dict())
        action = request.POST.get("action")
        outcome = {"yes": True, "no": False}.get(request.POST.get("violation_found", ""))
        result = {"actor": request.user, "task_id": task.pk, "inspected_on": request.POST.get("inspected_on"),
                  "violation_found": outcome, "findings": request.POST.get("findings", "")}
        reason = request.POST.get("correction_reason", "") if action == "correct" else None
        try:
            if action == "receive":
                returns.task_result_receive(actor=request.user, task_id=task.pk)
                messages.success(request, _("Received: the result is on record with your bureau."))
                return redirect("planning:task_detail", task_id=task.pk)
            if action == "not_inspected":
                task_services.task_mark_not_inspected(actor=request.user, task_id=task.pk,
                                                      reason=request.POST.get("reason", ""))
                messages.success(request, _("Recorded as not inspected."))
                return redirect("planning:task_detail", task_id=task.pk)
            if action in ("result", "correct") and request.POST.get("confirm") == "yes":
                if action == "correct":
                    task_services.task_result_correct(**result, reason=reason or "")
                    messages.success(request, _("Result corrected; the original stays in the record."))
                    return redirect("planning:task_detail", task_id=task.pk)
                task = task_services.task_record_result(**result)
                if task.lead_id and task.round.cross_region:
                    messages.success(request, _("Result recorded and returned to the home bureau (%(county)s); the "
                                                "violation is in its lead inbox as %(n)s.")
                                     % {"n": task.lead.number, "county": task.entity.region.name})
                elif task.lead_id:
                    messages.success(request, _("Result recorded; the violation is in the lead inbox as %(n)s.")
                                     % {"n": task.lead.number})
                elif task.round.cross_region:
                    messages.success(request, _("Result recorded and returned to the home bureau (%(county)s).")
                                     % {"county": task.entity.region.name})
                else:
                    messages.success(request, _("Result recorded."))
                return redirect("planning:task_detail", task_id=task.pk)
            if action in ("result", "correct") and request.POST.get("confirm") != "back":
                confirm = {"action": action, **task_services.task_result_preview(**result, correction_reason=reason)}
        except ApplicationError as exc:
            errors = _error(request, exc)
    return render(request, "planning/task_detail.html", {
        "task": task, "form": form, "errors": errors, "co_inspectors": task.inspectors.all(),
        "class_label": class_label(task.risk_class), "is_officer": is_officer, "confirm": confirm,
        "corrections": task.corrections.select_related("corrected_by"), "today": timezone.localdate(),
        "cross": returns.home_recusals(task) if task.round.cross_region else None,
        "can_receive": (task.round.cross_region and task.status != InspectionTask.Status.ASSIGNED
                        and task.received_at is None and has_role(request.user, returns.RECEIVE_ROLES)
                        and returns.is_home_staff(request.user, task)),
    }, status=422 if errors else 200)
