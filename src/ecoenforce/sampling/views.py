"""Sampling pages: the request list (filters, export), a new request from a case / lead / task, and one request
with its samples' chain of custody, the lab's result and the steps the person may take."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.audit import audit_timeline
from ecoenforce.core.audit_labels import action_label
from ecoenforce.core.errors import ApplicationError, NotFound, ValidationFailed
from ecoenforce.core.filters import Column, export_list
from ecoenforce.core.models import Region
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.sampling import services
from ecoenforce.sampling.factors import Medium, factors_for
from ecoenforce.sampling.models import STATUS_CHOICES, STEP_LABELS, Result, SamplingRequest
from ecoenforce.sampling.selectors import (
    SamplingFilters,
    request_actions_for_user,
    request_get_for_user,
    request_is_overdue,
    requests_for_user,
    stations_for,
)
from ecoenforce.sampling.workflow import next_step


def value_text(r: Result) -> str:
    """How a result's value reads: '< DL' below the detection limit, never a number there."""
    if r.below_dl:
        return "< DL"
    return f"{r.value:g}" if r.value is not None else "—"


def verdict_text(r: Result) -> str:
    if r.not_judged == "units":
        return _("not judged: the limit is in other units")
    if r.limit_value is None:
        return _("no limit on record")
    if r.exceeded:
        if r.exceedance_ratio is not None:
            return _("%(r)s times over the limit") % {"r": services.ratio_text(r.exceedance_ratio)}
        return _("over the limit")
    return _("within the limit")


def limit_text(r: Result) -> str:
    if r.limit_value is None or r.limit is None:
        return ""
    basis = r.get_limit_basis_display()
    if r.limit_min is not None:
        shown = f"{r.limit_min:g}–{r.limit_value:g}"
    else:
        shown = f"{r.limit_value:g}"
    return f"{shown} {r.unit} · {basis}: {r.limit.standard.code} {r.limit.category}"


