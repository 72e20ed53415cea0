"""The permission matrix of the foundation: anonymous / other jurisdiction / wrong role / right role, for every
HTML view and every API endpoint of core, registry, leads, cases, disclosure and the dashboard."""

from __future__ import annotations

import pytest
from django.test import Client

from ecoenforce.core.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, entity_wj, entity_xb, lead_wj, lead_xb, case_wj, case_xb, decided_case_wj):
    """Records on both sides of the county line; the 武进 case is decided and published."""
    return {"entity": entity_wj.pk, "entity_xb": entity_xb.pk, "lead": lead_wj.pk, "lead_xb": lead_xb.pk,
            "case": case_wj.pk, "case_xb": case_xb.pk}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# Staff pages: (url template, roles allowed). Objects use the 武进 records; {..._xb} are the other county's.
STAFF_PAGES = [
    "/", "/leads/", "/leads/new/", "/leads/{lead}/", "/cases/", "/cases/{case}/", "/registry/entities/",
    "/registry/entities/{entity}/", "/accounts/tokens/",
]
OBJECT_PAGES = {"/leads/{lead}/": "/leads/{lead_xb}/", "/cases/{case}/": "/cases/{case_xb}/",
                "/registry/entities/{entity}/": "/registry/entities/{entity_xb}/"}


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_anonymous_is_sent_to_sign_in(world, url):
    response = client_for(None).get(url.format(**world))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("persona", ["enterprise_user", "grid_member"])
def test_roles_outside_the_bureau_are_refused(world, personas, url, persona):
    response = client_for(personas[persona]).get(url.format(**world))
    assert response.status_code == 403


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("persona", ["inspector_wj", "leader_wj", "legal_wj", "city_leader", "admin_user"])
def test_bureau_staff_of_the_jurisdiction_may_open(world, personas, url, persona):
    response = client_for(personas[persona]).get(url.format(**world))
    assert response.status_code == 200


@pytest.mark.parametrize("own,other", list(OBJECT_PAGES.items()))
def test_another_countys_records_are_not_found(world, personas, own, other):
    client = client_for(personas["inspector_wj"])
    assert client.get(own.format(**world)).status_code == 200
    assert client.get(other.format(**world)).status_code == 404


@pytest.mark.parametrize("url,needle_own,needle_other", [
    ("/leads/", "lead_wj_number", "lead_xb_number"),
    ("/cases/", "case_wj_number", "case_xb_number"),
    ("/registry/entities/", "常州恒泰化工有限公司", "常州华宇印染有限公司"),
])
def test_lists_hold_only_the_jurisdictions_rows(world, personas, lead_wj, lead_xb, case_wj, case_xb, url, needle_own,
                                                needle_other):
    names = {"lead_wj_number": lead_wj.number, "lead_xb_number": lead_xb.number,
             "case_wj_number": case_wj.number, "case_xb_number": case_xb.number}
    own, other = names.get(needle_own, needle_own), names.get(needle_other, needle_other)
    county = client_for(personas["inspector_wj"]).get(url).content.decode()
    assert own in county and other not in county
    city = client_for(personas["city_leader"]).get(url).content.decode()
    assert own in city and other in city


def test_the_audit_record_is_for_leaders_and_legal_reviewers(world, personas):
    assert client_for(None).get("/accounts/audit/").status_code == 302
    assert client_for(personas["inspector_wj"]).get("/accounts/audit/").status_code == 403
    assert client_for(personas["leader_wj"]).get("/accounts/audit/").status_code == 200
    assert client_for(personas["legal_wj"]).get("/accounts/audit/").status_code == 200


