"""Warnings desk pages: the queue, one warning with its chart and actions, rule runs, rule quality."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import has_role, require_role
from ecoenforce.core.errors import ApplicationError, ValidationFailed
from ecoenforce.core.filters import Column, export_list
from ecoenforce.core.forms import form_add_errors
from ecoenforce.core.models import Region, Role
from ecoenforce.core.units import unit_normal
from ecoenforce.monitoring.factors import factor_label, factor_text
from ecoenforce.warnings import runs, selectors, services
from ecoenforce.warnings.forms import DismissForm, LeadForm, NoticeForm, PointLimitForm, RunForm
from ecoenforce.warnings.labels import RULE_HELP, RULE_LABELS, rule_label, warning_measure
from ecoenforce.warnings.models import Warning
from ecoenforce.warnings.notices import notice_attachment_for_user
from ecoenforce.warnings.tasks import rule_run_task

DESK_ROLES = services.OPERATOR_ROLES


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    """The desk: warnings in the jurisdiction, filterable; 'mine' is the operator's own queue."""
    require_role(request.user, DESK_ROLES)
    filters = selectors.WarningFilters.from_query(request.GET)
    qs = selectors.warning_list_for_user(user=request.user, filters=filters)
    if request.GET.get("export") in ("xlsx", "csv"):
        by_key = {c.key: c for c in selectors.WarningFilters.filter_columns()}
        columns = [by_key["rule"], Column("entity", _("Entity"), lambda w: w.entity.name),
                   Column("mn", _("Device MN"), lambda w: w.mn), Column("factor", _("Factor"), lambda w: factor_text(w.pollutant)),
                   Column("start", _("Start"), lambda w: timezone.localtime(w.start).strftime("%Y-%m-%d %H:%M")),
                   Column("end", _("End"), lambda w: timezone.localtime(w.end).strftime("%Y-%m-%d %H:%M")),
                   by_key["severity"], Column("measure", _("Finding"),
                                              lambda w: warning_measure(w.rule, w.pollutant, w.value, w.threshold)),
                   Column("value", _("Value"), lambda w: round(w.value, 3)),
                   Column("threshold", _("Threshold"), lambda w: round(w.threshold, 3)), by_key["status"]]
        return export_list(fmt=request.GET["export"], basename="warnings", filters=selectors.WarningFilters,
                           columns=columns, objects=qs.iterator(chunk_size=2000))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for w in page:
        w.rule_label, w.factor = rule_label(w.rule), factor_label(w.pollutant)
    prefix = request.user.jurisdiction_prefix or ""
    return render(request, "warnings/warning_list.html", {
        "page": page, "filters": filters, "statuses": Warning.Status.choices, "severities": Warning.Severity.choices,
        "rules": [(k, str(v)) for k, v in RULE_LABELS.items()],
        "regions": Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).select_related("parent"),
    })  # fmt: skip


def _device_url(mn: str) -> str:
    """The page of the device a warning names (a CEMS's monitoring page, a meter's page here), '' when it has none."""
    page = selectors.device_page(mn)
    return reverse(page[0], kwargs={"mn": page[1]}) if page else ""



