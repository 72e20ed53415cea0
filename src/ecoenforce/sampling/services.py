"""Sampling writes: the request, samples and their chain of custody, the lab's result, closing and cancelling,
the lead an exceedance raises. Each is one transaction with one audit event; each move is checked against
`sampling.workflow`."""

from __future__ import annotations

import datetime as dt
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ecoenforce.core.access import STAFF_ROLES, get_in_scope, has_role, require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.calendar import deadline_in_working_days
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import Organization, User
from ecoenforce.sampling.factors import Medium, factors_for
from ecoenforce.sampling.judge import judge, unit_normal
from ecoenforce.sampling.models import (
    STEP_LABELS,
    CustodyStep,
    RequestedFactor,
    Result,
    Sample,
    SamplingRequest,
    Turnaround,
)
from ecoenforce.sampling.selectors import is_station_member, stations_for
from ecoenforce.sampling.workflow import (
    BOTH_PARTIES,
    Status,
    Step,
    custody_problem,
    next_step,
    transition_for,
)

REQUEST_ROLES = ("inspector", "unit_leader")
DEFAULT_TURNAROUND = {Medium.WASTE_WATER: 5, Medium.WASTE_GAS: 5, Medium.SOIL: 15, Medium.SOLID_WASTE: 15}
CLOCK_SKEW = dt.timedelta(minutes=10)  # a time this far ahead of the server's clock is refused


def turnaround_days(medium: str) -> int:
    """The working days the station has for this medium (the administrator's table, else the defaults)."""
    row = Turnaround.objects.filter(medium=medium).first()
    return row.working_days if row is not None else DEFAULT_TURNAROUND.get(medium, 10)


