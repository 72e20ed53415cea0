"""Monitoring pages: devices with online status, one device's latest readings and charts, rejected frames,
quarantine (register + release), the connection log and the registry import."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import require_role, scope_by_region
from ecoenforce.core.errors import ApplicationError
from ecoenforce.core.filters import Column, export_list
from ecoenforce.core.forms import form_add_errors
from ecoenforce.core.models import Role
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.monitoring import imports, selectors, services
from ecoenforce.monitoring.hooks import chart_limits, device_panels
from ecoenforce.monitoring.models import MonitoringDevice, Outlet

VIEW_ROLES = (Role.MONITORING_OPERATOR, Role.INSPECTOR, Role.UNIT_LEADER)
OPS_ROLES = services.REGISTRY_ROLES


@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    """Devices in the jurisdiction with last frame and online status; filters and export."""
    require_role(request.user, VIEW_ROLES)
    selectors.lake_refresh()
    filters = selectors.DeviceFilters.from_query(request.GET)
    qs = selectors.device_list_for_user(user=request.user, filters=filters)
    times = selectors.last_frame_times()
    if request.GET.get("export") in ("xlsx", "csv"):
        devices = selectors.annotate_status(qs, times)
        by_key = {c.key: c for c in selectors.DeviceFilters.filter_columns()}
        columns = [Column("mn", _("MN"), lambda d: d.mn), Column("entity", _("Entity"), lambda d: d.entity.name),
                   by_key["region"], by_key["device_kind"],
                   Column("outlet", _("Outlet"), lambda d: d.point.outlet.name if hasattr(d, "point") else ""),
                   by_key["kind"], Column("protocol", _("Protocol"), lambda d: d.protocol),
                   Column("last_frame", _("Last frame"), lambda d: timezone.localtime(d.last_frame).strftime(
                       "%Y-%m-%d %H:%M:%S") if d.last_frame else ""), by_key["status"]]  # fmt: skip
        return export_list(fmt=request.GET["export"], basename="monitoring-devices",
                           filters=selectors.DeviceFilters, columns=columns, objects=devices)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    selectors.annotate_status(page, times)
    return render(request, "monitoring/device_list.html", {
        "page": page, "filters": filters, "kinds": Outlet.Kind.choices, "device_kinds": MonitoringDevice.Kind.choices,
        "online_minutes": selectors.ONLINE_MINUTES,
        "can_manage": request.user.is_superuser or request.user.role in (Role.MONITORING_OPERATOR, Role.ADMINISTRATOR),
    })  # fmt: skip


@login_required
def device_detail(request: HttpRequest, mn: str) -> HttpResponse:
    """One device/point: latest readings with flags and one chart per factor (24 h / 7 d / 30 d, kind); opened
    plainly, on the resolution and range that have data (hourly when it exists)."""
    require_role(request.user, VIEW_ROLES)
    device = selectors.device_get_for_user(user=request.user, mn=mn)
    selectors.lake_refresh()
    kind, span = request.GET.get("kind"), request.GET.get("range")
    if kind not in selectors.KINDS or span not in selectors.RANGES:  # opened plainly: on what has data
        kinds = (kind,) if kind in selectors.KINDS else selectors.OPENING_KINDS
        default_kind, default_span = selectors.opening_view(device, kinds)
        kind = kind if kind in selectors.KINDS else default_kind
        span = span if span in selectors.RANGES else default_span
    end = timezone.now() + dt.timedelta(minutes=5)
    start = end - selectors.RANGES[span]
    point = getattr(device, "point", None)
    charts = []
    if point is not None:
        limits = chart_limits(device=device)  # the limits in force, drawn on their factors' charts
        for i, p in enumerate(point.pollutants.all()):
            series = selectors.readings_series(point, p.code, kind, start, end)
            limit = selectors.chart_limit_pick(limits, p.code, kind)
            charts.append({"id": f"chart-{i}", "spec_id": f"chart-{i}-spec", "series": series,
                           "limit_text": selectors.limit_text(limit) if limit else "",
                           "option": selectors.echarts_option(series, limit)})  # fmt: skip
    selectors.annotate_status([device])
    return render(request, "monitoring/device_detail.html", {
        "device": device, "point": point, "latest": selectors.latest_readings(device, kind=kind), "charts": charts,
        "kind": kind, "span": span, "kinds": selectors.KINDS, "ranges": list(selectors.RANGES),
        "panels": device_panels(device=device, user=request.user),
    })  # fmt: skip


@login_required
def rejected_list(request: HttpRequest) -> HttpResponse:
    """Rejected frames with their reasons and the raw bytes (escaped)."""
    require_role(request.user, OPS_ROLES)
    reason = request.GET.get("reason", "")
    rows = selectors.rejected_frames(user=request.user, reason=reason)
    return render(request, "monitoring/rejected_list.html", {
        "rows": rows, "reason": reason, "reasons": sorted((k, str(v)) for k, v in selectors.REJECTION_LABELS.items()),
    })  # fmt: skip


@login_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    """Frames from unregistered MNs; a registered MN's frames are reviewed, then released (quarantine_release)."""
    require_role(request.user, OPS_ROLES)
    return render(request, "monitoring/quarantine_list.html", {"groups": selectors.quarantine_summary(user=request.user)})


