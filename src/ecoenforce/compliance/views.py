"""Enterprise pages: the electronic notices (电子督办) sent to the user's own facilities, each with its deadline, and
the answer (explanation and files). Every read and write goes through `warnings.notices`, which keeps a firm to its
own facilities."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.errors import ApplicationError, ValidationFailed
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.credit.labels import explanation_lines, grade_label
from ecoenforce.credit.selectors import credit_for_firm
from ecoenforce.credit.services import credit_repair_request
from ecoenforce.warnings.labels import rule_label
from ecoenforce.warnings.models import ElectronicNotice
from ecoenforce.warnings.notices import (
    MAX_FILE_BYTES,
    MAX_FILES,
    notice_answer,
    notice_get_for_firm,
    notices_for_firm,
)


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """The notices sent to my facilities: those awaiting my explanation first, with their deadlines."""
    notices = notices_for_firm(user=request.user)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    for n in page:
        n.rule_label = rule_label(n.warning.rule)
    return render(request, "compliance/notice_list.html", {"page": page, "today": timezone.localdate()})


def _files(request: HttpRequest) -> list[tuple[str, bytes]]:
    uploads = request.FILES.getlist("attachments")
    if getattr(request, "upload_too_large", False):
        raise ValidationFailed(_("A file is larger than %(mb)d MB. Send a smaller scan or split it.")
                               % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
                               details={"attachments": [_("Too large.")]})
    return [(u.name, upload_read(request, u, max_bytes=MAX_FILE_BYTES)) for u in uploads[:MAX_FILES + 1]]


@login_required
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    """One notice: what the bureau asks, by when, and the answer form (or the answer given)."""
    notice = notice_get_for_firm(user=request.user, notice_id=notice_id)
    errors: dict = {}
    response = ""
    if request.method == "POST":
        response = request.POST.get("response", "")
        try:
            notice_answer(actor=request.user, notice_id=notice.pk, response=response, files=_files(request))
            messages.success(request, _("Your explanation was sent to the bureau."))
            return redirect("compliance:notice_detail", notice_id=notice.pk)
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
            errors = exc.details or {}
    today = timezone.localdate()
    return render(request, "compliance/notice_detail.html", {
        "notice": notice, "rule_label": rule_label(notice.warning.rule), "errors": errors, "response": response,
        "overdue": notice.status == ElectronicNotice.Status.SENT and notice.deadline < today,
        "attachments": notice.attachments.all(), "max_files": MAX_FILES,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }, status=422 if errors else 200)


@login_required
def credit_mine(request: HttpRequest) -> HttpResponse:
    """My facilities' environmental credit: each newest grade with the explanation of every indicator."""
    pairs = credit_for_firm(user=request.user)
    weights = _draw_weights([e for e, _r in pairs])
    rows = [{"entity": e, "rating": r, "grade": grade_label(r.grade) if r else "",
             "lines": explanation_lines(r.explanation) if r else None,
             "repairs": list(r.repair_requests.all()) if r else [], "draw": _draw_effect(weights.get(e.pk))}
            for e, r in pairs]
    return render(request, "compliance/credit.html", {"rows": rows})


def _draw_weights(entities) -> dict:
    """Each facility's weight in the bureau's risk-proportional random draws (the credit incentive applied)."""
    from ecoenforce.registry.models import RegulatedEntity
    from ecoenforce.registry.risk_services import draw_weights

    if not entities:
        return {}
    return draw_weights(entities=RegulatedEntity.objects.filter(pk__in=[e.pk for e in entities]),
                        as_of=timezone.localdate())


def _draw_effect(weight) -> dict | None:
    """What the credit grade does to the facility's chance of being drawn, in words the firm reads: the multiplier of
    its grade and the weight it gives (the same figures the bureau's entity page and the round's pools show)."""
    from decimal import Decimal

    from ecoenforce.registry.risk_labels import draw_weight_reason

    if weight is None:
        return None
    if not weight.grade:
        effect = _("No credit grade yet: the chance of being drawn in random inspections is not changed by credit.")
    elif weight.multiplier < Decimal("1"):
        effect = _("Your credit grade multiplies this facility's weight in the bureau's risk-weighted random "
                   "inspections by %(m)s: it is drawn less often.") % {"m": weight.multiplier}
    elif weight.multiplier > Decimal("1"):
        effect = _("Your credit grade multiplies this facility's weight in the bureau's risk-weighted random "
                   "inspections by %(m)s: it is drawn more often.") % {"m": weight.multiplier}
    else:
        effect = _("Your credit grade leaves this facility's weight in the bureau's risk-weighted random inspections "
                   "unchanged (× 1).")
    return {"effect": effect, "reason": draw_weight_reason(weight.as_dict()), "weight": weight.weight,
            "multiplier": weight.multiplier}


@login_required
def credit_repair(request: HttpRequest, rating_id: int) -> HttpResponse:
    """Ask for a rating's one-vote vetoes to be lifted after rectifying; a refusal says why."""
    if request.method == "POST":
        try:
            credit_repair_request(actor=request.user, rating_id=rating_id, reason=request.POST.get("reason", ""))
            messages.success(request, _("Your repair request was sent to the bureau."))
        except ApplicationError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, str(exc.message))
    return redirect("compliance:credit")
