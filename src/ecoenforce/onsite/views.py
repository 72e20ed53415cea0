"""On-site pages, phone first: the work list, the on-site record form (checklist, GPS, signatures drawn on the screen,
photos from the camera), the record with its evidence, the inquiry record, the printable evidence list and PDFs."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.files import blob_open
from ecoenforce.core.models import User
from ecoenforce.core.tables.uploads import upload_read
from ecoenforce.onsite import documents, selectors
from ecoenforce.onsite.api import _png
from ecoenforce.onsite.labels import group_name, item_text, result_label
from ecoenforce.onsite.models import Evidence, Subject
from ecoenforce.onsite.rules import RESULTS
from ecoenforce.onsite.services import (
    OFFICER_ROLES,
    OfficerSign,
    checklists_current,
    evidence_add,
    inquiry_record_submit,
    onsite_record_submit,
    subject_for_officer,
)

MAX_PHOTOS = 10


def _local_now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _co_officers(user: User, target) -> list[User]:
    """Who may be the second officer: the task's other drawn officers first, then the certified officers of my
    organization."""
    drawn = list(target.inspectors.exclude(pk=user.pk)) if hasattr(target, "inspectors") else []
    others = list(User.objects.filter(organization_id=user.organization_id, is_active=True, role__in=OFFICER_ROLES)
                  .exclude(certificate_no="").exclude(pk__in=[user.pk, *[u.pk for u in drawn]])
                  .order_by("full_name", "username"))
    return drawn + others


def _photos(request: HttpRequest) -> list[dict]:
    if getattr(request, "upload_too_large", False):
        upload_read(request, None)
    files = request.FILES.getlist("photos")
    if len(files) > MAX_PHOTOS:
        raise ValidationFailed(_("Send at most %(n)d photos with the record; add more on the record's page.")
                               % {"n": MAX_PHOTOS})
    return [{"data": upload_read(request, f), "kind": Evidence.Kind.PHOTO, "original_name": f.name,
             "lat": request.POST.get("latitude") or None, "lon": request.POST.get("longitude") or None}
            for f in files]


def _officers(request: HttpRequest) -> list[OfficerSign]:
    second = request.POST.get("officer2", "")
    officers = [OfficerSign(request.user.pk, _png(request.POST.get("sig_me"), "signatures") or b"")]
    if second.isdigit():
        officers.append(OfficerSign(int(second), _png(request.POST.get("sig_officer2"), "signatures") or b""))
    return officers


def _show_errors(request: HttpRequest, exc: ValidationFailed) -> dict:
    messages.error(request, str(exc.message))
    return {field: [str(m) for m in msgs] for field, msgs in (exc.details or {}).items()}


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    """The officer's on-site work: drawn tasks, checks on cases I handle, leads to verify; and my recent records."""
    require_role(request.user, STAFF_ROLES)
    return render(request, "onsite/worklist.html", {
        "items": selectors.worklist_for_user(user=request.user), "today": timezone.localdate(),
        "records": selectors.records_for_user(user=request.user)[:20],
        "inquiries": selectors.inquiries_for_user(user=request.user)[:10]})


