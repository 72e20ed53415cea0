"""Case pages: the list (filters, export) and the case file with its workflow actions and timeline."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases import case_documents, daily_penalty_services, documents, services
from ecoenforce.cases.discretion import decision_assess, discretion_choices, explanation_lines
from ecoenforce.cases.documents import DocumentUnavailable
from ecoenforce.cases.models import STAGE_CHOICES, STAGE_LABELS, CorrectionOrder, Hearing
from ecoenforce.cases.panels import case_panels
from ecoenforce.cases.procedure_services import payment_owed
from ecoenforce.cases.queue import next_step
from ecoenforce.cases.selectors import (
    CaseFilters,
    case_actions_for_user,
    case_get_for_user,
    case_list_for_user,
)
from ecoenforce.cases.workflow import INSPECTOR, LEADER, ORDER, Stage, stage_index
from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.audit import audit_timeline
from ecoenforce.core.errors import ApplicationError, NotFound, ValidationFailed
from ecoenforce.core.filters import Column, export_list
from ecoenforce.core.models import Region, User
from ecoenforce.registry.catalogue.models import MatterKind, PenaltyKind
from ecoenforce.registry.catalogue.selectors import matters_current
from ecoenforce.registry.catalogue.services import matter_current

# The steps whose form is the penalty form (matter, discretion facts, fine, other penalties).
PENALTY_FORMS = ("decide", "propose_penalty")

ACTION_LABELS = {
    "open": _("Case proposed for filing"),
    "approve_filing": _("Approve the filing"),
    "reject_filing": _("Refuse the filing"),
    "start_investigation": _("Start investigation"),
    "submit_for_review": _("Submit for case review"),
    "return_for_evidence": _("Return for more evidence"),
    "send_to_legal_review": _("Send to legal review"),
    "proceed_to_notice": _("Go to advance notice (not a major decision: no legal review)"),
    "close_without_penalty": _("Close without penalty"),
    "legal_review_pass": _("Legal review: approve"),
    "legal_review_return": _("Legal review: return"),
    "serve_notice": _("Record service of the advance notice"),
    "record_waiver": _("Record the party's written waiver"),
    "decide": _("Issue penalty decision"),
    "propose_penalty": _("Record the proposed penalty"),
    "serve": _("Record service of the decision"),
    "start_execution": _("Start execution"),
    "close": _("Close the case"),
    "suspend_investigation": _("Suspend the investigation"),
    "resume_investigation": _("Resume the investigation"),
    "terminate_investigation": _("Terminate the investigation"),
    "extend_decision_limit": _("Extend the decision time limit by 30 days"),
    "request_hearing": _("Record the party's hearing request"),
    "schedule_hearing": _("Serve the hearing notice"),
    "record_hearing": _("Record the hearing"),
    "record_discussion": _("Record the collective discussion"),
    "record_payment": _("Record a payment"),
    "apply_enforcement": _("Apply to the court for enforcement"),
    "correction_order": _("Order to correct served (daily penalty)"),
    "reinspection": _("Covert re-inspection recorded"),
}

SERVICE_METHOD_LABELS = {
    "direct": _("Handed over directly"),
    "post": _("By registered post"),
    "electronic": _("Electronically (the party agreed in writing)"),
    "public_notice": _("By public notice"),
}
# The fields a procedural step may post (`Transition.records`; checked by `cases.procedure_services`).
DETAIL_FIELDS = ("request_text", "hearing_on", "place", "host", "attendees", "arguments", "outcome", "participants",
                 "conclusion", "method", "consent", "recipient", "amount", "receipt_no", "court")


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases in the jurisdiction, filterable by stage, county and overdue."""
    require_role(request.user, STAFF_ROLES)
    filters = CaseFilters.from_query(request.GET)
    qs = case_list_for_user(user=request.user, filters=filters)
    if request.GET.get("export") in ("xlsx", "csv"):
        by_key = {c.key: c for c in CaseFilters.filter_columns()}
        columns = [Column("number", _("Case number"), lambda c: c.number), Column("title", _("Title"), lambda c: c.title),
                   Column("entity", _("Entity"), lambda c: c.entity.name), by_key["region"], by_key["stage"],
                   Column("filed_on", _("Filed on"), lambda c: c.filed_on),
                   Column("stage_due", _("Stage due"), lambda c: c.stage_due),
                   Column("decision_due", _("Decision due"), lambda c: c.decision_due),
                   Column("fine", _("Fine (yuan)"), lambda c: c.fine_amount),
                   Column("decision_number", _("Decision number"), lambda c: c.decision_number)]
        return export_list(fmt=request.GET["export"], basename="cases", filters=CaseFilters, columns=columns,
                           objects=qs.iterator(chunk_size=2000))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    prefix = request.user.jurisdiction_prefix or ""
    return render(request, "cases/case_list.html", {
        "page": page, "filters": filters, "stages": STAGE_CHOICES, "today": timezone.localdate(),
        "regions": Region.objects.filter(level=Region.Level.COUNTY, code__startswith=prefix).select_related("parent"),
    })


