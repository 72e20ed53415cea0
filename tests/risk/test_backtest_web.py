"""The back-test page: a leader uploads a history, the job runs in the background, the page shows the table and
the gains curve with its axis units; a bad file is refused with its row; other people cannot read the job."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from ecoenforce.core.models import AuditEvent
from ecoenforce.registry import risk_simulation as sim
from ecoenforce.registry.models import RiskBacktest


def _history_csv() -> bytes:
    history, facts = sim.simulate(sim.variant(2, entities=1200))
    lines = ["entity_id,date,kind,industry_code,permit_class,key_unit"]
    for e in sorted(history):
        f = facts[e]
        lines += [f"{e},{d},{k},{f.industry_code},{f.permit_class},{int(f.is_key_unit)}" for d, k in history[e]]
    return ("\n".join(lines) + "\n").encode()


def _post(client, data: bytes, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/registry/risk/backtest/", {"file": SimpleUploadedFile("history.csv", data),
                                                    "cutoff": "2024-12-31", "horizon": "12m", **fields})


@pytest.mark.django_db
def test_a_leader_runs_a_backtest_and_reads_the_table_and_the_gains_curve(leader_wj, inspector_wj, city_leader,
                                                                          django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(leader_wj)
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _history_csv(), budget="100")
    job = RiskBacktest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?job={job.pk}")
    assert (job.status, job.result["budget"], AuditEvent.objects.count()) == ("done", 100, before + 1)
    client.cookies["django_language"] = "en"
    page = client.get(response["Location"]).content.decode()
    rows = re.findall(r"<tr><td>([^<]+)</td>", page.split('data-testid="backtest-table"')[1])
    assert len(rows) == 5
    chart = json.loads(re.search(r'<script id="gains-chart" type="application/json">(.*?)</script>', page, re.S)[1])
    assert len(chart["series"]) == 5 and chart["series"][0]["data"][0] == [0.0, 0.0]
    note = re.search(r'data-testid="learned-note">([^<]+)<', page)[1]
    assert "On this history the learned score" in note and "lift in the top tenth: learned" in note
    assert chart["series"][0]["data"][-1] == [100.0, 100.0]
    zh = Client()
    zh.force_login(leader_wj)
    zh.cookies["django_language"] = "zh-hans"
    chinese = zh.get(response["Location"]).content.decode()
    chart_zh = json.loads(re.search(r'<script id="gains-chart" type="application/json">(.*?)</script>', chinese, re.S)[1])
    assert (chart_zh["xAxis"]["name"], chart_zh["series"][-1]["name"]) == ("检查主体比例（%）", "学习评分")
    assert "前十分之一的提升度：学习评分" in chinese
    assert chart["xAxis"]["name"] == "Entities inspected (%)" and "前 10% 提升度" in chinese and "留空 = 主体数的 10%" in chinese
    other = Client()
    other.force_login(city_leader)
    assert other.get(f"/registry/risk/backtest/?job={job.pk}").status_code == 404
    other.force_login(inspector_wj)
    assert other.get("/registry/risk/backtest/").status_code == 403


@pytest.mark.django_db
def test_a_bad_history_is_refused_on_the_page_with_its_row_and_nothing_is_queued(leader_wj):
    client = Client()
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    page = _post(client, b"entity_id,date,kind,industry_code\nA,2024-01-01,complaint,3360\n").content.decode()
    assert "row 2 [kind]: &#x27;complaint&#x27; is not an accepted event kind." in page
    page = _post(client, b"entity_id,date,kind,industry_code\nA,2020-01-01,penalty,3360\nA,2025-06-01,tip,3360\n"
                 ).content.decode()
    assert "The history ends on 2025-06-01, before the horizon after the cut-off does." in page
    assert RiskBacktest.objects.count() == 0