def test_the_audit_record_shows_a_county_only_its_own_events(world, personas, lead_wj, lead_xb):
    def lead_ids(persona):
        page = client_for(personas[persona]).get("/accounts/audit/?object_type=leads.lead").context["page"]
        return {int(e.object_id) for e in page.object_list}

    from ecoenforce.leads.models import Lead

    wujin = set(Lead.objects.filter(region__code="320412").values_list("pk", flat=True))
    assert lead_wj.pk in wujin and lead_xb.pk not in wujin
    assert lead_ids("leader_wj") == lead_ids("legal_wj") == wujin
    assert lead_ids("city_leader") == set(Lead.objects.values_list("pk", flat=True))
    assert client_for(personas["inspector_xb"]).post("/accounts/audit/verify/").status_code == 403


def test_the_decision_pdf_follows_the_case(world, personas, settings, tmp_path):
    settings.PDF_CJK_FONT = str(tmp_path / "missing.ttc")  # the font is not what is tested here
    assert client_for(None).get(f"/cases/{world['case']}/decision.pdf").status_code == 302
    assert client_for(personas["enterprise_user"]).get(f"/cases/{world['case']}/decision.pdf").status_code == 403
    assert client_for(personas["inspector_xb"]).get(f"/cases/{world['case']}/decision.pdf").status_code == 404
    assert client_for(personas["inspector_wj"]).get(f"/cases/{world['case']}/decision.pdf").status_code == 503


def test_the_public_portal_is_open_and_shows_only_published_decisions(world, decided_case_wj):
    anonymous = client_for(None)
    assert anonymous.get("/public/").status_code == 200
    assert anonymous.get(f"/public/decisions/{decided_case_wj.pk}/").status_code == 200
    assert anonymous.get(f"/public/decisions/{world['case_xb']}/").status_code == 404


# --- the JSON API ------------------------------------------------------------------------------------------

API_READS = ["/api/v1/entities/", "/api/v1/entities/{entity}", "/api/v1/leads/", "/api/v1/leads/{lead}",
             "/api/v1/cases/", "/api/v1/cases/{case}"]
API_OTHER = {"/api/v1/entities/{entity}": "/api/v1/entities/{entity_xb}", "/api/v1/leads/{lead}": "/api/v1/leads/{lead_xb}",
             "/api/v1/cases/{case}": "/api/v1/cases/{case_xb}"}


@pytest.mark.parametrize("url", API_READS)
def test_api_needs_credentials(world, url):
    assert client_for(None).get(url.format(**world)).status_code == 401


@pytest.mark.parametrize("url", API_READS)
def test_api_refuses_roles_outside_the_bureau(world, personas, url):
    response = client_for(personas["enterprise_user"]).get(url.format(**world))
    assert response.status_code == 403
    assert response.json()["code"] == "PermissionDenied"


@pytest.mark.parametrize("url", API_READS)
def test_api_serves_bureau_staff(world, personas, url):
    assert client_for(personas["inspector_wj"]).get(url.format(**world)).status_code == 200


@pytest.mark.parametrize("own,other", list(API_OTHER.items()))
def test_api_hides_another_countys_records(world, personas, own, other):
    client = client_for(personas["inspector_wj"])
    assert client.get(own.format(**world)).status_code == 200
    response = client.get(other.format(**world))
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


@pytest.mark.parametrize("url,body,status", [
    ("/api/v1/leads/", {"title": "x", "region_code": "320412"}, 403),
    # a lead outside the role is "not found": a 403 would confirm that the lead exists (issue 15 item 10)
    ("/api/v1/leads/{lead}/close", {"reason": "no_violation", "note": "checked"}, 404),
    ("/api/v1/cases/{case}/transition", {"action": "start_investigation"}, 403),
])
def test_api_writes_refuse_anonymous_and_wrong_roles(world, personas, url, body, status):
    url = url.format(**world)
    assert client_for(None).post(url, body, content_type="application/json").status_code == 401
    response = client_for(personas["grid_member"]).post(url, body, content_type="application/json")
    assert response.status_code == status


def test_openapi_description_is_public_and_lists_the_endpoints(db):
    schema = client_for(None).get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/v1/entities/", "/api/v1/leads/", "/api/v1/leads/{lead_id}/convert",
            "/api/v1/cases/{case_id}/transition"} <= paths