def _next_number(now: dt.datetime) -> str:
    prefix = f"JC{timezone.localtime(now):%Y}-"
    last = (SamplingRequest.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{(int(last[len(prefix):]) + 1 if last else 1):04d}"


def _origin(actor: User, *, case_id, lead_id, task_id):
    """(case, lead, task, entity) of the one origin given, each read through the actor's reach."""
    from ecoenforce.cases.selectors import case_get_for_user
    from ecoenforce.leads.selectors import lead_get_for_user
    from ecoenforce.planning.tasks import task_get_for_user

    given = [x for x in (case_id, lead_id, task_id) if x not in (None, "")]
    if len(given) != 1:
        raise ValidationFailed(_("Say what the sampling is for: one case, one lead or one drawn inspection task."),
                               details={"origin": [_("Give exactly one of case, lead or task.")]})
    if case_id not in (None, ""):
        case = case_get_for_user(user=actor, case_id=case_id)
        return case, None, None, case.entity
    if lead_id not in (None, ""):
        lead = lead_get_for_user(user=actor, lead_id=lead_id)
        if lead.entity_id is None:
            raise ValidationFailed(_("This lead names no entity: record the entity on the lead first, then request "
                                     "sampling."), details={"lead": [_("No entity.")]})
        return None, lead, None, lead.entity
    task = task_get_for_user(user=actor, task_id=task_id)
    return None, None, task, task.entity


def _factors(medium: str, codes: list[str], methods: dict | None) -> list[RequestedFactor]:
    known = {f.code: f for f in factors_for(medium)}
    codes = [c for c in dict.fromkeys(str(c).strip() for c in codes or []) if c]
    if not codes:
        raise ValidationFailed(_("Choose at least one factor to measure."), details={"factors": [_("Required.")]})
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationFailed(_("The station does not measure %(codes)s in this medium; choose from the list.")
                               % {"codes": ", ".join(unknown)}, details={"factors": [_("Choose from the list.")]})
    rows = []
    for code in codes:
        f = known[code]
        method = str((methods or {}).get(code) or "").strip() or f.method
        rows.append(RequestedFactor(code=code, name=str(f.name), unit=f.unit, method=method[:120]))
    return rows


@transaction.atomic
def request_create(*, actor: User, medium: str, factors: list[str], case_id=None, lead_id=None, task_id=None,
                   station_id=None, outlet_id=None, point_id=None, location: str = "", purpose: str = "",
                   standard_id=None, category: str = "", methods: dict | None = None,
                   now: dt.datetime | None = None) -> SamplingRequest:
    """Send a sampling request to the monitoring station from a case, a lead or a drawn task."""
    from ecoenforce.monitoring.models import MonitoringPoint, Outlet
    from ecoenforce.warnings.models import EmissionLimit, EmissionStandard

    require_role(actor, REQUEST_ROLES)
    case, lead, task, entity = _origin(actor, case_id=case_id, lead_id=lead_id, task_id=task_id)
    errors: dict[str, list] = {}
    if medium not in Medium.values:
        raise ValidationFailed(_("Choose what is sampled: waste water, waste gas, soil or solid waste."),
                               details={"medium": [_("Choose from the list.")]})
    rows = _factors(medium, factors, methods)
    stations = stations_for(entity)
    station = stations.filter(pk=station_id).first() if str(station_id or "").isdigit() else \
        (stations.first() if station_id in (None, "") else None)
    if station is None:
        errors["station"] = [_("Choose a monitoring station whose area covers the entity.")]
    outlet = point = None
    if str(point_id or "").strip():
        point = MonitoringPoint.objects.select_related("outlet", "device").filter(
            pk=point_id if str(point_id).isdigit() else None, outlet__entity=entity).first()
        if point is None:
            errors["point"] = [_("Choose one of this entity's monitoring points.")]
        else:
            outlet = point.outlet
    if str(outlet_id or "").strip() and outlet is None:
        outlet = Outlet.objects.filter(pk=outlet_id if str(outlet_id).isdigit() else None, entity=entity).first()
        if outlet is None:
            errors["outlet"] = [_("Choose one of this entity's outlets.")]
    standard = None
    if str(standard_id or "").strip():
        standard = EmissionStandard.objects.filter(pk=standard_id if str(standard_id).isdigit() else None).first()
        if standard is None:
            errors["standard"] = [_("Choose a standard from the list.")]
        elif not EmissionLimit.objects.filter(standard=standard, category=category.strip()).exists():
            errors["category"] = [_("Choose the category of this standard that applies to the entity.")]
    elif category.strip():
        errors["standard"] = [_("Choose the standard the category belongs to.")]
    if not (outlet or point or location.strip()):
        errors["location"] = [_("Say where to sample: an outlet, a monitoring point or the place in words.")]
    if errors:
        raise ValidationFailed(_("The request is not complete: see the marked fields."), details=errors)
    now = now or timezone.now()
    days = turnaround_days(medium)
    due = deadline_in_working_days(timezone.localtime(now).date(), days)
    req = SamplingRequest.objects.create(
        number=_next_number(now), medium=medium, entity=entity, region=entity.region, outlet=outlet, point=point,
        location=location.strip()[:200], purpose=purpose.strip(), standard=standard,
        category=category.strip() if standard else "", station=station, case=case, lead=lead, task=task,
        requested_by=actor, requested_at=now, turnaround_days=days, due_on=due.due, due_provisional=due.provisional)
    for row in rows:
        row.request = req
    RequestedFactor.objects.bulk_create(rows)
    audit_record(actor=actor, obj=req, action="sampling.request", after={
        "number": req.number, "medium": medium, "entity": entity.pk, "station": station.pk,
        "factors": [r.code for r in rows], "methods": {r.code: r.method for r in rows}, "due_on": req.due_on,
        "case": case.pk if case else None, "lead": lead.pk if lead else None, "task": task.pk if task else None,
        "point": point.pk if point else None, "standard": standard.pk if standard else None, "category": req.category})
    return req


def _lock(actor: User, request_id) -> SamplingRequest:
    if not has_role(actor, STAFF_ROLES):
        raise NotFound()
    return get_in_scope(SamplingRequest.objects.select_for_update(of=("self",)).select_related("region", "entity"),
                        user=actor, pk=request_id)


def _move(actor: User, req: SamplingRequest, action: str) -> Status:
    t = transition_for(req.status, action)
    if t is None:
        raise InvalidTransition(_("This step is not possible now: the request is %(status)s.")
                                % {"status": req.status_label}, code="invalid_transition")
    if not has_role(actor, t.roles) or (t.station_only and not is_station_member(actor, req)):
        raise PermissionDenied(_("Only the monitoring station's staff record this.") if t.station_only else None)
    return t.target


def _when(raw, field: str, *, not_before: dt.datetime | None = None) -> dt.datetime:
    if isinstance(raw, str):
        from django.utils.dateparse import parse_datetime

        raw = raw.strip()
        parsed = parse_datetime(raw) if raw else None
        if raw and parsed is None:
            raise ValidationFailed(_("Give the time as YYYY-MM-DD HH:MM."), details={field: [_("Check the time.")]})
        raw = parsed
    when = raw or timezone.now()
    try:
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        timezone.localtime(when)
    except (OverflowError, ValueError):
        when = None
    if when is None or when.year < 2000:
        raise ValidationFailed(_("Give the time as YYYY-MM-DD HH:MM."), details={field: [_("Check the time.")]})
    if when > timezone.now() + CLOCK_SKEW:
        raise ValidationFailed(_("The time %(t)s is in the future: check the device's clock.")
                               % {"t": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")},
                               details={field: [_("Not in the future.")]})
    if not_before is not None and when < not_before:
        raise ValidationFailed(
            _("The time %(t)s is before the previous step of this sample (%(prev)s): the chain runs forward in time.")
            % {"t": timezone.localtime(when).strftime("%Y-%m-%d %H:%M"),
               "prev": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")},
            details={field: [_("After the previous step.")]})
    return when


@transaction.atomic
def sample_record(*, actor: User, request_id, sample_no: str, container: str, samplers: str, preservation: str = "",
                  location: str = "", sampled_at=None, note: str = "") -> Sample:
    """Record a sample taken (the first link of its chain of custody, by its samplers)."""
    req = _lock(actor, request_id)
    target = _move(actor, req, "record_sample")
    errors = {}
    sample_no, container, samplers = sample_no.strip(), container.strip(), samplers.strip()
    if not sample_no:
        errors["sample_no"] = [_("Required.")]
    elif Sample.objects.filter(sample_no=sample_no).exists():
        errors["sample_no"] = [_("Sample number %(n)s is already used; every sample has its own number.")
                               % {"n": sample_no}]
    if not container:
        errors["container"] = [_("Required.")]
    if not samplers:
        errors["samplers"] = [_("Name who took the sample.")]
    if errors:
        raise ValidationFailed(_("The sample is not complete: see the marked fields."), details=errors)
    # On site the sample is often taken before the request is written up: only a time ahead of now is refused.
    at = _when(sampled_at, "sampled_at")
    sample = Sample.objects.create(request=req, sample_no=sample_no[:40], container=container[:80],
                                   preservation=preservation.strip()[:120], samplers=samplers[:120],
                                   location=(location.strip() or req.location)[:200], step=Step.SAMPLED)
    CustodyStep.objects.create(sample=sample, step=Step.SAMPLED, at=at, from_party=samplers[:120],
                               note=note.strip()[:300], recorded_by=actor)
    before = req.status
    req.status = target
    req.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, obj=req, action="sampling.sample", before={"status": before}, after={
        "status": req.status, "sample": sample.sample_no, "container": sample.container,
        "preservation": sample.preservation, "samplers": sample.samplers, "at": at})
    return sample


CUSTODY_MESSAGES = {
    "unknown_step": gettext_noop("Unknown custody step."),
    "complete": gettext_noop("Sample %(sample)s is already received by the lab: its chain of custody is complete."),
    "out_of_order": gettext_noop("Out of order: sample %(sample)s is at “%(last)s”; the next step is “%(next)s”, not “%(step)s”."),
    "seal_missing": gettext_noop("Give the number of the seal put on sample %(sample)s."),
    "seal_broken": gettext_noop("The seal of sample %(sample)s is broken: the hand-over is refused. A sample whose seal is broken "
                   "cannot be evidence; note what happened and take a new sample."),
    "seal_mismatch": gettext_noop("The seal on sample %(sample)s is not the one recorded at sealing (%(recorded)s, seen "
                     "%(seen)s): the hand-over is refused. Check the number; if the seal was changed, take a new "
                     "sample."),
}


@transaction.atomic
def custody_step_record(*, actor: User, sample_id, step: str, from_party: str, to_party: str = "",
                        seal_no: str = "", seal_intact: bool = True, at=None, note: str = "") -> CustodyStep:
    """Append the next link of a sample's chain: sealed, handed to the lab, received (in this order only; a broken
    or different seal is refused). The last sample received moves the request to the lab."""
    if not has_role(actor, STAFF_ROLES):
        raise NotFound()
    sample = Sample.objects.filter(pk=sample_id if str(sample_id).isdigit() else None).values("request_id").first()
    if sample is None:
        raise NotFound()
    req = _lock(actor, sample["request_id"])
    sample = Sample.objects.select_for_update().get(pk=sample_id)
    _move(actor, req, "custody_step")
    done = list(sample.steps.order_by("at", "id").values_list("step", flat=True))
    problem = custody_problem(done=done, step=step, seal_recorded=sample.seal_no, seal_seen=seal_no,
                              seal_intact=seal_intact)
    if problem:
        expected = next_step(done)
        message = _(CUSTODY_MESSAGES[problem]) % {
            "sample": sample.sample_no, "last": STEP_LABELS.get(done[-1], "") if done else "",
            "next": STEP_LABELS.get(expected, "") if expected else "", "step": STEP_LABELS.get(step, step),
            "recorded": sample.seal_no, "seen": seal_no.strip() or "—"}
        raise InvalidTransition(message, code=f"custody_{problem}", details={"step": [message]})
    errors = {}
    if not from_party.strip():
        errors["from_party"] = [_("Name who sealed or handed over the sample.")]
    if step in BOTH_PARTIES and step != Step.SEALED and not to_party.strip():
        errors["to_party"] = [_("Name who took the sample over.")]
    if step == Step.RECEIVED and not is_station_member(actor, req):
        raise PermissionDenied(_("Only the monitoring station's staff record that the lab received a sample."))
    if errors:
        raise ValidationFailed(_("Both parties of a hand-over are named: see the marked fields."), details=errors)
    previous = sample.steps.order_by("-at", "-id").values_list("at", flat=True).first()
    when = _when(at, "at", not_before=previous)
    row = CustodyStep.objects.create(sample=sample, step=step, at=when, from_party=from_party.strip()[:120],
                                     to_party=to_party.strip()[:120], seal_no=seal_no.strip()[:40],
                                     seal_intact=bool(seal_intact), note=note.strip()[:300], recorded_by=actor)
    sample.step = step
    fields = ["step"]
    if step == Step.SEALED:
        sample.seal_no = seal_no.strip()[:40]
        fields.append("seal_no")
    sample.save(update_fields=fields)
    before = req.status
    if step == Step.RECEIVED and not req.samples.exclude(step=Step.RECEIVED).exists():
        req.status = _move(actor, req, "lab_received")
        req.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, obj=req, action="sampling.custody", before={"status": before}, after={
        "status": req.status, "sample": sample.sample_no, "step": step, "at": when, "from": row.from_party,
        "to": row.to_party, "seal": row.seal_no, "seal_intact": row.seal_intact})
    return row


def _number(raw, field: str, errors: dict) -> float | None:
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        errors[field] = [_("Enter a number, e.g. 23.5.")]
        return None
    if not math.isfinite(value):
        errors[field] = [_("Enter a number, e.g. 23.5.")]
        return None
    if value < 0:
        errors[field] = [_("A measured value or detection limit is not negative.")]
        return None
    return value


def applicable_limit(req: SamplingRequest, code: str):
    """(basis, EmissionLimit) for a factor: the monitoring point's own limit if it has one, else the limit of the
    request's standard and category, else ("", None)."""
    from ecoenforce.warnings.models import Averaging, EmissionLimit, PointLimit

    if req.point_id is not None:
        pl = (PointLimit.objects.select_related("limit__standard")
              .filter(device_id=req.point.device_id, pollutant=code, valid_to__isnull=True).order_by("averaging").first())  # fmt: skip
        if pl is not None:
            return SamplingRequest.LimitBasis.POINT, pl.limit
    if req.standard_id is not None:
        rank = {Averaging.INSTANT: 0, Averaging.HOUR: 1, Averaging.DAY: 2}
        limits = sorted(EmissionLimit.objects.select_related("standard").filter(
            standard_id=req.standard_id, category=req.category, pollutant=code), key=lambda lim: rank.get(lim.averaging, 3))
        if limits:
            return SamplingRequest.LimitBasis.STANDARD, limits[0]
    return SamplingRequest.LimitBasis.NONE, None


REPORT_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
REPORT_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def result_record(*, actor: User, request_id, rows: list[dict], report_number: str, conclusion: str = "",
                  report: bytes | None = None, report_name: str = "") -> SamplingRequest:
    """The lab's result: per sample and factor the value (or not detected), unit, method and detection limit,
    judged against the point's or the standard's limit; the report file kept in the file store. The request is
    then reported; a request from a case attaches the report to the case as evidence."""
    req = _lock(actor, request_id)
    target = _move(actor, req, "report")
    samples = {s.pk: s for s in req.samples.all()}
    factors = {f.pk: f for f in req.factors.all()}
    by_code = {f.code: f for f in factors.values()}
    errors: dict[str, list] = {}
    if not report_number.strip():
        errors["report_number"] = [_("Give the number of the lab's report.")]
    seen: dict[tuple[int, int], dict] = {}
    for i, raw in enumerate(rows or []):
        sample = samples.get(int(raw.get("sample_id"))) if str(raw.get("sample_id", "")).isdigit() else None
        factor = (factors.get(int(raw["factor_id"])) if str(raw.get("factor_id", "")).isdigit()
                  else by_code.get(str(raw.get("factor", ""))))
        if sample is None or factor is None:
            errors[f"rows.{i}"] = [_("Each result names one of this request's samples and factors.")]
            continue
        key = f"{sample.pk}-{factor.pk}"
        not_detected = bool(raw.get("not_detected"))
        value = _number(raw.get("value"), f"value-{key}", errors)
        dl = _number(raw.get("detection_limit"), f"dl-{key}", errors)
        if value is None and not not_detected and f"value-{key}" not in errors:
            errors[f"value-{key}"] = [_("Enter the value, or tick “not detected”.")]
        if not_detected and dl is None:
            errors[f"dl-{key}"] = [_("A value not detected needs the method's detection limit.")]
        method = str(raw.get("method") or "").strip() or factor.method
        seen[(sample.pk, factor.pk)] = {"sample": sample, "factor": factor, "value": value, "dl": dl,
                                        "not_detected": not_detected, "method": method[:120],
                                        "unit": unit_normal(str(raw.get("unit") or factor.unit))[:16]}
    missing = [f"{s.sample_no} · {f.name}" for s in samples.values() for f in factors.values()
               if (s.pk, f.pk) not in seen]
    if missing and not errors:
        errors["rows"] = [_("A result is missing for: %(which)s.") % {"which": "、".join(missing)}]
    if report is None or not report:
        errors["report"] = [_("Attach the lab's report (PDF or a photo of it).")]
    if errors:
        raise ValidationFailed(_("The result is not complete: see the marked fields."), details=errors)
    blob = _report_store(report)
    results = []
    for item in seen.values():
        value, dl = item["value"], item["dl"]
        below = item["not_detected"] or (value is not None and dl is not None and value < dl)
        basis, limit = applicable_limit(req, item["factor"].code)
        res = Result(sample=item["sample"], factor=item["factor"], value=None if below else value, below_dl=below,
                     unit=item["unit"], method=item["method"], detection_limit=dl, limit_basis=basis, limit=limit)
        if limit is not None:
            verdict = judge(value=res.value, below_dl=below, unit=res.unit, limit=limit.limit_value,
                            limit_unit=limit.unit, limit_min=limit.limit_min)
            res.limit_value, res.limit_min = verdict.limit_in_unit, verdict.limit_min_in_unit
            res.exceeded, res.exceedance_ratio, res.not_judged = verdict.exceeded, verdict.ratio, verdict.problem
        results.append(res)
    Result.objects.bulk_create(results)
    from ecoenforce.core.files import display_name

    now = timezone.now()
    req.status, req.reported_at, req.reported_by = target, now, actor
    req.report_number, req.conclusion = report_number.strip()[:40], conclusion.strip()
    req.report_sha256, req.report_size, req.report_type = blob.sha256, blob.size, blob.content_type or ""
    req.report_name = display_name(report_name or f"{req.number}-report",
                                   {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
                                    "image/webp": "webp"}[blob.content_type])[:120]
    req.save()
    exceeded = [r for r in results if r.exceeded]
    audit_record(actor=actor, obj=req, action="sampling.report", before={"status": Status.IN_LAB}, after={
        "status": req.status, "report_number": req.report_number, "report_sha256": blob.sha256,
        "results": [{"sample": r.sample.sample_no, "factor": r.factor.code, "value": r.value, "below_dl": r.below_dl,
                     "unit": r.unit, "dl": r.detection_limit, "limit": r.limit_value, "basis": r.limit_basis,
                     "ratio": r.exceedance_ratio, "exceeded": r.exceeded} for r in results],
        "exceeded": len(exceeded)})
    if req.case_id is not None:
        _attach_to_case(actor=actor, req=req, data=report, sha=blob.sha256)
    return req


def _report_store(data: bytes):
    from ecoenforce.core.files import blob_put, sniff_type

    kind = sniff_type(data[:65536] if len(data) > 65536 else data)
    if kind not in REPORT_TYPES:
        raise ValidationFailed(_("The report must be a PDF or an image (JPEG, PNG, WebP); this file is not."),
                               details={"report": [_("PDF or image only.")]})
    return blob_put(data, max_bytes=REPORT_MAX_BYTES)


def _attach_to_case(*, actor: User, req: SamplingRequest, data: bytes, sha: str) -> None:
    """The lab report becomes evidence of the case the request came from (the on-site lane's evidence store)."""
    from ecoenforce.onsite.services import evidence_add

    evidence = evidence_add(user=actor, data=data, declared_sha256=sha, kind="document", case=req.case,
                            original_name=req.report_name, captured_at=req.reported_at)
    req.evidence_id = evidence.pk
    req.save(update_fields=["evidence_id", "updated_at"])


@transaction.atomic
def request_close(*, actor: User, request_id, note: str = "") -> SamplingRequest:
    """The requester has read the result: the request is closed."""
    req = _lock(actor, request_id)
    req.status = _move(actor, req, "close")
    req.closed_at = timezone.now()
    req.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=actor, obj=req, action="sampling.close", before={"status": Status.REPORTED},
                 after={"status": req.status}, reason=note.strip())
    return req


