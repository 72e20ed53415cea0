"""Every list's export carries a column for each filter a person can set on it (one filter definition per list)."""

from __future__ import annotations

import csv
import importlib
import io

import pytest
from django.test import Client

from ecoenforce.core.filters import ListFilters
from ecoenforce.registry.models import RegulatedEntity
from factories import make_entity

pytestmark = pytest.mark.django_db

SELECTORS = ["cases", "leads", "registry", "warnings", "monitoring", "planning", "sampling"]
# (list URL, its filter definition, the persona fixture that opens it)
LISTS = [
    ("/cases/", "ecoenforce.cases.selectors.CaseFilters", "leader_wj"),
    ("/leads/", "ecoenforce.leads.selectors.LeadFilters", "leader_wj"),
    ("/registry/entities/", "ecoenforce.registry.selectors.EntityFilters", "leader_wj"),
    ("/warnings/", "ecoenforce.warnings.selectors.WarningFilters", "operator"),
    ("/monitoring/", "ecoenforce.monitoring.selectors.DeviceFilters", "operator"),
    ("/planning/rounds/", "ecoenforce.planning.selectors.RoundFilters", "leader_wj"),
    ("/sampling/", "ecoenforce.sampling.selectors.SamplingFilters", "leader_wj"),
]


def _class(dotted: str) -> type[ListFilters]:
    module, name = dotted.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _csv(client: Client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_every_filter_is_a_search_or_has_its_column():
    for app in SELECTORS:
        importlib.import_module(f"ecoenforce.{app}.selectors")
    definitions = {cls.__name__: cls for cls in ListFilters.__subclasses__()}
    assert {"CaseFilters", "LeadFilters", "EntityFilters", "WarningFilters", "DeviceFilters", "RoundFilters"} <= set(definitions)
    assert {name: cls.unexplained_fields() for name, cls in definitions.items() if cls.unexplained_fields()} == {}
    assert {_class(dotted) for _url, dotted, _user in LISTS} == set(definitions.values()), "a list is missing here"


@pytest.mark.parametrize(("url", "dotted", "persona"), LISTS)
def test_each_export_has_a_column_for_every_filter(request, url, dotted, persona, settings, tmp_path):
    settings.LAKE_DIR, settings.SPOOL_DIR = tmp_path / "lake", tmp_path / "spool"
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    client.cookies["django_language"] = "en"
    headers = _csv(client, f"{url}?export=csv")[0]
    wanted = [str(c.label) for c in _class(dotted).filter_columns()]
    assert [h for h in wanted if h not in headers] == []
    assert len(headers) == len(set(headers)), "a column appears twice"


def test_entity_export_filtered_to_special_shows_the_class_and_the_positive_list(leader_wj, region_wj, admin_user):
    special = make_entity(region=region_wj, actor=admin_user, name="常州恒泰特殊化工有限公司")
    listed = make_entity(region=region_wj, actor=admin_user, name="常州华宇一般纺织有限公司")
    RegulatedEntity.objects.filter(pk=special.pk).update(risk_class="special")
    RegulatedEntity.objects.filter(pk=listed.pk).update(risk_class="general", on_positive_list=True)
    client = Client()
    client.force_login(leader_wj)
    rows = _csv(client, "/registry/entities/?risk_class=special&export=csv")
    header, body = rows[0], rows[1:]
    assert [dict(zip(header, row, strict=True)) for row in body] == [{
        "统一社会信用代码": special.uscc, "名称": "常州恒泰特殊化工有限公司", "行业": str(special.industry),
        "区县": "武进区", "地址": special.address, "排污许可类别": special.get_permit_class_display(),
        "排污许可证编号": special.permit_number, "重点排污单位": "否", "监管类别": "特殊", "已列入正面清单": "否",
    }]
    rows = _csv(client, "/registry/entities/?positive_list=yes&export=csv")
    assert [row[rows[0].index("已列入正面清单")] for row in rows[1:]] == ["是"]
