"""The firm's pages (执法服务): its home, rectification tasks, self-inspections, disclosure reports, the compliance
calendar and help visits. Every read goes through `compliance.selectors` (a firm reaches its own facilities only:
anything else is "not found"); every write through `compliance.services`. Pages never write on load."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecoenforce.compliance import sections as disclosure_sections
from ecoenforce.compliance import selfcheck
from ecoenforce.compliance.files import MAX_FILE_BYTES, MAX_FILES
from ecoenforce.compliance.models import DisclosureReport, Rectification
from ecoenforce.compliance.obligations import obligations_for_firm
from ecoenforce.compliance.selectors import (
    AWAITING_FIRM,
    disclosure_reports_for_firm,
    firm_entities,
    firm_entity_get,
    help_visits_for_firm,
    rectification_file_for_user,
    rectification_get,
    rectifications_for_firm,
    require_firm,
    self_inspection_get,
    self_inspections_for_firm,
)
from ecoenforce.compliance.services import (
    disclosure_publish,
    disclosure_save,
    rectification_submit,
    self_inspection_record,
)
from ecoenforce.compliance.workflow import FIRM, actions_available
from ecoenforce.core.errors import ApplicationError, ValidationFailed
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.warnings.notices import entity_open_matters


def _fail(request: HttpRequest, exc: ApplicationError) -> dict:
    if exc.status in (403, 404):
        raise exc
    messages.error(request, str(exc.message))
    return exc.details or {}


def _files(request: HttpRequest) -> list[tuple[str, bytes]]:
    uploads = request.FILES.getlist("attachments")
    if getattr(request, "upload_too_large", False):
        raise ValidationFailed(_("A file is larger than %(mb)d MB. Send a smaller scan or split it.")
                               % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
                               details={"attachments": [_("Too large.")]})
    return [(u.name, upload_read(request, u, max_bytes=MAX_FILE_BYTES)) for u in uploads[:MAX_FILES + 1]]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One page that tells the firm what to do next: its facilities and what is open on each, the tasks and
    notices by deadline, the calendar's next obligations, the latest help visits."""
    today = timezone.localdate()
    entities = list(firm_entities(user=request.user))
    facilities = [{"entity": e, "matters": entity_open_matters(e)} for e in entities]
    obligations = obligations_for_firm(user=request.user, today=today, horizon_days=90)
    return render(request, "compliance/home.html", {
        "facilities": facilities, "today": today, "obligations": obligations[:12],
        "overdue": sum(1 for o in obligations if o.due < today),
        "rectifications": list(rectifications_for_firm(user=request.user, status="open")[:10]),
        "visits": list(help_visits_for_firm(user=request.user)[:3]),
        "drafts": list(disclosure_reports_for_firm(user=request.user).filter(status=DisclosureReport.Status.DRAFT)),
    })


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = rectifications_for_firm(user=request.user, status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "compliance/rectification_list.html", {
        "page": page, "status": status, "statuses": Rectification.Status.choices, "today": timezone.localdate()})


