"""Pages and endpoints of classified supervision: the permission matrix and the main flows through HTTP."""

from __future__ import annotations

import pytest
from classification_files import code, csv_bytes
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ecoenforce.registry.catalogue.starter import catalogue_load_starter
from ecoenforce.registry.models import EnterpriseAccount, RegulatedEntity
from ecoenforce.registry.pools.models import PoolImport
from ecoenforce.registry.positive.models import PositiveListEntry

pytestmark = pytest.mark.django_db

ROWS = [["统一社会信用代码", "单位名称", "行业代码", "地址", "区县代码", "许可管理类别"],
        [code(1), "常州甲化工有限公司", "2614", "武进区甲路1号", "320412", "重点管理"],
        [code(2), "常州乙电镀有限公司", "3360", "武进区乙路2号", "320412", "简化管理"]]


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(personas, entity_wj, entity_xb):
    catalogue_load_starter(actor=None)
    for entity in (entity_wj, entity_xb):
        entity.networked_monitoring, entity.permit_reports_on_time = True, True
        entity.save()
    entry = PositiveListEntry.objects.create(entity=entity_wj, applied_by=personas["inspector_wj"],
                                             applied_at="2026-11-01T09:00:00+08:00")
    entry_xb = PositiveListEntry.objects.create(entity=entity_xb, applied_by=personas["inspector_xb"],
                                                applied_at="2026-11-01T09:00:00+08:00")
    return {"entity": entity_wj.pk, "entity_xb": entity_xb.pk, "entry": entry.pk, "entry_xb": entry_xb.pk}


STAFF_PAGES = ["/registry/positive-list/", "/registry/positive-list/{entry}/", "/registry/catalogue/2026/",
               "/registry/catalogue/2026/diff/", "/registry/entities/{entity}/"]
LEADER_PAGES = ["/registry/pools/", "/registry/pools/template/entities.xlsx", "/registry/pools/template/inspectors.xlsx"]


@pytest.mark.parametrize("url", STAFF_PAGES + LEADER_PAGES + ["/registry/my-facilities/"])
def test_anonymous_is_sent_to_sign_in(world, url):
    response = client_for(None).get(url.format(**world))
    assert (response.status_code, response["Location"].startswith("/accounts/login/")) == (302, True)


@pytest.mark.parametrize("url", STAFF_PAGES + LEADER_PAGES)
@pytest.mark.parametrize("persona", ["enterprise_user", "grid_member"])
def test_roles_outside_the_bureau_are_refused(world, personas, url, persona):
    assert client_for(personas[persona]).get(url.format(**world)).status_code == 403


@pytest.mark.parametrize("url", STAFF_PAGES)
@pytest.mark.parametrize("persona", ["inspector_wj", "leader_wj", "legal_wj", "city_leader", "admin_user"])
def test_staff_may_open_the_pages(world, personas, url, persona):
    assert client_for(personas[persona]).get(url.format(**world)).status_code == 200


@pytest.mark.parametrize("url", LEADER_PAGES)
def test_only_leaders_and_administrators_import_the_pools(world, personas, url):
    assert client_for(personas["inspector_wj"]).get(url).status_code == 403
    assert client_for(personas["leader_wj"]).get(url).status_code == 200
    assert client_for(personas["admin_user"]).get(url).status_code == 200


def test_another_countys_entry_is_not_found(world, personas):
    client = client_for(personas["leader_wj"])
    assert client.get("/registry/positive-list/{entry_xb}/".format(**world)).status_code == 404
    assert client.post("/registry/positive-list/{entry_xb}/decide/".format(**world),
                       {"decision": "approve"}).status_code == 404
    assert PositiveListEntry.objects.get(pk=world["entry_xb"]).status == "applied"


def test_only_a_leader_decides_and_the_decision_lists_the_entity(world, personas):
    url = "/registry/positive-list/{entry}/decide/".format(**world)
    assert client_for(personas["inspector_wj"]).post(url, {"decision": "approve"}).status_code == 403
    assert PositiveListEntry.objects.get(pk=world["entry"]).status == "applied"
    response = client_for(personas["leader_wj"]).post(url, {"decision": "approve"})
    assert response.status_code == 302
    assert RegulatedEntity.objects.get(pk=world["entity"]).on_positive_list is True
    export = client_for(personas["leader_wj"]).get("/registry/positive-list/?export=xlsx&year=2026&quarter=4")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(personas["inspector_wj"]).get("/registry/positive-list/?export=xlsx").status_code == 403


def test_the_enterprise_sees_its_facility_and_applies(world, personas, entity_wj):
    enterprise = personas["enterprise_user"]
    assert client_for(enterprise).get("/registry/my-facilities/").status_code == 200  # not linked yet: no facility
    EnterpriseAccount.objects.create(user=enterprise, entity=entity_wj)
    PositiveListEntry.objects.all().delete()
    client = client_for(enterprise)
    assert entity_wj.name in client.get("/registry/my-facilities/").content.decode()
    assert client.post(f"/registry/positive-list/apply/{entity_wj.pk}/").status_code == 302
    assert client.post(f"/registry/positive-list/apply/{entity_wj.pk}/").status_code == 302  # second click
    assert PositiveListEntry.objects.filter(entity=entity_wj).count() == 1
    assert client.post("/registry/positive-list/apply/{entity_xb}/".format(**world)).status_code == 404
    assert client_for(personas["inspector_wj"]).get("/registry/my-facilities/").status_code == 403