@transaction.atomic
def request_cancel(*, actor: User, request_id, reason: str) -> SamplingRequest:
    """Withdraw a request before the lab has its samples, with the reason."""
    req = _lock(actor, request_id)
    before = req.status
    target = _move(actor, req, "cancel")
    if not reason.strip():
        raise ValidationFailed(_("Say why the request is cancelled."), details={"reason": [_("Required.")]})
    req.status, req.cancel_reason, req.closed_at = target, reason.strip(), timezone.now()
    req.save(update_fields=["status", "cancel_reason", "closed_at", "updated_at"])
    audit_record(actor=actor, obj=req, action="sampling.cancel", before={"status": before},
                 after={"status": req.status}, reason=req.cancel_reason)
    return req


def ratio_text(ratio: float | None) -> str:
    return f"{ratio:.2f}" if ratio is not None else ""


@transaction.atomic
def request_raise_lead(*, actor: User, request_id):
    """An exceedance in the lab's result becomes a lead in the entity's county inbox (once per request)."""
    from ecoenforce.leads.models import Lead
    from ecoenforce.leads.services import lead_create

    req = _lock(actor, request_id)
    require_role(actor, REQUEST_ROLES)
    if req.raised_lead_id is not None:
        raise InvalidTransition(_("A lead was already raised from this result: %(n)s.")
                                % {"n": req.raised_lead.number}, code="lead_exists")
    exceeded = list(Result.objects.filter(sample__request=req, exceeded=True).select_related("factor", "sample"))
    if req.status not in (Status.REPORTED, Status.CLOSED) or not exceeded:
        raise InvalidTransition(_("Only a reported result with an exceedance raises a lead."), code="no_exceedance")
    lines = []
    for r in exceeded:
        shown = f"{r.value:g} {r.unit}" if r.value is not None else "—"
        limit = f"{r.limit_value:g} {r.unit}" if r.limit_value is not None else "—"
        multiple = _("%(r)s times over the limit") % {"r": ratio_text(r.exceedance_ratio)} if r.exceedance_ratio is not None else ""
        lines.append(f"{r.sample.sample_no} {r.factor.name} {shown} / {limit} {multiple}".strip())
    names = "、".join(dict.fromkeys(r.factor.name for r in exceeded))
    lead, _created = lead_create(
        source=Lead.Source.SAMPLING, entity=req.entity, created_by=actor, external_ref=f"sampling:{req.pk}",
        title=_("Enforcement monitoring found %(factors)s over the limit") % {"factors": names},
        location=req.location or (str(req.outlet) if req.outlet_id else ""),
        description="\n".join([_("Lab report %(n)s of sampling request %(r)s:") % {"n": req.report_number, "r": req.number},
                               *lines]))
    req.raised_lead = lead
    req.save(update_fields=["raised_lead", "updated_at"])
    audit_record(actor=actor, obj=req, action="sampling.raise_lead", after={"lead": lead.number})
    return lead


def station_ensure(*, name: str, region, short_name: str = "监") -> Organization:
    """The monitoring station of a region (created once; for the demo and first setup)."""
    org, _created = Organization.objects.get_or_create(
        name=name, defaults={"short_name": short_name, "kind": Organization.Kind.MONITORING_STATION, "region": region})
    return org
