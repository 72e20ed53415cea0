"""Issue 14 item 3: the electronic notice reaches the firm. The enterprise user sees the notice for its own facility
with its deadline and answers (text + files, size-capped, type read from the content, stored under var/); the
operator is notified and reads the answer on the warning; an unanswered notice past its deadline is in the
operator's queue; an open warning or notice keeps the positive-list criteria unmet and the application refused."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from ecoenforce.core.audit import audit_verify
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent, Role
from ecoenforce.notifications.models import Kind, Notification
from ecoenforce.registry.models import EnterpriseAccount
from ecoenforce.registry.positive.services import positive_list_apply, positive_list_eligibility
from ecoenforce.warnings.models import ElectronicNotice, NoticeAttachment
from ecoenforce.warnings.notices import MAX_FILE_BYTES, MAX_FILES, files_dir, notice_answer
from ecoenforce.warnings.services import warning_notify
from factories import make_entity

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXPLANATION = "11月28日凌晨脱硫塔循环泵故障，已于当日更换备用泵，附维修记录和更换后的监测数据。"


def _client(user, lang: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


@pytest.fixture
def files(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


@pytest.fixture
def clean_entity(entity_wj):
    entity_wj.networked_monitoring, entity_wj.permit_reports_on_time, entity_wj.credit_grade = True, True, "green"
    entity_wj.save()
    return entity_wj


@pytest.fixture
def firm(enterprise_user, clean_entity):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=clean_entity)
    return enterprise_user


@pytest.fixture
def stranger(region_wj, admin_user):
    """An enterprise user of another facility."""
    from ecoenforce.core.models import User
    user = User(username="firm_other", role=Role.ENTERPRISE, full_name="王芳")
    user.set_unusable_password()
    user.save()
    EnterpriseAccount.objects.create(user=user, entity=make_entity(region=region_wj, actor=admin_user))
    return user


@pytest.fixture
def notice(make_warning, clean_entity, operator_wj, tomorrow, firm, django_capture_on_commit_callbacks):
    warning = make_warning(clean_entity, severity="high")
    with django_capture_on_commit_callbacks(execute=True):
        return warning_notify(actor=operator_wj, warning_id=warning.pk, deadline=tomorrow,
                              message="二氧化硫小时均值连续3小时超标，请说明原因并提供治理设施运行记录。")


def test_the_notice_reaches_the_firm_with_its_deadline_and_a_notification(notice, firm, stranger, tomorrow):
    assert Notification.objects.filter(recipient=firm, kind=Kind.NOTICE).count() == 1
    page = _client(firm).get("/enterprise/notices/").content.decode()
    assert tomorrow.isoformat() in page and notice.entity.name in page
    detail = _client(firm, "zh-hans").get(f"/enterprise/notices/{notice.pk}/").content.decode()
    assert "请说明原因并提供治理设施运行记录" in detail and 'data-testid="notice-answer"' in detail
    facilities = _client(firm).get("/registry/my-facilities/").content.decode()
    assert f"/enterprise/notices/{notice.pk}/" in facilities and f"explain by {tomorrow.isoformat()}" in facilities
    assert _client(stranger).get(f"/enterprise/notices/{notice.pk}/").status_code == 404
    assert _client(stranger).get("/enterprise/notices/").content.decode().count("notice-link") == 0


def test_the_firm_answers_with_files_and_the_operator_is_notified(notice, firm, stranger, operator_wj, files,
                                                                  django_capture_on_commit_callbacks):
    with pytest.raises(ValidationFailed) as refused:
        notice_answer(actor=firm, notice_id=notice.pk, response="", files=[])
    assert "response" in refused.value.details
    with pytest.raises(ValidationFailed) as refused:  # the name says PDF, the content is a Windows program
        notice_answer(actor=firm, notice_id=notice.pk, response=EXPLANATION, files=[("维修记录.pdf", b"MZ\x90\x00")])
    assert "维修记录.pdf" in refused.value.details["attachments"][0]
    with pytest.raises(ValidationFailed):
        notice_answer(actor=firm, notice_id=notice.pk, response=EXPLANATION,
                      files=[("big.pdf", PDF + b"0" * MAX_FILE_BYTES)])
    with pytest.raises(ValidationFailed):
        notice_answer(actor=firm, notice_id=notice.pk, response=EXPLANATION, files=[("p.pdf", PDF)] * (MAX_FILES + 1))
    with pytest.raises(NotFound):
        notice_answer(actor=stranger, notice_id=notice.pk, response=EXPLANATION)
    with pytest.raises(PermissionDenied):
        notice_answer(actor=operator_wj, notice_id=notice.pk, response=EXPLANATION)
    assert not files.exists() or not any(files.rglob("*.*"))

    with django_capture_on_commit_callbacks(execute=True):
        answered = notice_answer(actor=firm, notice_id=notice.pk, response=EXPLANATION,
                                 files=[("../../维修记录.pdf", PDF), ("photo.jpeg", PNG)])
    assert answered.status == ElectronicNotice.Status.ANSWERED and answered.answered_by == firm
    pdf, png = NoticeAttachment.objects.filter(notice=notice).order_by("id")
    assert (pdf.name, pdf.content_type, png.name, png.content_type) == (
        "维修记录.pdf", "application/pdf", "photo.png", "image/png")
    for a in (pdf, png):
        path = files_dir() / a.stored
        assert path.is_file() and files in path.parents and "维修记录" not in a.stored
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Notification.objects.filter(recipient=operator_wj, kind=Kind.FIRM_ANSWER).count() == 1
    event = AuditEvent.objects.get(action="notice.answer")
    assert event.after["attachments"][0]["sha256"] == pdf.sha256 and audit_verify().ok
    with pytest.raises(InvalidTransition):
        notice_answer(actor=firm, notice_id=notice.pk, response=EXPLANATION)


def test_the_operator_reads_the_answer_on_the_warning_and_downloads_the_files(notice, firm, operator_wj, operator_xb,
                                                                             stranger, files):
    upload = SimpleUploadedFile("记录.pdf", PDF, content_type="application/pdf")
    kept = _client(firm).post(f"/enterprise/notices/{notice.pk}/", {"response": EXPLANATION, "attachments": [
        SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")]})
    assert kept.status_code == 422 and EXPLANATION in kept.content.decode()  # the text is kept, the file refused
    sent = _client(firm).post(f"/enterprise/notices/{notice.pk}/", {"response": EXPLANATION, "attachments": [upload]})
    assert sent.status_code == 302
    page = _client(operator_wj).get(f"/warnings/{notice.warning_id}/").content.decode()
    attachment = NoticeAttachment.objects.get()
    assert EXPLANATION in page and f"/warnings/notice-files/{attachment.pk}/" in page
    download = _client(operator_wj).get(f"/warnings/notice-files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert _client(firm).get(f"/warnings/notice-files/{attachment.pk}/").status_code == 200
    assert _client(operator_xb).get(f"/warnings/notice-files/{attachment.pk}/").status_code == 404
    assert _client(stranger).get(f"/warnings/notice-files/{attachment.pk}/").status_code == 404


def test_an_unanswered_notice_past_its_deadline_is_overdue_in_the_operators_queue(notice, operator_wj):
    ElectronicNotice.objects.filter(pk=notice.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    queue = _client(operator_wj).get("/work/").content.decode()
    assert "Electronic notices past their deadline" in queue and notice.entity.name in queue
    assert "Overdue" in _client(operator_wj).get(f"/warnings/{notice.warning_id}/").content.decode()


def test_an_open_warning_or_notice_keeps_the_positive_list_out_of_reach(make_warning, clean_entity, firm, operator_wj,
                                                                        tomorrow, files):
    assert positive_list_eligibility(entity=clean_entity).eligible  # clean, nothing open
    warning = make_warning(clean_entity, severity="high")
    eligibility = positive_list_eligibility(entity=clean_entity)
    assert not eligibility.eligible and [c.key for c in eligibility.unmet] == ["no_open_matter"]
    page = _client(firm).get("/registry/my-facilities/").content.decode()
    assert 'data-testid="apply"' not in page and "No open monitoring warning" in page
    with pytest.raises(ValidationFailed) as refused:
        positive_list_apply(actor=firm, entity_id=clean_entity.pk)
    assert "electronic notice" in str(refused.value.message)
    refused_page = _client(firm, "zh-hans").post(f"/registry/positive-list/apply/{clean_entity.pk}/", follow=True)
    assert "电子督办" in refused_page.content.decode()

    notice = warning_notify(actor=operator_wj, warning_id=warning.pk, deadline=tomorrow, message="请说明超标原因。")
    assert not positive_list_eligibility(entity=clean_entity).eligible  # the notice awaits the firm's answer
    notice_answer(actor=firm, notice_id=notice.pk, response=EXPLANATION)
    assert positive_list_eligibility(entity=clean_entity).eligible
    assert 'data-testid="apply"' in _client(firm).get("/registry/my-facilities/").content.decode()


def test_the_operator_closes_the_warning_once_the_explanation_is_accepted(notice, firm, operator_wj):
    from ecoenforce.warnings.models import Warning
    from ecoenforce.warnings.services import warning_dismiss

    with pytest.raises(InvalidTransition):  # no answer yet: a lead, or wait for the firm
        warning_dismiss(actor=operator_wj, warning_id=notice.warning_id, reason="shutdown")
    notice_answer(actor=firm, notice_id=notice.pk, response=EXPLANATION)
    page = _client(operator_wj).get(f"/warnings/{notice.warning_id}/").content.decode()
    assert "Close: the explanation is accepted" in page
    warning_dismiss(actor=operator_wj, warning_id=notice.warning_id, reason="instrument", note="企业已说明并维修")
    assert Warning.objects.get(pk=notice.warning_id).status == Warning.Status.DISMISSED


def test_the_api_gives_the_operator_the_answer_and_nobody_else(notice, firm, operator_wj, operator_xb, files):
    notice_answer(actor=firm, notice_id=notice.pk, response=EXPLANATION, files=[("记录.pdf", PDF)])
    body = _client(operator_wj).get(f"/api/v1/warnings/{notice.warning_id}/notice").json()
    assert body["status"] == "answered" and body["response"] == EXPLANATION
    assert [f["name"] for f in body["files"]] == ["记录.pdf"] and body["files"][0]["url"].startswith("/warnings/")
    assert _client(operator_xb).get(f"/api/v1/warnings/{notice.warning_id}/notice").status_code == 404
    assert _client(firm).get(f"/api/v1/warnings/{notice.warning_id}/notice").status_code == 403
