"""A ledger's county as people write it: the name (武进区), the names run together as in an address (常州市武进区),
or the label (常州市 / 武进区) — and a name several counties share (城区) is refused with the candidates, never
guessed."""

from __future__ import annotations

import pytest

from ecoenforce.core.models import Region
from ecoenforce.core.regions import RegionIndex
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.registry.pools.services import pool_file_import
from ecoenforce.registry.uscc import uscc_make

pytestmark = pytest.mark.django_db
HEADER = "统一社会信用代码,单位名称,行业代码,地址,区县名称,许可管理类别"


def _ledger(counties: list[str], area: str) -> bytes:
    rows = [HEADER] + [f"{uscc_make(area, f'MA7QY{i:03d}')},测试{i}有限公司,2614,测试路{i}号,{county},重点管理"
                       for i, county in enumerate(counties, start=1)]
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_every_written_form_finds_the_county_and_a_shared_name_finds_all():
    index = RegionIndex(Region.objects.filter(code__startswith="14").select_related("parent__parent"))
    for text in ("140302", "阳泉市城区", "阳泉市 / 城区", "山西省阳泉市城区", " 阳泉市／城区 "):
        assert [r.code for r in index.find(text)] == ["140302"], text
    assert sorted(r.code for r in index.find("城区")) == ["140302", "140502"]
    assert index.find("武进区") == []


def test_an_ambiguous_county_name_is_refused_with_the_candidates(admin_user):
    report = pool_file_import(kind="entities", actor=admin_user, data=_ledger(["城区"], "91140302"),
                              filename="ledger.csv", dry_run=False, prefix="14")
    assert not report.ok
    [problem] = report.problems
    assert problem.column == "county_name" or "区县" in problem.column
    assert "阳泉市 / 城区 (140302)" in problem.problem and "晋城市 / 城区 (140502)" in problem.problem
    assert not RegulatedEntity.objects.exists()


def test_names_run_together_or_labelled_are_read_as_the_county(admin_user):
    report = pool_file_import(kind="entities", actor=admin_user,
                              data=_ledger(["阳泉市城区", "晋城市 / 城区", "平定县"], "91140302"),
                              filename="ledger.csv", dry_run=False, prefix="14")
    assert report.ok, report.problems
    assert sorted(RegulatedEntity.objects.values_list("region__code", flat=True)) == ["140302", "140321", "140502"]
