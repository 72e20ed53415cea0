"""Issue 9 item 3: plans, rounds and tasks over /api/v1/planning/ — read through the planning selectors, out of reach
answers 404 like a missing id, the target list stays secret until publication, lists page through core.api_lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.planning.services import plan_create

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def drawn(leader_wj, wj_pool):
    round_ = round_commit(actor=leader_wj, title="2026年第四季度双随机抽查", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=60),
                          ratios={"special": Decimal("1"), "key": Decimal("0.25"), "general": Decimal("0.5")})
    round_draw(actor=leader_wj, round_id=round_.pk)
    return round_


def test_an_inspector_lists_the_tasks_drawn_for_him_with_the_entity_facts(drawn, inspector_wj):
    mine = set(InspectionTask.objects.filter(inspectors=inspector_wj).values_list("pk", flat=True))
    assert mine
    body = _client(inspector_wj).get("/api/v1/planning/tasks", {"limit": 500}).json()
    assert body["count"] == len(mine) and {t["id"] for t in body["items"]} == mine
    item = body["items"][0]
    assert item["mine"] is True and item["status"] == "assigned" and item["round_id"] == drawn.pk
    assert item["entity"]["uscc"] and item["entity"]["address"] and item["inspectors"][0]["certificate_no"]
    one = _client(inspector_wj).get(f"/api/v1/planning/tasks/{item['id']}").json()
    assert one["entity"]["name"] == item["entity"]["name"]


def test_the_target_list_is_secret_before_publication(drawn, inspector_wj, leader_wj):
    others = InspectionTask.objects.exclude(inspectors=inspector_wj)
    other = others.first()
    assert other is not None
    inspector = _client(inspector_wj)
    assert inspector.get(f"/api/v1/planning/tasks/{other.pk}").status_code == 404
    everything = inspector.get("/api/v1/planning/tasks", {"scope": "all", "limit": 500}).json()
    assert other.pk not in {t["id"] for t in everything["items"]}
    detail = inspector.get(f"/api/v1/planning/rounds/{drawn.pk}").json()
    assert detail["targets_visible"] is False and detail["seed_hex"] is None
    leader = _client(leader_wj)
    assert leader.get(f"/api/v1/planning/tasks/{other.pk}").status_code == 200
    all_tasks = leader.get("/api/v1/planning/tasks", {"scope": "all", "round_id": drawn.pk, "limit": 500}).json()
    assert all_tasks["count"] == drawn.tasks.count()


def test_another_countys_rounds_plans_and_tasks_answer_404(drawn, inspector_xb, leader_wj):
    plan = plan_create(actor=leader_wj, year=TODAY.year)
    task = drawn.tasks.first()
    client = _client(inspector_xb)
    missing = client.get("/api/v1/planning/rounds/999999")
    for path in (f"/api/v1/planning/rounds/{drawn.pk}", f"/api/v1/planning/plans/{plan.pk}",
                 f"/api/v1/planning/tasks/{task.pk}"):
        response = client.get(path)
        assert response.status_code == 404 and response.json() == missing.json()
    assert client.get("/api/v1/planning/rounds").json()["count"] == 0
    assert client.get("/api/v1/planning/plans").json()["count"] == 0


def test_plans_and_rounds_in_the_jurisdiction(drawn, leader_wj, city_leader):
    plan = plan_create(actor=leader_wj, year=TODAY.year)
    client = _client(city_leader)
    plans = client.get("/api/v1/planning/plans", {"year": TODAY.year}).json()
    assert [p["id"] for p in plans["items"]] == [plan.pk]
    detail = client.get(f"/api/v1/planning/plans/{plan.pk}").json()
    assert detail["status"] == "draft" and isinstance(detail["lines"], list)
    rounds = client.get("/api/v1/planning/rounds", {"status": "drawn"}).json()
    assert rounds["count"] == 1 and rounds["items"][0]["tasks"] == drawn.tasks.count()


@pytest.mark.parametrize("path", ["/api/v1/planning/plans", "/api/v1/planning/rounds", "/api/v1/planning/tasks"])
def test_paging_out_of_range_is_a_translated_422(client, city_leader, path):
    client.force_login(city_leader)
    client.cookies["django_language"] = "en"
    response = client.get(path, {"offset": -1, "limit": 0})
    assert response.status_code == 422 and sorted(response.json()["details"]) == ["limit", "offset"]