@login_required
def quarantine_release(request: HttpRequest, mn: str) -> HttpResponse:
    """Review what a release would move into the lake (and what it refuses), then confirm it."""
    require_role(request.user, OPS_ROLES)
    device, plan = selectors.quarantine_release_plan(user=request.user, mn=mn)
    if request.method == "POST":
        try:
            release = services.quarantine_release(actor=request.user, mn=mn, through=request.POST.get("through", ""))
        except ApplicationError as exc:
            details = "; ".join(str(m) for msgs in exc.details.values() for m in msgs)
            messages.error(request, details or str(exc.message))
            return redirect("monitoring:quarantine_release", mn=mn)
        messages.success(request, _("Released %(frames)d frame(s) of %(mn)s: %(rows)d reading(s) added to the lake. "
                                    "%(refused)d frame(s) with a wrong password stay in quarantine.")
                         % {"frames": release.frames, "mn": mn, "rows": release.rows_written,
                            "refused": release.refused})  # fmt: skip
        return redirect("monitoring:quarantine")
    return render(request, "monitoring/quarantine_release.html", {"device": device, "plan": plan})


@login_required
def connection_log(request: HttpRequest) -> HttpResponse:
    """The gateway's connection events, newest first, filtered by MN and event."""
    require_role(request.user, OPS_ROLES)
    mn, event = request.GET.get("mn", "").strip(), request.GET.get("event", "")
    return render(request, "monitoring/connection_log.html", {
        "rows": selectors.connection_log(user=request.user, mn=mn, event=event), "mn": mn, "event": event,
        "events": selectors.CONNECTION_EVENTS,
    })  # fmt: skip


@login_required
def device_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV/Excel file in the documented layout; all rows are applied or none."""
    require_role(request.user, OPS_ROLES)
    report, error = None, None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None and not getattr(request, "upload_too_large", False):
            error = _("Choose a .csv or .xlsx file to import.")
        else:
            try:
                rows = imports.read_table(upload_read(request, upload), upload.name)
                report = imports.devices_import(actor=request.user, rows=rows)
            except ApplicationError as exc:
                error = str(exc.message)
        if report is not None and report.ok:
            messages.success(request, _("Imported %(rows)d row(s): %(created)d new device(s), %(updated)d updated, "
                                        "%(limits)d limit(s) set from the outlets' standards.")
                             % {"rows": report.rows, "created": report.created, "updated": report.updated,
                                "limits": report.limits_assigned})  # fmt: skip
            if not report.notices:
                return redirect("monitoring:devices")
    return render(request, "monitoring/device_import.html", {"report": report, "error": error,
                                                             "columns": imports.COLUMNS})  # fmt: skip


@login_required
def device_import_template(request: HttpRequest) -> HttpResponse:
    """The import's .xlsx template: its header row and example rows (with the outlets' standards and categories)."""
    require_role(request.user, OPS_ROLES)
    response = HttpResponse(imports.template_xlsx(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="ecoenforce-monitoring-devices-template.xlsx"'
    return response


@login_required
def device_register(request: HttpRequest) -> HttpResponse:
    """Register one device (or update the one with this MN); prefilled with ?mn= from the quarantine page."""
    from ecoenforce.monitoring.forms import DeviceForm
    from ecoenforce.registry.models import RegulatedEntity

    require_role(request.user, OPS_ROLES)
    form = DeviceForm(request.POST or None, initial={"mn": request.GET.get("mn", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entity = scope_by_region(RegulatedEntity.objects.filter(uscc=data["entity_credit_code"].strip()),
                                 user=request.user).first()  # fmt: skip
        try:
            if entity is None:
                raise ApplicationError(_("No regulated entity in your jurisdiction has this credit code. Check the "
                                         "code, or register the entity first."))  # fmt: skip
            device = services.device_save(actor=request.user, data=services.DeviceInput(
                entity_id=entity.pk, outlet_code=data["outlet_code"], outlet_name=data["outlet_name"],
                outlet_kind=data["outlet_kind"], mn=data["mn"], password=data["password"], protocol=data["protocol"],
                sm4_key=data["sm4_key"], pollutants=data["pollutants"].replace("；", ";").split(";"),
                standard=data["standard"] or None, category=data["category"] or None,
            ))  # fmt: skip
            messages.success(request, _("Device %(mn)s is registered; the gateway admits it within seconds.")
                             % {"mn": device.mn})  # fmt: skip
            for notice in device.limit_notices:
                messages.warning(request, notice)
            return redirect("monitoring:device", mn=device.mn)
        except ApplicationError as exc:
            form_add_errors(form, exc)
    return render(request, "monitoring/device_register.html", {"form": form})