@login_required
def warning_detail(request: HttpRequest, warning_id: int) -> HttpResponse:
    """One warning: what raised it, its chart and readings, and the operator's actions."""
    require_role(request.user, DESK_ROLES)
    warning = selectors.warning_get_for_user(user=request.user, warning_id=warning_id)
    dismiss_form, notice_form, lead_form = DismissForm(prefix="dismiss"), NoticeForm(prefix="notice"), LeadForm(prefix="lead")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "take":
                services.warning_take(actor=request.user, warning_id=warning.pk)
                messages.success(request, _("The warning is in your queue."))
                return redirect("warnings:detail", warning_id=warning.pk)
            if action == "dismiss":
                dismiss_form = DismissForm(request.POST, prefix="dismiss")
                if dismiss_form.is_valid():
                    services.warning_dismiss(actor=request.user, warning_id=warning.pk, **dismiss_form.cleaned_data)
                    messages.success(request, _("The warning was dismissed."))
                    return redirect("warnings:detail", warning_id=warning.pk)
            elif action == "notify":
                notice_form = NoticeForm(request.POST, prefix="notice")
                if notice_form.is_valid():
                    services.warning_notify(actor=request.user, warning_id=warning.pk, **notice_form.cleaned_data)
                    messages.success(request, _("The electronic notice was sent to the enterprise."))
                    return redirect("warnings:detail", warning_id=warning.pk)
            elif action == "lead":
                lead_form = LeadForm(request.POST, prefix="lead")
                if lead_form.is_valid():
                    lead = services.warning_raise_lead(actor=request.user, warning_id=warning.pk, **lead_form.cleaned_data)
                    messages.success(request, _("Lead %(number)s is in the inbox.") % {"number": lead.number})
                    return redirect("warnings:detail", warning_id=warning.pk)
        except ValidationFailed as exc:
            form_add_errors({"dismiss": dismiss_form, "notify": notice_form}.get(action, lead_form), exc)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("warnings:detail", warning_id=warning.pk)
    readings = selectors.warning_readings(warning)
    for r in readings:
        r["factor"] = factor_label(r["pollutant"])
    return render(request, "warnings/warning_detail.html", {
        "w": warning, "rule_label": rule_label(warning.rule), "rule_help": RULE_HELP.get(warning.rule, ""),
        "factor": factor_label(warning.pollutant), "device_url": _device_url(warning.mn),
        "measure": warning_measure(warning.rule, warning.pollutant, warning.value, warning.threshold),
        "readings": [r for r in readings if r["in_event"]][:200], "n_readings": len(readings),
        "chart": {**selectors.chart_series(readings, warning.threshold if warning.rule == "exceedance" else None),
                  "focus": warning.pollutant, "start": int(warning.start.timestamp() * 1000),
                  "end": int(warning.end.timestamp() * 1000)},
        "limit": selectors.warning_limit(warning), "actions": warning.actions.select_related("actor"),
        "notice": getattr(warning, "notice", None),
        "notice_overdue": bool(getattr(warning, "notice", None) and warning.notice.status == "sent"
                               and warning.notice.deadline < timezone.localdate()),
        "dismiss_form": dismiss_form, "notice_form": notice_form, "lead_form": lead_form,
    })  # fmt: skip


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """Rule runs, and a form to run the rules now."""
    require_role(request.user, DESK_ROLES)
    form = RunForm(request.POST or None, initial={"engine": "duckdb", "date_to": timezone.localdate(),
                                                   "date_from": timezone.localdate() - dt.timedelta(days=1)})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(form.cleaned_data["date_from"], dt.time(), tzinfo=tz)
        end = dt.datetime.combine(form.cleaned_data["date_to"] + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        try:
            run = runs.rule_run_create(actor=request.user, window_from=start, window_to=end,
                                       engine=form.cleaned_data["engine"])  # fmt: skip
        except ValidationFailed as exc:
            form_add_errors(form, exc)
        else:
            rule_run_task.enqueue(run.pk)
            messages.success(request, _("Rule run %(id)s was started.") % {"id": run.pk})
            return redirect("warnings:runs")
    page = Paginator(selectors.run_list(request.user), 30).get_page(request.GET.get("page"))
    template = "warnings/run_rows.html" if request.htmx else "warnings/run_list.html"
    return render(request, template, {"page": page, "form": form})


@login_required
def rule_quality(request: HttpRequest) -> HttpResponse:
    """Per rule: how many warnings operators dismissed as false alarms (for administrators tuning the policy)."""
    require_role(request.user, (Role.ADMINISTRATOR, Role.UNIT_LEADER))
    rows = selectors.false_positive_rates(user=request.user)
    for r in rows:
        r["label"] = rule_label(r["rule"])
    policy, values = services.rule_policy_current()
    return render(request, "warnings/quality.html", {"rows": rows, "policy": policy, "values": values.as_dict()})


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """One run's progress (polled by the runs page)."""
    require_role(request.user, DESK_ROLES)
    run = selectors.run_get_for_user(user=request.user, run_id=run_id)  # another county's run is "not found"
    return render(request, "warnings/run_row.html", {"run": run})


METER_RANGES = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7), "30d": dt.timedelta(days=30)}


