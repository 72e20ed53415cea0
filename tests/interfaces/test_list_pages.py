"""List pages: filters, exports with exact rows, no N+1 queries; forms keep what was typed."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from ecoenforce.leads.models import Lead
from ecoenforce.registry.models import RegulatedEntity

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(city_leader) -> Client:
    client = Client()
    client.force_login(city_leader)
    return client


@pytest.fixture
def many(region_wj, admin_user, inspector_wj):
    from factories import make_entity, make_lead

    entities = [make_entity(region=region_wj, actor=admin_user, name=f"常州测试{i:02d}有限公司") for i in range(30)]
    for entity in entities:
        make_lead(entity=entity, created_by=inspector_wj)
    return entities


def test_entity_export_as_csv_and_excel(leader, many):
    response = leader.get("/registry/entities/?export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 31
    assert rows[0][0] == "统一社会信用代码"
    response = leader.get("/registry/entities/?export=xlsx&q=测试0")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 11  # header + 常州测试00..09


def test_lead_export_follows_the_filters(leader, many):
    response = leader.get("/leads/?export=csv&status=new")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + Lead.objects.filter(status="new").count() == 31


@pytest.mark.parametrize("url", ["/registry/entities/", "/leads/", "/cases/"])
def test_list_pages_do_not_query_per_row(leader, many, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(12):
        assert leader.get(url).status_code == 200


def test_lead_form_keeps_what_was_typed_when_the_credit_code_is_wrong(inspector_wj):
    client = Client()
    client.force_login(inspector_wj)
    form = client.get("/leads/new/")
    token = form.context["form"]["submission_token"].value()
    response = client.post("/leads/new/", {"source": "manual", "title": "夜间偷排", "entity_uscc": "91320412XXXXXXXXX1",
                                           "description": "雨水口有黑水", "submission_token": token})
    assert response.status_code == 200
    page = response.content.decode()
    assert "夜间偷排" in page and "雨水口有黑水" in page
    assert "管辖范围内没有该统一社会信用代码的监管对象" in page
    assert Lead.objects.count() == 0


def test_a_second_submit_of_the_same_form_finds_the_first_lead(inspector_wj, region_wj):
    client = Client()
    client.force_login(inspector_wj)
    data = {"source": "manual", "title": "夜间偷排", "region": region_wj.pk, "submission_token": "abc123"}
    first = client.post("/leads/new/", data)
    second = client.post("/leads/new/", data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Lead.objects.count() == 1
    assert RegulatedEntity.objects.count() == 0
