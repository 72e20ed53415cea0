"""Issue 9 items 1, 2 and 5: the on-site record's bad input (one officer alone, a signature missing, a task not mine,
a phone clock hours off, the same submission three times) and what its findings become (the task's result, a lead,
a case), and evidence with EXIF, declared hashes and tamper detection."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone
from onsite_helpers import all_compliant, signature_png
from PIL import Image

from ecoenforce.core.errors import ApplicationError, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.files import blob_path, blob_verify
from ecoenforce.core.models import AuditEvent
from ecoenforce.leads.models import Lead
from ecoenforce.onsite.models import Evidence, InquiryRecord, OnSiteRecord, Signature
from ecoenforce.onsite.services import OfficerSign, evidence_add, inquiry_record_submit, onsite_record_submit
from ecoenforce.planning.models import InspectionTask


def test_a_complete_record_is_stored_with_its_signatures_and_the_task_result(submit_kwargs, task, inspector_wj):
    record, created = onsite_record_submit(**submit_kwargs())
    assert created and record.number.startswith("XC")
    assert record.signatures.filter(role=Signature.Role.OFFICER).count() == 2
    party = record.signatures.get(role=Signature.Role.PARTY)
    assert party.name == "王建国" and blob_verify(party.sha256)
    assert {s.certificate_no for s in record.signatures.filter(role="officer")} == {
        inspector_wj.certificate_no, submit_kwargs.other.certificate_no}
    assert not record.clock_flagged and record.clock_offset_seconds == 0
    task.refresh_from_db()
    assert task.status == InspectionTask.Status.DONE and not task.inspection.violation_found
    assert record.number in task.result_note  # the round's published result names the record
    assert record.checklist_version == 1 and record.findings
    assert AuditEvent.objects.filter(action="onsite_record.submit", object_id=str(record.pk)).exists()


def test_one_officer_alone_is_refused_citing_the_law(submit_kwargs, inspector_wj):
    kwargs = submit_kwargs(officers=[OfficerSign(inspector_wj.pk, signature_png())])
    with pytest.raises(ValidationFailed) as refused:
        onsite_record_submit(**kwargs)
    assert "第四十二条" in str(refused.value.message)  # 行政处罚法 art. 42, in the default language
    assert "officers" in refused.value.details
    # the same officer twice is still one officer
    kwargs = submit_kwargs(officers=[OfficerSign(inspector_wj.pk, signature_png())] * 2)
    with pytest.raises(ValidationFailed):
        onsite_record_submit(**kwargs)
    assert not OnSiteRecord.objects.exists()


def test_an_uncertified_second_officer_is_refused(submit_kwargs, inspector_wj):
    other = submit_kwargs.other
    type(other).objects.filter(pk=other.pk).update(certificate_no="")
    with pytest.raises(ValidationFailed) as refused:
        onsite_record_submit(**submit_kwargs())
    assert "officers" in refused.value.details


@pytest.mark.parametrize("missing", ["officer", "party", "blank_canvas", "refusal_without_witness"])
def test_a_missing_signature_is_refused_and_nothing_is_written(submit_kwargs, inspector_wj, task, missing):
    other = submit_kwargs.other
    overrides = {
        "officer": {"officers": [OfficerSign(inspector_wj.pk, signature_png()), OfficerSign(other.pk, b"")]},
        "party": {"party_signature": None},
        "blank_canvas": {"party_signature": signature_png(blank=True)},
        "refusal_without_witness": {"party_signature": None, "party_refused": True, "witness_name": ""},
    }[missing]
    with pytest.raises(ValidationFailed) as refused:
        onsite_record_submit(**submit_kwargs(**overrides))
    assert refused.value.details
    assert not OnSiteRecord.objects.exists() and not Signature.objects.exists()
    task.refresh_from_db()
    assert task.status == InspectionTask.Status.ASSIGNED


def test_the_party_refusing_to_sign_is_recorded_with_a_witness(submit_kwargs):
    record, _created = onsite_record_submit(**submit_kwargs(
        party_signature=None, party_refused=True, witness_name="李四（园区管委会）", witness_signature=signature_png()))
    assert record.party_refused
    assert record.signatures.filter(role="witness", name="李四（园区管委会）").exists()
    assert not record.signatures.filter(role="party").exists()


def test_the_same_submission_three_times_is_stored_once(submit_kwargs):
    kwargs = submit_kwargs()
    first, created = onsite_record_submit(**kwargs)
    assert created
    for _ in range(2):
        again, created = onsite_record_submit(**kwargs)
        assert (again.pk, created) == (first.pk, False)
    assert OnSiteRecord.objects.count() == 1
    assert Signature.objects.count() == 3
    assert AuditEvent.objects.filter(action="onsite_record.submit").count() == 1
    assert AuditEvent.objects.filter(action="task.result").count() == 1


def test_a_record_for_a_task_not_mine_is_refused(submit_kwargs, task, leader_wj, inspector_xb):
    kwargs = submit_kwargs(actor=inspector_xb)  # another county: the task does not exist for them
    with pytest.raises(NotFound):
        onsite_record_submit(**kwargs)
    kwargs = submit_kwargs(actor=leader_wj)  # the leader sees the task but was not drawn for it
    with pytest.raises(PermissionDenied):
        onsite_record_submit(**kwargs)
    assert not OnSiteRecord.objects.exists()


def test_a_phone_clock_hours_off_is_flagged_not_trusted(submit_kwargs, task):
    now = timezone.now()
    record, _created = onsite_record_submit(**submit_kwargs(
        device_now=now + dt.timedelta(hours=5), started_at=now + dt.timedelta(hours=4),
        ended_at=now + dt.timedelta(hours=4, minutes=40)))
    assert record.clock_flagged
    assert abs(record.clock_offset_seconds - 5 * 3600) < 60
    task.refresh_from_db()
    # the task's date comes from the server's receipt, not the phone's claim
    assert task.inspection.inspected_on == timezone.localdate(record.received_at)


def test_every_checklist_item_needs_a_result(submit_kwargs, task):
    findings = all_compliant(task.entity)
    findings.pop(next(iter(findings)))
    with pytest.raises(ValidationFailed) as refused:
        onsite_record_submit(**submit_kwargs(findings=findings))
    assert "findings" in refused.value.details


def test_a_problem_raises_a_lead_that_names_the_record(submit_kwargs, task):
    code = next(iter(all_compliant(task.entity)))
    record, _created = onsite_record_submit(**submit_kwargs(findings=all_compliant(task.entity, problem=code)))
    assert record.problems_found
    lead = record.raised_lead
    assert lead is not None and lead.source == Lead.Source.INSPECTION and lead.entity == task.entity
    assert record.number in lead.description and "旁路阀门" in lead.description
    task.refresh_from_db()
    assert task.lead == lead and task.inspection.violation_found


def test_a_problem_opens_a_case_where_the_officer_asks(submit_kwargs, task, inspector_wj):
    code = next(iter(all_compliant(task.entity)))
    record, _created = onsite_record_submit(**submit_kwargs(findings=all_compliant(task.entity, problem=code),
                                                            open_case=True))
    case = record.opened_case
    assert case is not None and case.entity == task.entity
    assert set(case.handlers.all()) == {inspector_wj, submit_kwargs.other}
    record.raised_lead.refresh_from_db()
    assert record.raised_lead.case == case
    photo = evidence_add(user=inspector_wj, data=_jpeg(), declared_sha256=None, kind="photo", record=record)
    assert photo.case == case  # evidence on the record goes with its case


def test_the_case_file_shows_the_record_and_its_evidence_with_a_printable_list(submit_kwargs, task, inspector_wj,
                                                                              inspector_xb):
    from django.test import Client

    code = next(iter(all_compliant(task.entity)))
    record, _created = onsite_record_submit(**submit_kwargs(findings=all_compliant(task.entity, problem=code),
                                                            open_case=True))
    photo = evidence_add(user=inspector_wj, data=_jpeg(), declared_sha256=None, kind="photo", record=record,
                         original_name="旁路阀门.jpg")
    case = record.opened_case
    officer = Client()
    officer.force_login(inspector_wj)
    officer.cookies["django_language"] = "zh-hans"
    page = officer.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-testid="case-onsite"' in page and "现场笔录与证据" in page
    assert record.number in page and "旁路阀门.jpg" in page and photo.sha256[:16] in page
    assert f"/onsite/new/case/{case.pk}/" in page and "新建现场检查笔录" in page  # a handler records on site from here
    listing = officer.get(f"/onsite/cases/{case.pk}/evidence/").content.decode()
    assert photo.sha256[:32] in listing and case.number in listing
    pdf = officer.get(f"/onsite/cases/{case.pk}/evidence/?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    stranger = Client()
    stranger.force_login(inspector_xb)
    assert stranger.get(f"/onsite/cases/{case.pk}/evidence/").status_code == 404


def test_a_lead_verification_is_recorded_by_the_assigned_officer(inspector_wj, inspector2_wj, leader_wj, region_wj,
                                                                 admin_user):
    from ecoenforce.leads.services import lead_assign
    from factories import make_entity, make_lead

    entity = make_entity(region=region_wj, actor=admin_user)
    lead = make_lead(entity=entity, created_by=leader_wj)
    lead_assign(lead_id=lead.pk, actor=leader_wj, assignee_id=inspector_wj.pk)
    now = timezone.now()
    record, _c = onsite_record_submit(
        actor=inspector_wj, idempotency_key=uuid.uuid4().hex, subject="lead", subject_id=lead.pk,
        started_at=now - dt.timedelta(hours=1), ended_at=now, officers=[
            OfficerSign(inspector_wj.pk, signature_png()), OfficerSign(inspector2_wj.pk, signature_png())],
        party_name="刘强", party_signature=signature_png(), findings=all_compliant(entity))
    assert record.lead == lead and record.raised_lead is None
    with pytest.raises(NotFound):  # not assigned to the second inspector
        onsite_record_submit(
            actor=inspector2_wj, idempotency_key=uuid.uuid4().hex, subject="lead", subject_id=lead.pk,
            started_at=now - dt.timedelta(hours=1), ended_at=now, officers=[], party_name="刘强",
            findings={})


def test_an_inquiry_record_needs_answers_two_officers_and_signatures(submit_kwargs, task, inspector_wj):
    base = submit_kwargs()
    kwargs = dict(actor=inspector_wj, idempotency_key=uuid.uuid4().hex, subject="task", subject_id=task.pk,
                  started_at=base["started_at"], ended_at=base["ended_at"], officers=base["officers"],
                  interviewee_name="王建国", interviewee_post="生产副总", interviewee_signature=signature_png(),
                  qa=[{"q": "旁路阀门为何开启？", "a": "检修后忘记关闭。"}])
    with pytest.raises(ValidationFailed):
        inquiry_record_submit(**{**kwargs, "officers": base["officers"][:1]})
    with pytest.raises(ValidationFailed):
        inquiry_record_submit(**{**kwargs, "interviewee_signature": None})
    with pytest.raises(ValidationFailed):
        inquiry_record_submit(**{**kwargs, "qa": [{"q": "问题", "a": ""}]})
    record, created = inquiry_record_submit(**kwargs)
    assert created and record.number.startswith("XW")
    assert inquiry_record_submit(**kwargs) == (record, False)
    assert InquiryRecord.objects.count() == 1


# --- evidence ---------------------------------------------------------------------------------------------

def _jpeg(*, exif: bool = False) -> bytes:
    img = Image.new("RGB", (640, 480), (120, 160, 90))
    out = io.BytesIO()
    if exif:
        ex = Image.Exif()
        ex[0x0110] = "Test phone"
        ex.get_ifd(0x8769)[36867] = "2026:11:28 10:15:30"
        ex.get_ifd(0x8769)[36881] = "+08:00"
        gps = ex.get_ifd(0x8825)
        gps[1], gps[2] = "N", (31.0, 42.0, 36.0)
        gps[3], gps[4] = "E", (119.0, 57.0, 18.0)
        img.save(out, format="JPEG", exif=ex.tobytes())
    else:
        img.save(out, format="JPEG")
    return out.getvalue()


def test_evidence_reads_exif_time_and_gps_from_a_real_jpeg(submit_kwargs, inspector_wj):
    record, _c = onsite_record_submit(**submit_kwargs())
    data = _jpeg(exif=True)
    ev = evidence_add(user=inspector_wj, data=data, declared_sha256=hashlib.sha256(data).hexdigest(), kind="photo",
                      captured_at="2020-01-01T00:00", lat="1", lon="1", record=record, original_name="IMG_0001.JPG")
    assert ev.time_source == Evidence.Source.EXIF and ev.position_source == Evidence.Source.EXIF
    assert timezone.localtime(ev.captured_at).strftime("%Y-%m-%d %H:%M:%S") == "2026-11-28 10:15:30"
    assert float(ev.latitude) == pytest.approx(31.71, abs=1e-4) and float(ev.longitude) == pytest.approx(119.955, abs=1e-4)
    assert ev.thumbnail_sha256 and blob_verify(ev.thumbnail_sha256)
    with Image.open(blob_path(ev.thumbnail_sha256)) as thumb:
        assert max(thumb.size) <= 320
    assert ev.original_name == "IMG_0001.jpg" and ev.content_type == "image/jpeg"


def test_evidence_without_exif_takes_the_phones_values(submit_kwargs, inspector_wj):
    record, _c = onsite_record_submit(**submit_kwargs())
    ev = evidence_add(user=inspector_wj, data=_jpeg(), declared_sha256=None, kind="photo",
                      captured_at="2026-11-28T09:00:00+08:00", lat="31.7", lon="119.9", record=record)
    assert (ev.time_source, ev.position_source) == (Evidence.Source.DEVICE, Evidence.Source.DEVICE)
    again = evidence_add(user=inspector_wj, data=_jpeg(), declared_sha256=None, kind="photo", record=record)
    assert again.pk == ev.pk and Evidence.objects.count() == 1


def test_a_declared_hash_that_does_not_match_is_refused_and_nothing_kept(submit_kwargs, inspector_wj, files_dir):
    record, _c = onsite_record_submit(**submit_kwargs())
    before = sorted(p.name for p in (files_dir / "blobs").rglob("*") if p.is_file())
    with pytest.raises(ValidationFailed) as refused:
        evidence_add(user=inspector_wj, data=_jpeg(), declared_sha256="ab" * 32, kind="photo", record=record)
    assert refused.value.code == "hash_mismatch"
    assert sorted(p.name for p in (files_dir / "blobs").rglob("*") if p.is_file()) == before
    assert not Evidence.objects.exists()


def test_evidence_of_the_wrong_kind_or_on_someone_elses_record_is_refused(submit_kwargs, inspector_wj, inspector_xb):
    record, _c = onsite_record_submit(**submit_kwargs())
    with pytest.raises(ValidationFailed):
        evidence_add(user=inspector_wj, data=_jpeg(), declared_sha256=None, kind="audio", record=record)
    with pytest.raises(ValidationFailed):
        evidence_add(user=inspector_wj, data=b"just some text", declared_sha256=None, kind="document", record=record)
    with pytest.raises(NotFound):
        evidence_add(user=inspector_xb, data=_jpeg(), declared_sha256=None, kind="photo", record=record)


def test_evidence_verify_names_a_tampered_or_missing_blob(submit_kwargs, inspector_wj, capsys):
    record, _c = onsite_record_submit(**submit_kwargs())
    ev = evidence_add(user=inspector_wj, data=_jpeg(), declared_sha256=None, kind="photo", record=record)
    call_command("evidence", "verify")
    assert "SHA-256" in capsys.readouterr().out
    path = blob_path(ev.sha256)
    os.chmod(path, 0o600)
    data = bytearray(path.read_bytes())
    data[-10] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ApplicationError) as broken:
        call_command("evidence", "verify")
    assert ev.sha256 in str(broken.value.message) and record.number in str(broken.value.message)
    path.unlink()
    with pytest.raises(ApplicationError) as broken:
        call_command("evidence", "verify")
    assert ev.sha256 in str(broken.value.message)


def test_the_cli_exits_2_on_tampered_evidence(submit_kwargs, inspector_wj):
    from ecoenforce.cli import main

    record, _c = onsite_record_submit(**submit_kwargs())
    ev = evidence_add(user=inspector_wj, data=_jpeg(), declared_sha256=None, kind="photo", record=record)
    os.chmod(blob_path(ev.sha256), 0o600)
    blob_path(ev.sha256).write_bytes(b"changed")
    with pytest.raises(SystemExit) as exit_:
        main(["evidence", "verify"])
    assert exit_.value.code == 2


def test_the_demo_files_records_through_the_services(task, inspector_wj):
    from ecoenforce.onsite.demo import onsite_demo

    out = onsite_demo(count=3)
    assert out["records"] >= 2 and out["problems"] == 1
    problem = OnSiteRecord.objects.get(problems_found=True)
    assert problem.raised_lead is not None and problem.evidence.get().time_source == Evidence.Source.EXIF
    assert InquiryRecord.objects.count() == 1
    assert out["total"] == OnSiteRecord.objects.count()