def result_rows(req: SamplingRequest) -> list[dict]:
    rows = []
    for r in Result.objects.filter(sample__request=req).select_related("sample", "factor", "limit__standard"):
        rows.append({"r": r, "value": value_text(r), "verdict": verdict_text(r), "limit": limit_text(r),
                     "dl": f"{r.detection_limit:g}" if r.detection_limit is not None else "—"})
    return rows


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Sampling requests in the jurisdiction, filterable by status, county and overdue."""
    require_role(request.user, STAFF_ROLES)
    filters = SamplingFilters.from_query(request.GET)
    qs = requests_for_user(user=request.user, filters=filters)
    if request.GET.get("export") in ("xlsx", "csv"):
        by_key = {c.key: c for c in SamplingFilters.filter_columns()}
        columns = [Column("number", _("Request number"), lambda r: r.number),
                   Column("entity", _("Entity"), lambda r: r.entity.name), by_key["region"],
                   Column("medium", _("Medium"), lambda r: r.get_medium_display()), by_key["status"],
                   Column("requested", _("Requested on"), lambda r: timezone.localtime(r.requested_at).date()),
                   Column("due_on", _("Result due"), lambda r: r.due_on),
                   Column("station", _("Monitoring station"), lambda r: r.station.name),
                   Column("report", _("Report number"), lambda r: r.report_number)]
        return export_list(fmt=request.GET["export"], basename="sampling-requests", filters=SamplingFilters,
                           columns=columns, objects=qs.iterator(chunk_size=2000))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    prefix = request.user.jurisdiction_prefix or ""
    return render(request, "sampling/request_list.html", {
        "page": page, "filters": filters, "statuses": STATUS_CHOICES, "today": timezone.localdate(),
        "overdue_ids": {r.pk for r in page if request_is_overdue(r)},
        "regions": Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).select_related("parent"),
        "may_request": has_role(request.user, services.REQUEST_ROLES),
    })


def _origin_from_text(user, text: str) -> tuple[str, int] | None:
    from ecoenforce.cases.selectors import case_list_for_user
    from ecoenforce.leads.selectors import lead_list_for_user

    text = text.strip()
    if not text:
        return None
    case = case_list_for_user(user=user).filter(number=text).first()
    if case is not None:
        return "case", case.pk
    lead = lead_list_for_user(user=user).filter(number=text).first()
    if lead is not None:
        return "lead", lead.pk
    return None


def _standard_choices(medium: str) -> list[tuple[str, str]]:
    """(standard id|category, label) of the standards with limits for this medium's factors."""
    from ecoenforce.warnings.models import EmissionLimit

    prefix = {Medium.WASTE_WATER: "w", Medium.WASTE_GAS: "a"}.get(medium)
    if prefix is None:
        return []
    pairs = (EmissionLimit.objects.filter(pollutant__startswith=prefix, standard__active=True)
             .values_list("standard_id", "standard__code", "category").distinct().order_by("standard__code", "category"))
    return [(f"{sid}|{cat}", f"{code} · {cat}") for sid, code, cat in pairs]


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """A new sampling request from a case, a lead or a drawn task (?case= / ?lead= / ?task=)."""
    from ecoenforce.cases.selectors import case_get_for_user
    from ecoenforce.leads.selectors import lead_get_for_user
    from ecoenforce.monitoring.models import MonitoringPoint, Outlet
    from ecoenforce.planning.tasks import task_get_for_user

    require_role(request.user, services.REQUEST_ROLES)
    origin = {k: request.GET.get(k, "").strip() for k in ("case", "lead", "task")}
    if not any(origin.values()):
        found = _origin_from_text(request.user, request.GET.get("origin", ""))
        if found is not None:
            return redirect(f"{request.path}?{found[0]}={found[1]}")
        return render(request, "sampling/request_origin.html", {"asked": request.GET.get("origin", "")})
    if origin["case"]:
        source = case_get_for_user(user=request.user, case_id=origin["case"])
    elif origin["lead"]:
        source = lead_get_for_user(user=request.user, lead_id=origin["lead"])
    else:
        source = task_get_for_user(user=request.user, task_id=origin["task"])
    entity = source.entity
    if entity is None:
        messages.error(request, _("This lead names no entity: record the entity on the lead first, then request sampling."))
        return redirect("leads:detail", lead_id=source.pk)
    medium = request.POST.get("medium") or request.GET.get("medium") or Medium.WASTE_WATER
    if medium not in Medium.values:
        medium = Medium.WASTE_WATER
    errors: dict = {}
    if request.method == "POST":
        std, _sep, category = request.POST.get("standard", "").partition("|")
        try:
            req = services.request_create(
                actor=request.user, medium=medium, factors=request.POST.getlist("factors"),
                case_id=origin["case"] or None, lead_id=origin["lead"] or None, task_id=origin["task"] or None,
                station_id=request.POST.get("station", ""), outlet_id=request.POST.get("outlet", ""),
                point_id=request.POST.get("point", ""), location=request.POST.get("location", ""),
                purpose=request.POST.get("purpose", ""), standard_id=std, category=category,
                methods={k.removeprefix("method-"): v for k, v in request.POST.items() if k.startswith("method-")})
        except ValidationFailed as exc:
            errors = {"message": str(exc.message), "fields": exc.details}
        else:
            messages.success(request, _("Request %(n)s sent to %(s)s; the result is due on %(d)s.")
                             % {"n": req.number, "s": req.station.name, "d": req.due_on})
            return redirect("sampling:detail", request_id=req.pk)
    chosen = set(request.POST.getlist("factors"))
    return render(request, "sampling/request_new.html", {
        "source": source, "origin": origin, "entity": entity, "medium": medium, "media": Medium.choices,
        "factors": [{"f": f, "checked": f.code in chosen, "method": request.POST.get(f"method-{f.code}", f.method)}
                    for f in factors_for(medium)],
        "stations": stations_for(entity), "points": MonitoringPoint.objects.filter(outlet__entity=entity)
        .select_related("device", "outlet"), "outlets": Outlet.objects.filter(entity=entity),
        "standards": _standard_choices(medium), "posted": request.POST, "errors": errors,
        "turnaround": services.turnaround_days(medium),
    })


def _bool(post, key: str) -> bool:
    return post.get(key) in ("1", "on", "true", "yes")