@login_required
def record_new(request: HttpRequest, subject: str, subject_id: int) -> HttpResponse:
    """The on-site record form for one task, case or lead of mine."""
    target, entity = subject_for_officer(user=request.user, subject=subject, subject_id=subject_id)
    group, items, version = selectors.checklist_for_entity(entity)
    errors: dict = {}
    if request.method == "POST":
        post = request.POST
        findings = {i.code: {"result": post.get(f"f_{i.code}", ""), "note": post.get(f"n_{i.code}", "")}
                    for i in items}
        try:
            record, _created = onsite_record_submit(
                actor=request.user, idempotency_key=post.get("idempotency_key", ""), subject=subject,
                subject_id=subject_id, started_at=post.get("started_at", ""),
                ended_at=post.get("ended_at") or _local_now(), device_now=post.get("device_now") or None,
                latitude=post.get("latitude") or None, longitude=post.get("longitude") or None,
                accuracy_m=post.get("accuracy_m") or None, location=post.get("location", ""),
                officers=_officers(request), party_name=post.get("party_name", ""),
                party_post=post.get("party_post", ""), party_id_last4=post.get("party_id_last4", ""),
                party_signature=_png(post.get("sig_party"), "party_signature"),
                party_refused=post.get("party_refused") == "on", witness_name=post.get("witness_name", ""),
                witness_signature=_png(post.get("sig_witness"), "witness_signature"), findings=findings,
                summary=post.get("summary", ""), party_statement=post.get("party_statement", ""),
                open_case=post.get("open_case") == "on", evidence=_photos(request))
        except ValidationFailed as exc:
            errors = _show_errors(request, exc)
        else:
            messages.success(request, _("On-site record %(n)s filed.") % {"n": record.number})
            return redirect("onsite:record", record.pk)
    return render(request, "onsite/record_form.html", {
        "subject": subject, "target": target, "entity": entity, "group_name": group_name(group), "version": version,
        "items": [{"code": i.code, "text": item_text(i), "basis": i.basis} for i in items],
        "results": [(r, result_label(r)) for r in RESULTS], "co_officers": _co_officers(request.user, target),
        "post": request.POST if request.method == "POST" else {}, "errors": errors,
        "key": request.POST.get("idempotency_key") or uuid.uuid4().hex, "now": _local_now(),
        "subject_label": Subject(subject).label, "entity_events": selectors.entity_recent_events(entity)})


@login_required
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    """One on-site record: facts, findings, signatures, evidence (officers add photos here)."""
    require_role(request.user, STAFF_ROLES)
    record = selectors.record_get_for_user(user=request.user, record_id=record_id)
    if request.method == "POST":
        try:
            for item in _photos(request):
                evidence_add(user=request.user, record=record, declared_sha256=request.POST.get("sha256") or None,
                             **item)
        except ValidationFailed as exc:
            _show_errors(request, exc)
        else:
            messages.success(request, _("Evidence added."))
        return redirect("onsite:record", record.pk)
    _lists, _v = checklists_current()
    texts = {i.code: i for g in _lists.groups.values() for i in g.items}
    findings = [{"code": f["code"], "text": item_text(texts[f["code"]]) if f["code"] in texts else f["code"],
                 "result": f["result"], "result_label": result_label(f["result"]), "note": f.get("note", "")}
                for f in record.findings]
    is_officer = record.signatures.filter(officer=request.user).exists() or record.created_by_id == request.user.pk
    return render(request, "onsite/record_detail.html", {
        "record": record, "findings": findings, "signatures": record.signatures.all(),
        "evidence": selectors.evidence_for_record(record), "is_officer": is_officer})