def test_bearer_tokens_authenticate_until_revoked(world, personas):
    token, raw = api_token_create(user=personas["inspector_wj"], name="tablet")
    client = Client()
    response = client.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["count"] == 2  # lead_wj, and the lead case_wj was opened from; never the 新北 ones
    assert client.get("/api/v1/leads/", HTTP_AUTHORIZATION="Bearer ee_wrong").status_code == 401
    api_token_revoke(user=personas["inspector_wj"], token_id=token.pk)
    assert client.get("/api/v1/leads/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


# --- monitoring: pages and API over the registry and the gateway's spool --------------------------------------

@pytest.fixture
def monitoring_world(world, settings, tmp_path, entity_wj, entity_xb, admin_user):
    """One water device in each county (WJ0001, XB0001), an empty spool and lake."""
    from ecoenforce.monitoring import services

    settings.SPOOL_DIR, settings.LAKE_DIR = tmp_path / "spool", tmp_path / "lake"
    settings.DEVICE_SNAPSHOT, settings.VAR_DIR = tmp_path / "gateway" / "devices.json", tmp_path
    settings.SPOOL_DIR.mkdir()
    for entity, mn in ((entity_wj, "WJ0001"), (entity_xb, "XB0001")):
        services.device_save(actor=admin_user, data=services.DeviceInput(
            entity_id=entity.pk, outlet_code="DW001", outlet_name="总排口", outlet_kind="water", mn=mn,
            password="123456", pollutants=["w00000", "w01018"]))  # fmt: skip
    return {**world, "mn": "WJ0001", "mn_xb": "XB0001"}


MONITORING_VIEW = ["/monitoring/", "/monitoring/devices/{mn}/", "/api/v1/monitoring/devices",
                   "/api/v1/monitoring/devices/{mn}", "/api/v1/monitoring/devices/{mn}/latest",
                   "/api/v1/monitoring/points", "/api/v1/monitoring/readings?mn={mn}&pollutant=w01018"]
MONITORING_OPS = ["/monitoring/rejected/", "/monitoring/quarantine/", "/monitoring/connections/",
                  "/monitoring/import/", "/monitoring/register/", "/api/v1/monitoring/rejected"]
MONITORING_OBJECTS = {"/monitoring/devices/{mn}/": "/monitoring/devices/{mn_xb}/",
                      "/api/v1/monitoring/devices/{mn}": "/api/v1/monitoring/devices/{mn_xb}",
                      "/api/v1/monitoring/devices/{mn}/latest": "/api/v1/monitoring/devices/{mn_xb}/latest",
                      "/api/v1/monitoring/readings?mn={mn}&pollutant=w01018":
                          "/api/v1/monitoring/readings?mn={mn_xb}&pollutant=w01018"}  # fmt: skip


@pytest.mark.parametrize("url", MONITORING_VIEW + MONITORING_OPS)
def test_monitoring_refuses_anonymous(monitoring_world, url):
    response = client_for(None).get(url.format(**monitoring_world))
    assert response.status_code == (401 if url.startswith("/api/") else 302)


@pytest.mark.parametrize("persona,sees,operates", [
    ("enterprise_user", False, False), ("grid_member", False, False), ("legal_wj", False, False),
    ("inspector_wj", True, False), ("leader_wj", True, False), ("operator", True, True),
    ("operator_wj", True, True), ("admin_user", True, True),
])  # fmt: skip
def test_monitoring_role_matrix(monitoring_world, request, persona, sees, operates):
    client = client_for(request.getfixturevalue(persona))
    got = {url: client.get(url.format(**monitoring_world)).status_code for url in MONITORING_VIEW + MONITORING_OPS}
    assert got == {**{u: 200 if sees else 403 for u in MONITORING_VIEW}, **{u: 200 if operates else 403 for u in MONITORING_OPS}}


@pytest.mark.parametrize("persona", ["inspector_wj", "operator_wj"])
@pytest.mark.parametrize("own,other", list(MONITORING_OBJECTS.items()))
def test_monitoring_hides_another_countys_devices(monitoring_world, request, persona, own, other):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(own.format(**monitoring_world)).status_code == 200
    assert client.get(other.format(**monitoring_world)).status_code == 404


@pytest.mark.parametrize("persona,mns", [("inspector_wj", ["WJ0001"]), ("operator_xb", ["XB0001"]),
                                         ("city_leader", ["WJ0001", "XB0001"])])  # fmt: skip
def test_monitoring_lists_hold_only_the_jurisdictions_devices(monitoring_world, request, persona, mns):
    client = client_for(request.getfixturevalue(persona))
    assert [d["mn"] for d in client.get("/api/v1/monitoring/devices").json()] == mns
    assert [p["mn"] for p in client.get("/api/v1/monitoring/points").json()] == mns
    page = client.get("/monitoring/").content.decode()
    assert [mn for mn in ("WJ0001", "XB0001") if mn in page] == mns


# --- warnings inputs: electricity batches and video events (issue 15 item 8) ------------------------------------

@pytest.fixture
def inputs_world(world, settings, tmp_path, entity_wj, entity_xb, admin_user):
    """A registered electricity monitor in each county (EWJ1, EXB1), a camera in 武进 (CWJ1), an empty lake."""
    from ecoenforce.warnings.services import device_bind

    settings.LAKE_DIR = tmp_path / "lake"
    for mn, entity, kind in (("EWJ1", entity_wj, "electricity"), ("EXB1", entity_xb, "electricity"),
                             ("CWJ1", entity_wj, "video")):
        device_bind(actor=admin_user, mn=mn, entity=entity, kind=kind)
    return world


def _electricity(mn: str) -> dict:
    return {"mn": mn, "readings": [{"meter": "treatment", "time": "2026-10-02T08:00:00+08:00", "kw": 0.5}]}


def _video(mn: str) -> dict:
    return {"mn": mn, "event": "smoke", "time": "2026-10-02T08:00:00+08:00"}


INPUTS = {"electricity WJ": ("/api/v1/warnings/inputs/electricity", _electricity("EWJ1")),
          "electricity XB": ("/api/v1/warnings/inputs/electricity", _electricity("EXB1")),
          "electricity unregistered": ("/api/v1/warnings/inputs/electricity", _electricity("ENONE")),
          "video WJ": ("/api/v1/warnings/inputs/video", _video("CWJ1")),
          "video unregistered": ("/api/v1/warnings/inputs/video", _video("CNONE"))}  # fmt: skip


@pytest.mark.parametrize("persona,accepted", [
    (None, None), ("enterprise_user", set()), ("grid_member", set()), ("inspector_wj", set()), ("leader_wj", set()),
    ("legal_wj", set()), ("city_leader", set()),
    ("operator_wj", {"electricity WJ", "video WJ"}), ("operator_xb", {"electricity XB"}),
    ("operator", {"electricity WJ", "electricity XB", "video WJ"}),
    ("admin_user", {"electricity WJ", "electricity XB", "video WJ"}),
])  # fmt: skip
def test_inputs_accept_only_registered_devices_in_the_senders_jurisdiction(inputs_world, request, persona, accepted):
    """401 without credentials, 403 outside the monitoring role, and for an operator: 200 for a registered device
    of their jurisdiction, 422 (nothing stored) for one unregistered or in another county."""
    client = client_for(request.getfixturevalue(persona) if persona else None)
    got = {name: client.post(url, body, content_type="application/json").status_code
           for name, (url, body) in INPUTS.items()}  # fmt: skip
    if accepted is None:
        assert got == dict.fromkeys(INPUTS, 401)
    elif persona not in ("operator_wj", "operator_xb", "operator", "admin_user"):
        assert got == dict.fromkeys(INPUTS, 403)
    else:
        assert got == {name: 200 if name in accepted else 422 for name in INPUTS}