@login_required
def decision_pdf(request: HttpRequest, case_id: int) -> HttpResponse:
    """The penalty decision as a printable PDF."""
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    response = HttpResponse(documents.decision_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{case.pk}.pdf"'
    return response


@login_required
def document_pdf(request: HttpRequest, case_id: int, kind: str) -> HttpResponse:
    """One of the case's official documents (立案审批表, 事先告知书, 听证通知书, 送达回证) as a printable PDF."""
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    try:
        body = case_documents.render_pdf(case_documents.case_document(case, kind))
    except (DocumentUnavailable, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:detail", case_id=case.pk)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{case.pk}.pdf"'
    return response


@login_required
def daily_penalty_pdf(request: HttpRequest, case_id: int, round_no: int) -> HttpResponse:
    """One round's 按日连续处罚决定书 as a printable PDF (rounds whose re-inspection found the violation going on)."""
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    order = case_documents.daily_penalty_round(case, round_no)
    try:
        body = case_documents.render_pdf(case_documents.daily_penalty_document(case, order))
    except DocumentUnavailable:
        raise
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:detail", case_id=case.pk)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="daily-penalty-{case.pk}-{order.round_no}.pdf"'
    return response


def _posted_discretion(post, choices: dict) -> dict:
    """The discretion facts of the decide form: the levels of the cited matter's benchmark, situations, apology."""
    matter = post.get("matter", "").strip()
    levels = {}
    for bench in choices["benchmarks"]:
        if matter in bench.matters:
            levels = {f.code: post.get(f"level-{bench.code}-{f.code}", "") for f in bench.factors}
    return {"levels": levels, "situations": post.getlist("situations"), "no_penalty": post.get("no_penalty", ""),
            "apology": post.get("apology") == "1", "apology_percent": post.get("apology_percent", ""),
            "exclusions": post.getlist("exclusions")}


def _proposal_as_post(case, choices: dict) -> QueryDict:
    """The proposed penalty as the penalty form's fields, so the decision (or a new proposal) starts from it."""
    proposal, facts = case.proposal, (case.discretion or {}).get("facts") or {}
    post = QueryDict(mutable=True)
    post["matter"] = matter = proposal.get("matter", "")
    for bench in choices["benchmarks"]:
        if matter in bench.matters:
            for factor, level in (facts.get("levels") or {}).items():
                post[f"level-{bench.code}-{factor}"] = level
    post.setlist("situations", facts.get("situations") or [])
    post.setlist("exclusions", facts.get("exclusions") or [])
    post.setlist("penalty_kinds", proposal.get("kinds") or [])
    post["apology"] = "1" if facts.get("apology") else ""
    post["apology_percent"] = facts.get("apology_percent") or ""
    post["no_penalty"] = facts.get("no_penalty") or ""
    if case.fine_computed is None or Decimal(proposal.get("fine") or "0") != case.fine_computed:
        post["fine_amount"] = proposal.get("fine", "")  # a typed fine; blank means "the computed one"
    post["deviation_reason"] = case.fine_deviation_reason
    return post


def _discretion_form(choices: dict, post) -> dict:
    """The decide form's discretion fields with what was posted (kept after an error or a computation)."""
    post = post or {}
    getlist = getattr(post, "getlist", lambda _key: [])
    return {
        **choices,
        "rows": [{"bench": b, "factors": [{"factor": f, "name": f"level-{b.code}-{f.code}",
                                           "selected": post.get(f"level-{b.code}-{f.code}", "")} for f in b.factors]}
                 for b in choices["benchmarks"]],
        "situations": set(getlist("situations")), "exclusions": set(getlist("exclusions")),
        "apology_on": post.get("apology") == "1", "apology_percent": post.get("apology_percent", ""),
        "no_penalty_code": post.get("no_penalty", ""),
    }


LEGAL_REVIEW_ACTIONS = ("legal_review_pass", "legal_review_return")


def _legal_review_as_one_form(actions: list[dict]) -> list[dict]:
    """The legal reviewer approves or returns with one opinion: the two steps become one form (one opinion box, a
    button each), in the place of the first; every other step keeps its own form."""
    review = [a for a in actions if a["t"].action in LEGAL_REVIEW_ACTIONS]
    if len(review) < 2:
        return actions
    merged = {"t": review[0]["t"], "label": _("Legal review"), "review": review}
    out = []
    for a in actions:
        if a["t"].action not in LEGAL_REVIEW_ACTIONS:
            out.append(a)
        elif a is review[0]:
            out.append(merged)
    return out


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case file: facts, deadlines, the steps this user may take, and the audited timeline."""
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    errors: dict = {}
    posted: dict = {}
    preview: dict = {}
    choices = None
    if request.method == "POST":
        posted = request.POST
        if request.POST.get("action") in PENALTY_FORMS:
            choices = discretion_choices(request.POST.get("matter", "").strip())
        try:
            if request.POST.get("action") == "correction_order":
                daily_penalty_services.correction_order_serve(case_id=case.pk, actor=request.user,
                                                              notes=request.POST.get("reason", ""))
            elif request.POST.get("action") == "reinspection":
                daily_penalty_services.reinspection_record(case_id=case.pk, actor=request.user,
                                                           finding=request.POST.get("finding", ""),
                                                           notes=request.POST.get("reason", ""))
            elif request.POST.get("preview") and choices is not None:
                # "Compute the fine": the discretion record for the facts entered, shown before anything is written.
                code = request.POST.get("matter", "").strip()
                if not code:
                    raise ValidationFailed(_("Choose the enforcement matter first: the benchmark depends on it."),
                                           details={"matter": [_("Required.")]})
                record = decision_assess(matter=matter_current(code), raw=_posted_discretion(request.POST, choices))
                preview = {"record": record, "lines": explanation_lines(record)}
            else:
                services.case_transition(
                    case_id=case.pk, actor=request.user, action=request.POST.get("action", ""),
                    reason=request.POST.get("reason", ""), expected_stage=request.POST.get("expected_stage"),
                    fine_amount=request.POST.get("fine_amount"), decision_text=request.POST.get("decision_text", ""),
                    matter_code=request.POST.get("matter", ""),
                    discretion=(_posted_discretion(request.POST, choices) if choices is not None
                                else {"no_penalty": request.POST.get("no_penalty", "")}),
                    deviation_reason=request.POST.get("deviation_reason", ""),
                    penalty_kinds=request.POST.getlist("penalty_kinds"),
                    details={k: request.POST.get(k, "") for k in DETAIL_FIELDS},
                )
        except ValidationFailed as exc:
            errors = {"action": request.POST.get("action"), "message": str(exc.message), "fields": exc.details}
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("cases:detail", case_id=case.pk)
        else:
            if preview:  # keep the form as entered, with the computed fine beside it
                errors = {"action": request.POST.get("action")}
            else:
                messages.success(request, _("Done: the case record was updated."))
                return redirect("cases:detail", case_id=case.pk)
    actions = _legal_review_as_one_form(
        [{"t": t, "label": ACTION_LABELS.get(t.action, t.action)} for t in case_actions_for_user(user=request.user, case=case)])
    deciding = any(a["t"].needs_decision or a["t"].proposes for a in actions)
    if request.method != "POST" and case.proposal:
        # The decision (or a new proposal after more evidence) opens with the proposed penalty filled in. `errors`
        # names the form whose typed values are shown (no message: nothing went wrong).
        form = next((a["t"].action for a in actions if a["t"].action in PENALTY_FORMS), None)
        if form:
            choices = discretion_choices(case.proposal.get("matter", ""))
            posted, errors = _proposal_as_post(case, choices), {"action": form}
    current = stage_index(case.stage)
    steps = [{"label": STAGE_LABELS[s], "done": i < current, "current": i == current} for i, s in enumerate(ORDER)]
    timeline = [
        {"event": e, "label": ACTION_LABELS.get(e.action.removeprefix("case."), e.action),
         "stage": STAGE_LABELS.get((e.after or {}).get("stage"), "")}
        for e in audit_timeline(obj=case)
    ]
    today = timezone.localdate()
    hearing = Hearing.objects.filter(case=case).select_related("host").first()
    records = {a["t"].records for a in actions}
    daily = daily_penalty_services.daily_penalty_state(case, today)
    may_act = has_role(request.user, frozenset({INSPECTOR, LEADER}))
    return render(request, "cases/case_detail.html", {
        "hearing": hearing, "discussions": case.discussions.all(), "payments": case.payments.all(),
        "owed": payment_owed(case, today), "daily": daily, "orders": case.correction_orders.all(),
        "may_order": bool(daily and may_act and daily.next == "order"),
        "may_reinspect": bool(daily and may_act and daily.next == "reinspect"),
        "findings": CorrectionOrder.Finding.choices,
        "service_methods": list(SERVICE_METHOD_LABELS.items()),
        "service_method_label": SERVICE_METHOD_LABELS.get(case.service_method, ""),
        "hosts": (User.objects.filter(organization_id=case.organization_id, is_active=True)
                  .exclude(pk__in=case.handlers.values("pk")).order_by("role", "full_name")
                  if "hearing" in records else []),
        "case": case, "actions": actions, "steps": steps, "timeline": timeline,
        "handlers": case.handlers.all(), "errors": errors, "posted": posted, "today": timezone.localdate(),
        "legal_review_actions": LEGAL_REVIEW_ACTIONS,
        "is_closed": case.stage == Stage.CLOSED, "next": next_step(case),
        "penalty_matters": (matters_current(kind=MatterKind.PENALTY) if deciding else []),
        "discretion_form": _discretion_form(choices or discretion_choices(), posted) if deciding else None,
        "no_penalty_grounds": (discretion_choices()["no_penalty"] if any(a["t"].records_no_penalty for a in actions)
                               else []),
        "preview": preview,
        "penalty_kind_choices": ([(k.value, k.label) for k in PenaltyKind if k not in (PenaltyKind.FINE, PenaltyKind.WARNING)]
                                 if deciding else []),
        "posted_kinds": set(posted.getlist("penalty_kinds")) if hasattr(posted, "getlist") else set(),
        "explanation": explanation_lines(case.discretion) if case.discretion else [],
        "proposal_kinds": [PenaltyKind(k).label for k in (case.proposal or {}).get("kinds", [])
                           if k in PenaltyKind.values],
        "panels": case_panels(user=request.user, case=case, deciding=deciding,
                              matter_code=str(posted.get("matter", "") if posted else "").strip()),
    })
