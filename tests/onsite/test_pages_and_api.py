"""The on-site pages and /api/v1/onsite/ over HTTP: the work list, the record form with drawn signatures and a photo,
the record and its evidence list and PDFs; the API's idempotent POST (201 then 200), evidence with a declared hash,
and records out of reach answering 404."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from onsite_helpers import all_compliant, signature_png
from PIL import Image

from ecoenforce.core.services import api_token_create
from ecoenforce.onsite.models import Evidence, OnSiteRecord

TODAY = timezone.localdate()


def _client(user, lang: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (30, 120, 60)).save(out, format="JPEG")
    return out.getvalue()


def test_the_worklist_and_the_form_show_the_drawn_task_and_its_checklist(task, inspector_wj):
    client = _client(inspector_wj)
    page = client.get("/onsite/").content.decode()
    assert task.entity.name in page and f"/onsite/new/task/{task.pk}/" in page
    form = client.get(f"/onsite/new/task/{task.pk}/").content.decode()
    assert "G-01" in form and "排污许可管理条例" in form and "signature_pad.umd.min.js" in form
    assert "<script>" not in form  # no inline script (CSP)


def test_the_worklist_holds_drawn_tasks_case_checks_and_lead_verifications_with_the_entity_facts(
        task, case_wj, lead_wj, inspector_wj, leader_wj):
    """One work list for the three kinds of on-site work; each row links the entity's facts page (the work list's
    links are what the service worker keeps for offline use) and the record form carries the facts too."""
    from ecoenforce.leads.services import lead_assign
    from ecoenforce.registry.services import entity_event_record

    lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=inspector_wj.pk)
    entity_event_record(entity=case_wj.entity, date=TODAY - dt.timedelta(days=40), ref="test:1",
                        kind="penalty")
    page = _client(inspector_wj).get("/onsite/").content.decode()
    for subject, pk in (("task", task.pk), ("case", case_wj.pk), ("lead", lead_wj.pk)):
        assert f'data-subject="{subject}-{pk}"' in page and f"/onsite/new/{subject}/{pk}/" in page
    assert f"/registry/entities/{task.entity.pk}/" in page and f"/registry/entities/{case_wj.entity.pk}/" in page
    assert "data-offline-prefetch" in page
    form = _client(inspector_wj).get(f"/onsite/new/case/{case_wj.pk}/").content.decode()
    assert 'data-testid="entity-facts"' in form and case_wj.entity.uscc in form and "作出行政处罚" in form
    english = _client(inspector_wj, "en").get(f"/onsite/new/lead/{lead_wj.pk}/").content.decode()
    assert "Entity facts" in english and lead_wj.entity.uscc in english


def test_filing_the_form_with_signatures_and_a_photo(task, inspector_wj):
    other = task.inspectors.exclude(pk=inspector_wj.pk).first()
    client = _client(inspector_wj)
    key = uuid.uuid4().hex
    post = {"idempotency_key": key, "started_at": (timezone.localtime() - dt.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M"), "device_now": timezone.now().isoformat(), "latitude": "31.7", "longitude": "119.9",
        "officer2": str(other.pk), "sig_me": _data_url(signature_png()), "sig_officer2": _data_url(signature_png()),
        "party_name": "王建国", "sig_party": _data_url(signature_png()), "summary": "现场正常生产。"}
    for code, f in all_compliant(task.entity).items():
        post[f"f_{code}"] = f["result"]
    photo = io.BytesIO(_jpeg())
    photo.name = "现场.jpg"
    response = client.post(f"/onsite/new/task/{task.pk}/", {**post, "photos": photo})
    assert response.status_code == 302, response.content.decode()[:2000]
    record = OnSiteRecord.objects.get(idempotency_key=key)
    assert response["Location"] == f"/onsite/records/{record.pk}/"
    assert Evidence.objects.filter(onsite_record=record, kind="photo").count() == 1
    page = client.get(f"/onsite/records/{record.pk}/").content.decode()
    assert record.number in page and "王建国" in page
    ev = Evidence.objects.get(onsite_record=record)
    assert client.get(f"/onsite/evidence/{ev.pk}/?thumb=1")["Content-Type"] == "image/jpeg"
    listing = client.get(f"/onsite/records/{record.pk}/evidence/").content.decode()
    assert ev.sha256[:32] in listing and ev.sha256[32:] in listing and "现场.jpg" in listing
    for url in (f"/onsite/records/{record.pk}/pdf/", f"/onsite/records/{record.pk}/evidence/?format=pdf"):
        pdf = client.get(url)
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    # the form sent again (a double tap) lands on the same record
    again = client.post(f"/onsite/new/task/{task.pk}/", post)
    assert again.status_code == 302 and again["Location"] == f"/onsite/records/{record.pk}/"
    assert OnSiteRecord.objects.count() == 1


def test_a_form_without_the_second_officer_says_why_in_chinese(task, inspector_wj):
    client = _client(inspector_wj)
    post = {"idempotency_key": uuid.uuid4().hex, "started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "sig_me": _data_url(signature_png()), "party_name": "王建国", "sig_party": _data_url(signature_png())}
    page = client.post(f"/onsite/new/task/{task.pk}/", post).content.decode()
    assert "第四十二条" in page
    assert not OnSiteRecord.objects.exists()


def test_someone_elses_record_pages_are_not_found(submit_kwargs, inspector_xb):
    from ecoenforce.onsite.services import onsite_record_submit

    record, _c = onsite_record_submit(**submit_kwargs())
    client = _client(inspector_xb)
    for url in (f"/onsite/records/{record.pk}/", f"/onsite/records/{record.pk}/pdf/",
                f"/onsite/records/{record.pk}/evidence/"):
        assert client.get(url).status_code == 404, url


# --- API ----------------------------------------------------------------------------------------------------

def _api(user) -> Client:
    _token, raw = api_token_create(user=user, name="phone")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def payload(task, inspector_wj):
    other = task.inspectors.exclude(pk=inspector_wj.pk).first()
    now = timezone.now()
    return {"idempotency_key": uuid.uuid4().hex, "subject": "task", "subject_id": task.pk,
            "started_at": (now - dt.timedelta(hours=1)).isoformat(), "ended_at": now.isoformat(),
            "device_now": now.isoformat(), "latitude": 31.7, "longitude": 119.9, "accuracy_m": 12,
            "officers": [{"user_id": inspector_wj.pk, "signature_png": _data_url(signature_png())},
                         {"user_id": other.pk, "signature_png": base64.b64encode(signature_png()).decode()}],
            "party_name": "王建国", "party_signature_png": _data_url(signature_png()),
            "findings": all_compliant(task.entity)}


def test_api_post_three_times_is_stored_once(payload, inspector_wj):
    api = _api(inspector_wj)
    codes = [api.post("/api/v1/onsite/records", payload, content_type="application/json") for _ in range(3)]
    assert [r.status_code for r in codes] == [201, 200, 200]
    assert len({r.json()["id"] for r in codes}) == 1
    assert OnSiteRecord.objects.count() == 1
    record_id = codes[0].json()["id"]
    got = api.get(f"/api/v1/onsite/records/{record_id}").json()
    assert got["number"] == codes[0].json()["number"] and len(got["signatures"]) == 3
    work = api.get("/api/v1/onsite/worklist").json()
    assert all(w["subject_id"] != payload["subject_id"] or w["subject"] != "task" for w in work)


def test_api_refuses_one_officer_alone_with_the_reason(payload, inspector_wj):
    api = _api(inspector_wj)
    response = api.post("/api/v1/onsite/records", {**payload, "officers": payload["officers"][:1]},
                        content_type="application/json")
    assert response.status_code == 422
    assert "officers" in response.json()["details"]


def test_api_evidence_with_a_declared_hash(payload, inspector_wj, inspector_xb):
    api = _api(inspector_wj)
    record_id = api.post("/api/v1/onsite/records", payload, content_type="application/json").json()["id"]
    data = _jpeg()
    bad = api.post(f"/api/v1/onsite/records/{record_id}/evidence",
                   {"kind": "photo", "declared_sha256": "0" * 64, "file": io.BytesIO(data)})
    assert bad.status_code == 422 and bad.json()["code"] == "hash_mismatch"
    upload = io.BytesIO(data)
    upload.name = "p.jpg"
    good = api.post(f"/api/v1/onsite/records/{record_id}/evidence",
                    {"kind": "photo", "declared_sha256": hashlib.sha256(data).hexdigest(), "file": upload})
    assert good.status_code == 201 and good.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert [e["id"] for e in api.get(f"/api/v1/onsite/records/{record_id}/evidence").json()] == [good.json()["id"]]
    assert _api(inspector_xb).get(f"/api/v1/onsite/records/{record_id}").status_code == 404


def test_api_checklists(inspector_wj, task):
    api = _api(inspector_wj)
    groups = {g["group"]: g for g in api.get("/api/v1/onsite/checklists").json()}
    assert {"general", "thermal_power", "cement", "chemical", "electroplating", "printing_dyeing",
            "municipal_wastewater", "hazardous_waste"} <= set(groups)
    mine = api.get(f"/api/v1/onsite/checklists/entity/{task.entity_id}").json()
    assert mine["version"] == 1 and mine["items"]
