"""Choosing a region: never a list of 3,212 divisions with three identical "城区" — a search box, and every choice
labelled with its parent (常州市 / 武进区), in the admin's forms and in the list filters."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from ecoenforce.core.models import Region

pytestmark = pytest.mark.django_db
CHENGQU = {"阳泉市 / 城区", "晋城市 / 城区", "汕尾市 / 城区"}


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    client.cookies["django_language"] = "zh-hans"
    return client


def _search(client: Client, model: str, field: str, term: str) -> list[str]:
    app, name = model.split(".")
    answer = client.get("/admin/autocomplete/", {"app_label": app, "model_name": name, "field_name": field,
                                                 "term": term})
    assert answer.status_code == 200
    return [r["text"] for r in answer.json()["results"]]


def test_every_division_has_a_label_no_other_shares():
    regions = list(Region.objects.select_related("parent"))
    assert len(regions) >= 3212
    assert len({r.path_label for r in regions}) == len(regions)
    assert Region.objects.select_related("parent").get(code="320412").path_label == "常州市 / 武进区"
    assert {r.path_label for r in regions if r.name == "城区"} == CHENGQU


@pytest.mark.parametrize(("url", "model", "field"), [
    ("/admin/registry/regulatedentity/add/", "registry.regulatedentity", "region"),
    ("/admin/registry/inspectorprofile/add/", "registry.inspectorprofile", "home_region"),
    ("/admin/core/organization/add/", "core.organization", "region"),
])
def test_admin_forms_search_regions_instead_of_listing_them(admin_client, url, model, field):
    page = admin_client.get(url).content.decode()
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, "the field is on the form"
    assert "admin-autocomplete" in select.group(0) and "data-ajax--url" in select.group(0)
    assert select.group(1).count("<option") <= 1  # nothing listed up front
    assert "//cdn" not in page and "https://" not in re.sub(r'href="https://[^"]*"', "", page).split("<body")[0]
    assert set(_search(admin_client, model, field, "城区")[:3]) == CHENGQU  # exact names first
    assert _search(admin_client, model, field, "阳泉 城区") == ["阳泉市 / 城区"]
    assert "常州市 / 武进区" in _search(admin_client, model, field, "320412")


def test_the_chosen_region_shows_with_its_parent(admin_client, admin_user, region_wj):
    from factories import make_entity

    entity = make_entity(region=region_wj, actor=admin_user)
    page = admin_client.get(f"/admin/registry/regulatedentity/{entity.pk}/change/").content.decode()
    select = re.search(r'<select name="region"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.search(rf'<option value="{region_wj.pk}" selected>常州市 / 武进区</option>', select)


def test_list_filters_label_counties_with_their_city_and_offer_a_search(admin_client):
    for url in ("/registry/entities/", "/cases/", "/leads/", "/warnings/"):
        page = admin_client.get(url).content.decode()
        select = re.search(r'<select class="form-select" name="region"([^>]*)>(.*?)</select>', page, re.S)
        assert select is not None, url
        assert 'data-searchable="输入名称查找区县"' in select.group(1), url
        labels = re.findall(r"<option value=\"\d{6}\"[^>]*>([^<]*)</option>", select.group(2))
        assert len(labels) > 2000 and len(set(labels)) == len(labels), url
        assert CHENGQU <= set(labels) and "常州市 / 武进区" in labels, url