@login_required
def rectification_detail(request: HttpRequest, rectification_id: int) -> HttpResponse:
    """A task: what to put right by when, its history, and the evidence form while it awaits the firm."""
    require_firm(request.user)
    task = rectification_get(user=request.user, rectification_id=rectification_id)
    errors: dict = {}
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            rectification_submit(actor=request.user, rectification_id=task.pk, text=text, files=_files(request))
            messages.success(request, _("The task was closed.") if task.own
                             else _("Your evidence was sent to the bureau."))
            return redirect("compliance:rectification_detail", rectification_id=task.pk)
        except ApplicationError as exc:
            errors = _fail(request, exc)
    return render(request, "compliance/rectification_detail.html", {
        "task": task, "steps": task.steps.select_related("actor").prefetch_related("files"), "errors": errors,
        "text": text, "can_act": bool(actions_available(task.status, actor=FIRM, own=task.own)),
        "overdue": task.status in AWAITING_FIRM and task.deadline < timezone.localdate(),
        "max_files": MAX_FILES, "max_mb": MAX_FILE_BYTES // (1024 * 1024)}, status=422 if errors else 200)


@login_required
def rectification_file(request: HttpRequest, file_id: int) -> FileResponse:
    """An evidence file: for the firm of that facility, or staff whose jurisdiction holds it; always a download."""
    f, path = rectification_file_for_user(user=request.user, file_id=file_id)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f.name, content_type=f.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def self_inspection_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(self_inspections_for_firm(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "compliance/self_inspection_list.html", {
        "page": page, "entities": firm_entities(user=request.user),
        "templates": {t.key: _(t.title) for t in selfcheck.TEMPLATES}})


def _items(template, answers: dict) -> list[dict]:
    return [{"key": i.key, "text": _(i.text), **(answers.get(i.key) or {})} for i in template.items]


@login_required
def self_inspection_new(request: HttpRequest, entity_id: int) -> HttpResponse:
    """This quarter's checklist for one facility; problems become the firm's own rectification tasks."""
    entity = firm_entity_get(user=request.user, entity_id=entity_id)
    template = selfcheck.template_for(entity.industry.code)
    answers: dict = {}
    errors: dict = {}
    if request.method == "POST":
        answers = {i.key: {"answer": request.POST.get(f"{i.key}-answer", ""),
                           "note": request.POST.get(f"{i.key}-note", ""),
                           "due": request.POST.get(f"{i.key}-due", "")} for i in template.items}
        try:
            record = self_inspection_record(actor=request.user, entity_id=entity.pk, answers=answers)
            messages.success(request, _("The self-inspection was recorded.") if not record.problems else
                             _("The self-inspection was recorded; each problem is now a rectification task."))
            return redirect("compliance:self_inspection_detail", inspection_id=record.pk)
        except ApplicationError as exc:
            errors = _fail(request, exc)
    start, end = selfcheck.period_of(timezone.localdate())
    return render(request, "compliance/self_inspection_form.html", {
        "entity": entity, "template_title": _(template.title), "items": _items(template, answers), "errors": errors,
        "period_start": start, "period_end": end}, status=422 if errors else 200)


@login_required
def self_inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    require_firm(request.user)
    record = self_inspection_get(user=request.user, inspection_id=inspection_id)
    template = selfcheck.BY_KEY.get(record.template, selfcheck.BY_KEY["general"])
    return render(request, "compliance/self_inspection_detail.html", {
        "record": record, "template_title": _(template.title), "items": _items(template, record.answers),
        "tasks": record.rectifications.all()})


@login_required
def disclosure_list(request: HttpRequest) -> HttpResponse:
    """My annual reports (drafts and published) and a form to start one."""
    today = timezone.localdate()
    return render(request, "compliance/disclosure_list.html", {
        "reports": disclosure_reports_for_firm(user=request.user), "entities": firm_entities(user=request.user),
        "years": list(range(today.year, 2020, -1)), "default_year": today.year - 1,
        "deadline": disclosure_sections.annual_deadline(today.year - 1)})


def _section_rows(report_sections: dict, errors: dict) -> list[dict]:
    return [{"key": s.key, "title": _(s.title), "hint": _(s.hint), "required": s.required, "carbon": s.carbon,
             "text": report_sections.get(s.key, ""), "errors": errors.get(s.key, [])}
            for s in disclosure_sections.SECTIONS]


@login_required
def disclosure_edit(request: HttpRequest, entity_id: int, year: int) -> HttpResponse:
    """The annual report of one facility and year: save the draft, or publish it (refused naming what is missing)."""
    entity = firm_entity_get(user=request.user, entity_id=entity_id)
    if not 2021 <= year <= timezone.localdate().year:
        raise Http404()
    report = disclosure_reports_for_firm(user=request.user).filter(entity=entity, year=year).first()
    errors: dict = {}
    texts = dict(report.sections) if report else {"basic": _basic_info(entity)}
    carbon = report.carbon_market if report else False
    if request.method == "POST" and not (report and report.status == DisclosureReport.Status.PUBLISHED):
        texts = {s.key: request.POST.get(s.key, "") for s in disclosure_sections.SECTIONS}
        carbon = request.POST.get("carbon_market") == "1"
        try:
            report = disclosure_save(actor=request.user, entity_id=entity.pk, year=year, sections=texts,
                                     carbon_market=carbon)
            if request.POST.get("publish") == "1":
                disclosure_publish(actor=request.user, report_id=report.pk)
                messages.success(request, _("The report was published on the public portal."))
            else:
                messages.success(request, _("The draft was saved."))
            return redirect("compliance:disclosure_edit", entity_id=entity.pk, year=year)
        except ApplicationError as exc:
            errors = _fail(request, exc)
    return render(request, "compliance/disclosure_edit.html", {
        "entity": entity, "year": year, "report": report, "carbon": carbon, "errors": errors,
        "rows": _section_rows(texts, errors), "deadline": disclosure_sections.annual_deadline(year),
        "published": bool(report and report.status == DisclosureReport.Status.PUBLISHED)},
        status=422 if errors else 200)


def _basic_info(entity) -> str:
    """What the registry knows, to start the basic-information section (the firm completes it)."""
    parts = [f"{_('Name')}: {entity.name}", f"{_('Unified social credit code')}: {entity.uscc}",
             f"{_('Address')}: {entity.address}", f"{_('Industry')}: {entity.industry}"]
    if entity.legal_representative:
        parts.append(f"{_('Legal representative')}: {entity.legal_representative}")
    return "\n".join(parts)


@login_required
@require_POST
def disclosure_start(request: HttpRequest) -> HttpResponse:
    """Go to the report of the chosen facility and year (created on its first save)."""
    entity = firm_entity_get(user=request.user, entity_id=request.POST.get("entity", ""))
    year = request.POST.get("year", "")
    if not year.isdigit():
        messages.error(request, _("Choose the year the report is about."))
        return redirect("compliance:disclosures")
    return redirect("compliance:disclosure_edit", entity_id=entity.pk, year=int(year))


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Every dated obligation of my facilities for the coming year (the overdue ones first); reminders are sent
    30, 7 and 1 days before by the daily job."""
    today = timezone.localdate()
    return render(request, "compliance/calendar.html", {
        "obligations": obligations_for_firm(user=request.user, today=today), "today": today})


@login_required
def help_visits(request: HttpRequest) -> HttpResponse:
    page = Paginator(help_visits_for_firm(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "compliance/help_visits.html", {"page": page, "staff": False})


@login_required
def monitoring(request: HttpRequest) -> HttpResponse:
    """The firm's own monitoring: each facility's devices (online or not, the newest hourly readings the bureau
    received) and the warnings raised on its data in the last year with what the bureau did about each."""
    from ecoenforce.compliance.selectors import MONITORING_WARNING_DAYS, firm_monitoring
    from ecoenforce.monitoring.factors import factor_name
    from ecoenforce.monitoring.selectors import (
        annotate_status,
        lake_refresh,
        last_frame_times,
        latest_readings,
    )
    from ecoenforce.warnings.labels import rule_label

    require_firm(request.user)
    today = timezone.localdate()
    facilities = firm_monitoring(user=request.user, today=today)
    if any(f["devices"] for f in facilities):
        lake_refresh()
        times = last_frame_times()
        for f in facilities:
            f["devices"] = [{"device": d, "readings": latest_readings(d, kind="hour", days=3)}
                            for d in annotate_status(f["devices"], times)]
    for f in facilities:
        f["warnings"] = [{"warning": w, "rule": rule_label(w.rule), "notice": getattr(w, "notice", None),
                          "pollutant": factor_name(w.pollutant) if w.pollutant else ""} for w in f["warnings"]]
    return render(request, "compliance/monitoring.html", {"facilities": facilities, "days": MONITORING_WARNING_DAYS})