@login_required
def meter_detail(request: HttpRequest, mn: str) -> HttpResponse:
    """A registered device of another kind than automatic monitoring (an electricity meter above all): its entity,
    its readings over time per channel, and the warnings it raised. Outside the user's jurisdiction it is 'not
    found'."""
    from ecoenforce.monitoring.selectors import echarts_option

    require_role(request.user, DESK_ROLES)
    device = selectors.meter_get_for_user(user=request.user, mn=mn)
    span = request.GET.get("range") if request.GET.get("range") in METER_RANGES else "7d"
    end = timezone.now()
    start = end - METER_RANGES[span]
    charts = [{"spec_id": f"chart-{i}-spec", "series": s, "option": echarts_option(s)}
              for i, s in enumerate(selectors.meter_series(device, start, end))]  # fmt: skip
    raised = list(selectors.warning_list_for_user(user=request.user).filter(mn=device.mn)[:100])
    for w in raised:
        w.rule_label = rule_label(w.rule)
        w.measure = warning_measure(w.rule, w.pollutant, w.value, w.threshold)
    return render(request, "warnings/meter_detail.html", {
        "device": device, "charts": charts, "span": span, "ranges": list(METER_RANGES), "warnings": raised,
    })  # fmt: skip


LIMIT_VIEW_ROLES = (Role.MONITORING_OPERATOR, Role.INSPECTOR, Role.UNIT_LEADER)


@login_required
def device_limits(request: HttpRequest, mn: str) -> HttpResponse:
    """A registered device's limits: those in force (factor, standard, category, value, since when), the earlier
    ones with their periods, and — for an operator or unit leader — the form that sets a new one. Outside the user's
    jurisdiction the device is 'not found'."""
    require_role(request.user, LIMIT_VIEW_ROLES)
    device = selectors.limit_device_get_for_user(user=request.user, mn=mn)
    point = getattr(device, "point", None)
    codes = list(point.pollutants.values_list("code", flat=True)) if point is not None else []
    form = None
    judged = selectors.factors_with_limits(codes)
    limited = [c for c in codes if c in judged]  # flow, O2 … have no limit to choose
    if has_role(request.user, services.LIMIT_ROLES) and limited:
        factors = [(c, factor_text(c)) for c in limited]
        form = PointLimitForm(request.POST or None, factors=factors, limits=selectors.limit_choices(limited))
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                version = services.point_limit_change(actor=request.user, mn=device.mn, pollutant=data["pollutant"],
                                                      limit_id=data["limit"], valid_from=data["valid_from"],
                                                      note=data["note"])  # fmt: skip
            except ApplicationError as exc:
                form_add_errors(form, exc)
            else:
                messages.success(request, _("The limit of %(factor)s is now %(value)s %(unit)s from %(since)s; the "
                                            "earlier one is kept with its period.")
                                 % {"factor": factor_text(version.pollutant), "value": version.value_text,
                                    "unit": unit_normal(version.unit),
                                    "since": timezone.localtime(version.valid_from).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
                return redirect("warnings:device_limits", mn=device.mn)
    current, past = selectors.device_limit_versions(device)
    return render(request, "warnings/device_limits.html", {"device": device, "point": point, "current": current,
                                                           "past": past, "form": form})  # fmt: skip


@login_required
def notice_file(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A file the firm sent with its explanation: for that firm, or staff whose jurisdiction holds the facility.
    Always a download, with the type read from its content when it arrived."""
    attachment, path = notice_attachment_for_user(user=request.user, attachment_id=attachment_id)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