def _result_rows_posted(req: SamplingRequest, post) -> list[dict]:
    rows = []
    for s in req.samples.all():
        for f in req.factors.all():
            key = f"{s.pk}-{f.pk}"
            rows.append({"sample_id": s.pk, "factor_id": f.pk, "value": post.get(f"value-{key}", ""),
                         "not_detected": _bool(post, f"nd-{key}"), "unit": post.get(f"unit-{key}", f.unit),
                         "method": post.get(f"method-{key}", f.method), "detection_limit": post.get(f"dl-{key}", "")})
    return rows


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request: what, where, by when; each sample's chain of custody; the lab's result; the person's steps."""
    require_role(request.user, STAFF_ROLES)
    req = request_get_for_user(user=request.user, request_id=request_id)
    errors: dict = {}
    if request.method == "POST":
        action, post = request.POST.get("action", ""), request.POST
        try:
            if action == "record_sample":
                services.sample_record(actor=request.user, request_id=req.pk, sample_no=post.get("sample_no", ""),
                                       container=post.get("container", ""), samplers=post.get("samplers", ""),
                                       preservation=post.get("preservation", ""), location=post.get("location", ""),
                                       sampled_at=post.get("at", ""), note=post.get("note", ""))
            elif action == "custody_step":
                services.custody_step_record(actor=request.user, sample_id=post.get("sample", ""),
                                             step=post.get("step", ""), from_party=post.get("from_party", ""),
                                             to_party=post.get("to_party", ""), seal_no=post.get("seal_no", ""),
                                             seal_intact=not _bool(post, "seal_broken"), at=post.get("at", ""),
                                             note=post.get("note", ""))
            elif action == "report":
                upload = request.FILES.get("report")
                data = upload_read(request, upload, max_bytes=services.REPORT_MAX_BYTES)
                services.result_record(actor=request.user, request_id=req.pk, rows=_result_rows_posted(req, post),
                                       report_number=post.get("report_number", ""), conclusion=post.get("conclusion", ""),
                                       report=data, report_name=upload.name if upload is not None else "")
            elif action == "close":
                services.request_close(actor=request.user, request_id=req.pk, note=post.get("reason", ""))
            elif action == "cancel":
                services.request_cancel(actor=request.user, request_id=req.pk, reason=post.get("reason", ""))
            elif action == "raise_lead":
                lead = services.request_raise_lead(actor=request.user, request_id=req.pk)
                messages.success(request, _("Lead %(n)s raised in the county's inbox.") % {"n": lead.number})
                return redirect("sampling:detail", request_id=req.pk)
            else:
                raise ValidationFailed(_("Unknown step."))
        except ValidationFailed as exc:
            errors = {"action": action, "sample": post.get("sample", ""), "message": str(exc.message),
                      "fields": exc.details}
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("sampling:detail", request_id=req.pk)
        else:
            messages.success(request, _("Done: the request was updated."))
            return redirect("sampling:detail", request_id=req.pk)
        req = request_get_for_user(user=request.user, request_id=request_id)
    actions = {t.action for t in request_actions_for_user(user=request.user, req=req)}
    samples = []
    for s in req.samples.prefetch_related("steps__recorded_by"):
        steps = list(s.steps.all())
        nxt = next_step([x.step for x in steps])
        samples.append({"s": s, "steps": steps, "next": nxt, "next_label": STEP_LABELS.get(nxt, "") if nxt else ""})
    results = result_rows(req)
    factors = list(req.factors.all())
    grid = [{"s": x["s"], "cells": [{"f": f, "key": f"{x['s'].pk}-{f.pk}"} for f in factors]} for x in samples]
    timeline = [{"event": e, "label": action_label(e.action)} for e in audit_timeline(obj=req)]
    return render(request, "sampling/request_detail.html", {
        "req": req, "factors": factors, "samples": samples, "results": results, "grid": grid,
        "actions": actions, "errors": errors, "posted": request.POST if errors else {}, "timeline": timeline,
        "overdue": request_is_overdue(req), "today": timezone.localdate(),
        "exceeded": any(r["r"].exceeded for r in results),
        "may_raise_lead": (has_role(request.user, services.REQUEST_ROLES) and req.raised_lead_id is None
                           and any(r["r"].exceeded for r in results)),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    })


@login_required
def report_file(request: HttpRequest, request_id: int) -> HttpResponse:
    """The lab's report file, to the staff who may open the request."""
    from ecoenforce.core.files import blob_open

    require_role(request.user, STAFF_ROLES)
    req = request_get_for_user(user=request.user, request_id=request_id)
    if not req.report_sha256:
        raise NotFound()
    response = FileResponse(blob_open(req.report_sha256), content_type=req.report_type or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="{req.number}.{req.report_name.rpartition(".")[2] or "bin"}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