def test_upload_check_confirm_once(world, personas):
    client = client_for(personas["leader_wj"])
    response = client.post("/registry/pools/", {"kind": "entities",
                                                "file": SimpleUploadedFile("pool.csv", csv_bytes(ROWS))})
    upload = PoolImport.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/registry/pools/imports/{upload.pk}/")
    assert RegulatedEntity.objects.filter(uscc__in=[code(1), code(2)]).count() == 0  # checked, not imported
    assert client_for(personas["city_leader"]).get(f"/registry/pools/imports/{upload.pk}/").status_code == 404
    assert client.post(f"/registry/pools/imports/{upload.pk}/confirm/").status_code == 302
    assert client.post(f"/registry/pools/imports/{upload.pk}/confirm/").status_code == 302  # second click
    assert RegulatedEntity.objects.filter(uscc__in=[code(1), code(2)]).count() == 2
    upload.refresh_from_db()
    assert (upload.status, upload.report["created"]) == ("applied", 2)


def test_catalogue_editing_is_for_administrators_and_the_portal_is_public(world, personas):
    assert client_for(personas["leader_wj"]).post("/registry/catalogue/new/", {"year": 2027}).status_code == 403
    assert client_for(personas["leader_wj"]).post("/registry/catalogue/2026/publish/").status_code == 403
    assert client_for(personas["admin_user"]).post("/registry/catalogue/new/", {"year": 2027}).status_code == 302
    export = client_for(personas["inspector_wj"]).get("/registry/catalogue/2026/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    public = client_for(None).get("/public/catalogue/?q=大气污染防治法")
    assert public.status_code == 200
    body = public.content.decode()
    assert ("CF-DQ-099" in body, "CF-PW-033" in body) == (True, False)


def test_api_matrix(world, personas):
    assert client_for(None).get("/api/v1/registry/catalogue").status_code == 401
    matters = client_for(personas["enterprise_user"]).get("/api/v1/registry/catalogue?q=排污许可管理条例").json()
    assert [m["code"] for m in matters] == ["CF-PW-033", "CF-PW-034", "CF-PW-035", "CF-PW-036", "CF-PW-037",
                                            "CF-PW-043"]
    assert client_for(personas["inspector_wj"]).get("/api/v1/registry/catalogue/NOPE").status_code == 404
    risk_url = "/api/v1/registry/entities/{entity}/risk".format(**world)
    assert client_for(personas["enterprise_user"]).get(risk_url).status_code == 403
    assert client_for(personas["inspector_xb"]).get(risk_url).status_code == 404
    risk = client_for(personas["inspector_wj"]).get(risk_url).json()
    assert (risk["risk_class"], risk["reasons"][-1]["factor"]) == ("key", "class_rule")
    assert client_for(personas["inspector_wj"]).post("/api/v1/registry/classify").status_code == 403
    assert client_for(personas["leader_wj"]).post("/api/v1/registry/classify").json()["total"] == 1
    elig = client_for(personas["inspector_wj"]).get("/api/v1/registry/entities/{entity}/positive-list".format(**world))
    assert (elig.status_code, elig.json()["eligible"]) == (200, True)
    decision = "/api/v1/registry/positive-list/{entry}/decision".format(**world)
    assert client_for(personas["inspector_wj"]).post(decision, {"approve": True},
                                                     content_type="application/json").status_code == 403
    ok = client_for(personas["leader_wj"]).post(decision, {"approve": True}, content_type="application/json")
    assert (ok.status_code, ok.json()["status"]) == (200, "approved")


def test_api_pool_import_reports_problems_with_422_and_imports_nothing(world, personas):
    bad = csv_bytes([ROWS[0], ["X", "甲", "2614", "路", "320412", "重点管理"]])
    client = client_for(personas["leader_wj"])
    response = client.post("/api/v1/registry/pools/entities", {"file": SimpleUploadedFile("bad.csv", bad)})
    assert (response.status_code, response.json()["problems"][0]["row"]) == (422, 2)
    dry = client.post("/api/v1/registry/pools/entities?dry_run=true", {"file": SimpleUploadedFile("p.csv", csv_bytes(ROWS))})
    assert (dry.status_code, dry.json()["created"], RegulatedEntity.objects.count()) == (200, 2, 2)
    assert client_for(personas["inspector_wj"]).post(
        "/api/v1/registry/pools/entities", {"file": SimpleUploadedFile("p.csv", csv_bytes(ROWS))}).status_code == 403


def test_lists_filter_by_positive_list(world, personas, entity_wj):
    entity_wj.on_positive_list = True
    entity_wj.save()
    client = client_for(personas["city_leader"])
    assert [e["id"] for e in client.get("/api/v1/entities/?positive_list=yes").json()["items"]] == [entity_wj.pk]
    assert [e["id"] for e in client.get("/api/v1/entities/?positive_list=no").json()["items"]] == [world["entity_xb"]]
    page = client.get("/registry/entities/?positive_list=yes").content.decode()
    assert (entity_wj.name in page, "常州华宇印染有限公司" in page) == (True, False)