@login_required
def record_pdf(request: HttpRequest, record_id: int) -> HttpResponse:
    require_role(request.user, STAFF_ROLES)
    record = selectors.record_get_for_user(user=request.user, record_id=record_id)
    response = HttpResponse(documents.onsite_record_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="onsite-{record.number}.pdf"'
    return response


def _owner(request: HttpRequest, kind: str, record_id: int):
    if kind == "inquiries":
        return selectors.inquiry_get_for_user(user=request.user, record_id=record_id)
    if kind == "records":
        return selectors.record_get_for_user(user=request.user, record_id=record_id)
    raise NotFound()


@login_required
def evidence_list(request: HttpRequest, kind: str, record_id: int) -> HttpResponse:
    """The evidence list of a record, printable (and as PDF)."""
    require_role(request.user, STAFF_ROLES)
    record = _owner(request, kind, record_id)
    evidence = list(selectors.evidence_for_record(record))
    if request.GET.get("format") == "pdf":
        org = record.created_by.organization
        pdf = documents.evidence_list_pdf(title_number=record.number, issuer=org.name if org else "",
                                          entity_name=record.entity.name, evidence=evidence)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="evidence-{record.number}.pdf"'
        return response
    return render(request, "onsite/evidence_list.html", {"record": record, "evidence": evidence, "kind": kind})


@login_required
def case_evidence_list(request: HttpRequest, case_id: int) -> HttpResponse:
    """Everything filed as evidence on a case (its records' photos, files added to it, the lab's report), printable
    for the case file (and as PDF)."""
    require_role(request.user, STAFF_ROLES)
    evidence = list(selectors.evidence_for_case(user=request.user, case_id=case_id))
    case = selectors.case_for_evidence(user=request.user, case_id=case_id)
    if request.GET.get("format") == "pdf":
        pdf = documents.evidence_list_pdf(title_number=case.number, issuer=case.organization.name,
                                          entity_name=case.entity.name, evidence=evidence)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="evidence-case-{case.pk}.pdf"'
        return response
    return render(request, "onsite/evidence_list.html", {"record": case, "evidence": evidence, "kind": "cases"})


def _blob_response(sha: str, content_type: str) -> FileResponse:
    response = FileResponse(blob_open(sha), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def evidence_file(request: HttpRequest, evidence_id: int) -> HttpResponse:
    require_role(request.user, STAFF_ROLES)
    ev = selectors.evidence_get_for_user(user=request.user, evidence_id=evidence_id)
    if request.GET.get("thumb") and ev.thumbnail_sha256:
        return _blob_response(ev.thumbnail_sha256, "image/jpeg")
    response = _blob_response(ev.sha256, ev.content_type)
    if ev.original_name:
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(ev.original_name)}"
    return response


@login_required
def signature_image(request: HttpRequest, kind: str, record_id: int, signature_id: int) -> HttpResponse:
    require_role(request.user, STAFF_ROLES)
    record = _owner(request, kind, record_id)
    sig = record.signatures.filter(pk=signature_id).first()
    if sig is None:
        raise NotFound()
    return _blob_response(sig.sha256, "image/png")


@login_required
def inquiry_new(request: HttpRequest, subject: str, subject_id: int) -> HttpResponse:
    """The inquiry record form (调查询问笔录): questions and answers, signatures."""
    target, entity = subject_for_officer(user=request.user, subject=subject, subject_id=subject_id)
    errors: dict = {}
    if request.method == "POST":
        post = request.POST
        qa = [{"q": q, "a": a} for q, a in zip(post.getlist("q"), post.getlist("a"), strict=False)]
        try:
            record, _created = inquiry_record_submit(
                actor=request.user, idempotency_key=post.get("idempotency_key", ""), subject=subject,
                subject_id=subject_id, started_at=post.get("started_at", ""),
                ended_at=post.get("ended_at") or _local_now(), device_now=post.get("device_now") or None,
                location=post.get("location", ""), officers=_officers(request),
                interviewee_name=post.get("party_name", ""), interviewee_post=post.get("party_post", ""),
                interviewee_id_last4=post.get("party_id_last4", ""),
                interviewee_signature=_png(post.get("sig_party"), "party_signature"),
                interviewee_refused=post.get("party_refused") == "on", witness_name=post.get("witness_name", ""),
                witness_signature=_png(post.get("sig_witness"), "witness_signature"), qa=qa,
                latitude=post.get("latitude") or None, longitude=post.get("longitude") or None,
                accuracy_m=post.get("accuracy_m") or None)
        except ValidationFailed as exc:
            errors = _show_errors(request, exc)
        else:
            messages.success(request, _("Inquiry record %(n)s filed.") % {"n": record.number})
            return redirect("onsite:inquiry", record.pk)
    post = request.POST if request.method == "POST" else {}
    pairs = list(zip(post.getlist("q"), post.getlist("a"), strict=False)) if post else []
    return render(request, "onsite/inquiry_form.html", {
        "subject": subject, "target": target, "entity": entity, "co_officers": _co_officers(request.user, target),
        "post": post, "errors": errors, "key": post.get("idempotency_key") if post else uuid.uuid4().hex,
        "now": _local_now(), "pairs": pairs or [("", "")] * 3, "subject_label": Subject(subject).label,
        "entity_events": selectors.entity_recent_events(entity)})


@login_required
def inquiry_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    require_role(request.user, STAFF_ROLES)
    record = selectors.inquiry_get_for_user(user=request.user, record_id=record_id)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(documents.inquiry_record_pdf(record), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="inquiry-{record.number}.pdf"'
        return response
    return render(request, "onsite/inquiry_detail.html", {"record": record, "signatures": record.signatures.all()})
