"""Criminal-link pages: the facts of a case against the thresholds, the transfers list, a transfer with its steps,
and the transfer letter; plus the panel the case page shows (registered in `cases.panels`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecoenforce.cases.panels import CasePanel
from ecoenforce.cases.selectors import case_get_for_user
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.access import STAFF_ROLES, has_role, require_role
from ecoenforce.core.errors import ApplicationError, ValidationFailed
from ecoenforce.core.models import Role
from ecoenforce.transfers import documents, services
from ecoenforce.transfers.forms import CaseFactsForm
from ecoenforce.transfers.guard import transfer_decided
from ecoenforce.transfers.labels import ACTION_LABELS, DOCUMENTS, TIER_TEXT, hit_text
from ecoenforce.transfers.models import STATUS_LABELS, Transfer
from ecoenforce.transfers.selectors import (
    case_facts_for_case,
    transfer_get_for_user,
    transfer_list_for_user,
    transfer_steps_for_user,
    transfers_for_case,
)
from ecoenforce.transfers.workflow import Status


def _handles(user, case) -> bool:
    """The case's handlers, or a unit leader of the handling organization."""
    if has_role(user, [Role.UNIT_LEADER]) and user.organization_id == case.organization_id:
        return True
    return has_role(user, [Role.INSPECTOR]) and case.handlers.filter(pk=user.pk).exists()


def _may_edit(user, case) -> bool:
    return case.stage != Stage.CLOSED and _handles(user, case)


def case_panel(*, user, case, deciding: bool, **_context) -> list[CasePanel]:
    """The case page's criminal-link block: thresholds met (in words), the transfers, links to act (reads only)."""
    facts = case_facts_for_case(case=case)
    transfers = transfers_for_case(case=case)
    hits = [{"article": h["article"], "text": hit_text(h)} for h in (facts.hits if facts else [])]
    return [CasePanel("transfers/_case_panel.html", {
        "facts": facts, "hits": hits, "tier": TIER_TEXT.get(facts.tier, "") if facts else "",
        "transfers": transfers, "decided": transfer_decided(case) if hits else False,
        "may_edit": _may_edit(user, case), "today": timezone.localdate(),
    }, order=10)]


@login_required
def case_facts(request: HttpRequest, case_id: int) -> HttpResponse:
    """Record the facts the thresholds read, and see which are met."""
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    facts = case_facts_for_case(case=case)
    errors = {}
    if request.method == "POST":
        form = CaseFactsForm(request.POST)
        try:
            services.case_facts_record(case_id=case.pk, actor=request.user, values=form.values())
        except ValidationFailed as exc:
            errors = {"message": str(exc.message), "fields": exc.details}
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("cases:detail", case_id=case.pk)
        else:
            messages.success(request, _("The facts were recorded and checked against the criminal thresholds."))
            return redirect("cases:detail", case_id=case.pk)
    else:
        form = CaseFactsForm(initial=CaseFactsForm.initial_from(facts.values if facts else {}))
    return render(request, "transfers/case_facts.html", {
        "case": case, "form": form, "errors": errors, "may_edit": _may_edit(request.user, case),
        "hits": [{"article": h["article"], "text": hit_text(h)} for h in (facts.hits if facts else [])],
    })


@login_required
def propose(request: HttpRequest, case_id: int) -> HttpResponse:
    """The handlers' written report proposing a transfer (POST from the case page's panel)."""
    require_role(request.user, STAFF_ROLES)
    case = case_get_for_user(user=request.user, case_id=case_id)
    if request.method != "POST":
        return redirect("cases:detail", case_id=case.pk)
    try:
        transfer = services.transfer_propose(case_id=case.pk, actor=request.user, kind=request.POST.get("kind", ""),
                                             report=request.POST.get("report", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("cases:detail", case_id=case.pk)
    messages.success(request, _("The transfer report was recorded; the unit leader decides."))
    return redirect("transfers:detail", transfer_id=transfer.pk)


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    """Transfers in the jurisdiction (open ones first by default)."""
    require_role(request.user, STAFF_ROLES)
    status = request.GET.get("status", "open")
    qs = transfer_list_for_user(user=request.user, status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "transfers/transfer_list.html", {
        "page": page, "status": status, "statuses": [(s.value, STATUS_LABELS[s]) for s in Status],
        "today": timezone.localdate(),
    })


@login_required
def transfer_detail(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """A transfer: the report, the decision, the package, the police's reply and the timers; the user's steps."""
    require_role(request.user, STAFF_ROLES)
    transfer = transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    errors = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "share":
                services.transfer_share(transfer_id=transfer.pk, actor=request.user, note=request.POST.get("reason", ""))
            else:
                services.transfer_step(
                    transfer_id=transfer.pk, actor=request.user, action=request.POST.get("action", ""),
                    reason=request.POST.get("reason", ""), police_unit=request.POST.get("police_unit", ""),
                    documents=request.POST.getlist("documents"),
                    police_case_number=request.POST.get("police_case_number", ""),
                    expected_status=request.POST.get("expected_status"))
        except ValidationFailed as exc:
            errors = {"action": request.POST.get("action"), "message": str(exc.message), "fields": exc.details}
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return redirect("transfers:detail", transfer_id=transfer.pk)
        else:
            messages.success(request, _("Done: the transfer record was updated."))
            return redirect("transfers:detail", transfer_id=transfer.pk)
    steps = [{"s": s, "label": ACTION_LABELS[s.action]} for s in transfer_steps_for_user(user=request.user,
                                                                                         transfer=transfer)]
    facts = case_facts_for_case(case=transfer.case)
    may_share = (transfer.status != Status.PROPOSED and transfer.shared_on is None
                 and _handles(request.user, transfer.case))
    return render(request, "transfers/transfer_detail.html", {
        "t": transfer, "case": transfer.case, "steps": steps, "errors": errors, "posted": request.POST,
        "documents": DOCUMENTS, "sent_documents": set(transfer.documents or []),
        "hits": [{"article": h["article"], "text": hit_text(h)} for h in (facts.hits if facts else [])],
        "may_share": may_share, "today": timezone.localdate(), "now": timezone.now(),
    })


@login_required
def transfer_letter(request: HttpRequest, transfer_id: int) -> HttpResponse:
    """The transfer letter (移送书) as a printable PDF."""
    require_role(request.user, STAFF_ROLES)
    transfer = transfer_get_for_user(user=request.user, transfer_id=transfer_id)
    response = HttpResponse(documents.transfer_pdf(transfer), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="transfer-{transfer.pk}.pdf"'
    return response


__all__ = ["Transfer", "case_panel"]
