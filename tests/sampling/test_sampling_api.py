"""The API walks the same road: request, sample, custody steps, result with the report file, lead."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from .conftest import PDF, hours_ago


@pytest.fixture
def inspector_api(inspector_wj):
    client = Client()
    client.force_login(inspector_wj)
    return client


@pytest.fixture
def lab_api(lab):
    client = Client()
    client.force_login(lab)
    return client


def test_the_api_runs_a_request_to_a_lead(limits, station, case_wj, water_point, inspector_api, lab_api):
    made = inspector_api.post("/api/v1/sampling/", {"medium": "waste_water", "factors": ["w01018"],
                                                    "case_id": case_wj.pk, "point_id": water_point.pk},
                              content_type="application/json")
    assert made.status_code == 201, made.content
    req = made.json()
    assert req["status"] == "requested" and req["factors"][0]["name"] and req["factors"][0]["code"] == "w01018"
    sampled = inspector_api.post(f"/api/v1/sampling/{req['id']}/samples", {
        "sample_no": "API-1", "container": "500 mL 玻璃瓶", "samplers": "周明、吴静",
        "sampled_at": hours_ago(4).isoformat()}, content_type="application/json").json()
    sample_id = sampled["samples"][0]["id"]
    steps = [(inspector_api, {"step": "sealed", "from_party": "周明", "seal_no": "F1"}),
             (inspector_api, {"step": "handed_over", "from_party": "周明", "to_party": "钱慧", "seal_no": "F1"}),
             (lab_api, {"step": "received", "from_party": "钱慧", "to_party": "孙丽", "seal_no": "F1"})]
    out_of_order = inspector_api.post(f"/api/v1/sampling/samples/{sample_id}/custody", steps[1][1],
                                      content_type="application/json")
    assert out_of_order.status_code == 409 or out_of_order.status_code == 400
    assert out_of_order.json()["code"] == "custody_out_of_order"
    for i, (client, body) in enumerate(steps):
        r = client.post(f"/api/v1/sampling/samples/{sample_id}/custody",
                        {**body, "at": hours_ago(3 - i).isoformat()}, content_type="application/json")
        assert r.status_code == 201, r.content
    assert r.json()["status"] == "in_lab"
    rows = [{"sample_id": sample_id, "factor": "w01018", "value": "117.5", "unit": "mg/L", "detection_limit": "4"}]
    refused = inspector_api.post(f"/api/v1/sampling/{req['id']}/result",
                                 {"report_number": "R1", "rows": json.dumps(rows), "report": _pdf()})
    assert refused.status_code == 403  # only the station's lab reports
    done = lab_api.post(f"/api/v1/sampling/{req['id']}/result",
                        {"report_number": "R1", "rows": json.dumps(rows), "report": _pdf()})
    assert done.status_code == 200, done.content
    result = done.json()["results"][0]
    assert (result["exceeded"], result["exceedance_ratio"], result["limit_basis"]) == (True, 1.35, "point")
    lead = inspector_api.post(f"/api/v1/sampling/{req['id']}/lead")
    assert lead.status_code == 201 and lead.json()["number"].startswith("XS")
    listed = inspector_api.get("/api/v1/sampling/?status=reported").json()
    assert listed["count"] == 1 and listed["items"][0]["raised_lead"] == lead.json()["number"]


def test_result_rows_that_are_not_a_json_list_are_refused_in_words(limits, station, lab_api):
    r = lab_api.post("/api/v1/sampling/999999/result", {"report_number": "R1", "rows": "not json"})
    assert r.status_code in (400, 422) and r.json()["message"]


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
