"""Warnings desk, as people read it: the most severe first, factors by name and unit (code in a tooltip), an outage
said in hours with its chart, and a page for each electricity meter a warning names (issue 14)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from ecoenforce.warnings.services import device_bind

pytestmark = pytest.mark.django_db


def _lake_rows(lake, kind: str, mn: str, rows: list[tuple[int, str, float]]) -> None:
    """(epoch hour, pollutant, value) rows of one device into the lake under `kind`."""
    import pyarrow.parquet as pq

    from ecoenforce.monitoring.scenario.generator import to_arrow

    n = len(rows)
    cols = {"mn": [mn] * n, "st": ["31"] * n, "pollutant": [p for _h, p, _v in rows], "h": [h for h, _p, _v in rows],
            "rtd" if kind == "electricity" else "avg": [v for _h, _p, v in rows], "flag": ["N"] * n}  # fmt: skip
    folder = lake / f"kind={kind}" / f"date={dt.date.fromtimestamp(rows[-1][0] * 3600).isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(to_arrow(cols), folder / f"part-{mn}.parquet")


def test_the_desk_lists_the_most_severe_first_then_the_newest(client, make_warning, entity_wj, operator_wj):
    t = dt.datetime(2026, 10, 2, tzinfo=dt.UTC)
    old_high = make_warning(entity_wj, severity="high", start=t - dt.timedelta(days=3))
    new_low = make_warning(entity_wj, severity="low", start=t)
    new_medium = make_warning(entity_wj, severity="medium", start=t)
    newer_high = make_warning(entity_wj, severity="high", start=t - dt.timedelta(days=1))
    client.force_login(operator_wj)
    url = reverse("warnings:list")
    assert [w.pk for w in client.get(url).context["page"]] == [newer_high.pk, old_high.pk, new_medium.pk, new_low.pk]
    # Filters keep the order; the export follows the list.
    assert [w.pk for w in client.get(url, {"severity": "high"}).context["page"]] == [newer_high.pk, old_high.pk]
    rows = list(csv.DictReader(io.StringIO(client.get(url, {"export": "csv"}).content.decode("utf-8-sig"))))
    assert [(r["严重程度"], r["开始"][:10]) for r in rows] == [("高", "2026-10-01"), ("高", "2026-09-29"),
                                                              ("中", "2026-10-02"), ("低", "2026-10-02")]


def test_factors_show_by_name_and_unit_with_the_code_in_a_tooltip(client, make_warning, entity_wj, operator_wj):
    make_warning(entity_wj, pollutant="a34013")
    make_warning(entity_wj, rule="treatment_off", mn="E320400000000", pollutant="treatment", value=0.2, threshold=1.0)
    make_warning(entity_wj, rule="identical_trends", pollutant="a21002+a34013", value=0.9996, threshold=0.999)
    client.force_login(operator_wj)
    page = client.get(reverse("warnings:list")).content.decode()
    assert "颗粒物（烟尘） <span class=\"text-secondary\">(mg/m³)</span>" in page
    assert 'title="HJ 212 编码: a34013"' in page
    assert "治污设施用电" in page and "氮氧化物 + 颗粒物" in page
    assert ">a34013<" not in page and ">treatment<" not in page
    export = client.get(reverse("warnings:list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "颗粒物（烟尘） (mg/m³)" in export and "治污设施用电 (kW)" in export and ",a34013," not in export


def test_an_outage_reads_as_hours_without_data_with_the_whole_device_and_its_chart(client, lake, make_warning,
                                                                                   entity_wj, operator_wj):
    """An electricity meter's outage: '*' is the whole device, 24/3 reads as hours, and the chart shows the meter's
    readings around it (the meter's own kind of data, not the hourly CEMS means)."""
    device_bind(actor=None, mn="E320400000009", entity=entity_wj, kind="electricity")
    h0 = int(dt.datetime(2026, 10, 2, tzinfo=dt.UTC).timestamp()) // 3600
    _lake_rows(lake, "electricity", "E320400000009", [(h0 - 2, "production", 80.0), (h0 - 2, "treatment", 20.0),
                                                      (h0 - 1, "production", 82.0), (h0 - 1, "treatment", 21.0)])
    w = make_warning(entity_wj, rule="outage", mn="E320400000009", pollutant="*", value=24.0, threshold=3.0,
                     hits=24, end=dt.datetime(2026, 10, 3, tzinfo=dt.UTC))  # fmt: skip
    client.force_login(operator_wj)
    page = client.get(reverse("warnings:detail", args=[w.pk]))
    html = page.content.decode()
    assert "连续 24 小时无有效数据（满 3 小时即预警）" in html and "24.00 / 3.00" not in html
    assert "设备全部监测因子" in html
    assert page.context["n_readings"] == 4 and 'data-chart="chart-readings"' in html
    assert [s["name"] for s in page.context["chart"]["series"]] == ["生产设施用电 (kW)", "治污设施用电 (kW)"]
    assert f'href="{reverse("warnings:meter", args=["E320400000009"])}"' in html


def test_a_meter_named_in_a_warning_has_its_page_in_its_jurisdiction_only(client, lake, make_warning, entity_wj,
                                                                          entity_xb, operator_wj, operator_xb):
    device_bind(actor=None, mn="E320400000009", entity=entity_wj, kind="electricity")
    device_bind(actor=None, mn="E320400000010", entity=entity_xb, kind="electricity")
    h = int(timezone.now().timestamp()) // 3600
    _lake_rows(lake, "electricity", "E320400000009", [(h - 3, "production", 80.0), (h - 3, "treatment", 0.3),
                                                      (h - 2, "production", 81.0), (h - 2, "treatment", 0.2)])
    mine = make_warning(entity_wj, rule="treatment_off", mn="E320400000009", pollutant="treatment", value=0.3,
                        threshold=1.0, severity="high")  # fmt: skip
    make_warning(entity_wj, mn="CZ320400000000")  # another device's warning is not the meter's
    client.force_login(operator_wj)
    url = reverse("warnings:meter", args=["E320400000009"])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert entity_wj.name in html and "用电监控" in html
    assert [c["series"]["name"] for c in page.context["charts"]] == ["生产设施用电", "治污设施用电"]
    assert [len(c["series"]["points"]) for c in page.context["charts"]] == [2, 2]
    assert [w.pk for w in page.context["warnings"]] == [mine.pk]
    assert "生产设施运行期间治污设施用电最高仅 0.3 kW" in html
    assert client.get(reverse("warnings:meter", args=["E320400000010"])).status_code == 404  # another county's
    assert client.get(reverse("warnings:meter", args=["E999"])).status_code == 404
    client.force_login(operator_xb)
    assert client.get(url).status_code == 404
    assert client.get(reverse("warnings:meter", args=["E320400000010"])).status_code == 200


def test_a_lead_raised_from_a_warning_names_the_factor_and_says_what_was_found(client, make_warning, entity_wj,
                                                                                 operator_wj):
    from ecoenforce.leads.models import Lead

    w = make_warning(entity_wj, pollutant="a34013", value=52.5, threshold=35.0)
    client.force_login(operator_wj)
    client.post(reverse("warnings:detail", args=[w.pk]), {"action": "lead", "lead-note": "建议现场核查"})
    description = Lead.objects.get().description
    assert "颗粒物（烟尘） (mg/m³)" in description and "52.5 mg/m³，限值 35 mg/m³" in description
    assert "a34013" not in description and "52.50" not in description
