"""Risk-proportional rounds over the database (issue 11 item 4, issue 13 item 2): a leader commits one from the form,
the probabilities come from the score in force × the credit grade's multiplier, are frozen in the published pools,
shown on both round pages with their reason; `ecoenforce draw verify` reproduces the published round and refuses
a tampered probability."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.planning.models import DrawRound
from ecoenforce.planning.rounds import round_commit, round_draw, round_publish
from ecoenforce.planning.tasks import task_record_result
from ecoenforce.registry.models import EntityEvent, RegulatedEntity

TODAY = timezone.localdate()


def _commit(leader, **kw):
    return round_commit(actor=leader, title="2026年12月风险比例抽查", period_start=TODAY,
                        period_end=TODAY + dt.timedelta(days=60), ratios={}, mode="weighted",
                        **{"budget": 4, "floor": Decimal("0.05"), **kw})


@pytest.fixture
def graded_pool(wj_pool, admin_user):
    """The Wujin pool with a history of violations on two firms and credit grades on four."""
    risky, twin_good, twin_bad = wj_pool[6], wj_pool[7], wj_pool[8]
    for day in (30, 200, 400):
        EntityEvent.objects.create(entity=risky, date=TODAY - dt.timedelta(days=day), kind="inspection_violation")
    for e in (twin_good, twin_bad):  # the same history, different credit
        EntityEvent.objects.create(entity=e, date=TODAY - dt.timedelta(days=60), kind="inspection_violation")
    RegulatedEntity.objects.filter(pk=twin_good.pk).update(credit_grade="green")
    RegulatedEntity.objects.filter(pk=twin_bad.pk).update(credit_grade="red")
    RegulatedEntity.objects.filter(pk=wj_pool[9].pk).update(credit_grade="blue")
    return wj_pool


def test_probabilities_follow_score_and_credit_and_are_frozen_in_the_pools(leader_wj, graded_pool):
    round_ = _commit(leader_wj)
    assert round_.file_format == "ecoenforce-draw-round/3"
    assert round_.policy["mode"] == "weighted" and round_.policy["floor"] == "0.05" and round_.policy["budget"] == 4
    p = {e["id"]: Decimal(e["p"]) for e in round_.pools["entities"]}
    assert sum(p.values()) == 4 and all(Decimal("0.05") <= x <= 1 for x in p.values())
    risky, good, bad = (graded_pool[i].uscc for i in (6, 7, 8))
    # credit changes the draw probability: same history, red drawn 4× as often as green (× 2 against × 0.5)
    assert p[bad] > p[good]
    assert round_.weighting[good]["multiplier"] == "0.5" and round_.weighting[bad]["multiplier"] == "2"
    assert p[risky] > p[graded_pool[10].uscc]  # a violation history raises the chance over a clean, unrated firm
    assert round_.weighting[risky]["source"] == "points"


def test_a_published_risk_proportional_round_verifies_offline_and_a_tampered_probability_is_caught(
        client, leader_wj, graded_pool, tmp_path):
    round_ = round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk, public_entropy="witness 17")
    tasks = list(round_.tasks.all())
    assert len(tasks) == 4
    page = client.get(f"/public/rounds/{round_.pk}/").content.decode()
    assert 'data-testid="weighted-rows"' in page and 'data-testid="weighted-drawn"' not in page  # drawn stays secret
    for t in tasks:
        task_record_result(actor=t.inspectors.first(), task_id=t.pk, inspected_on=TODAY, violation_found=False,
                           findings="现场检查未发现问题")
    round_publish(actor=leader_wj, round_id=round_.pk)
    page = client.get(f"/public/rounds/{round_.pk}/").content.decode()
    assert page.count('data-testid="weighted-drawn"') == 4
    assert "× 0.5" in page and "× 2" in page
    download = client.get(f"/public/rounds/{round_.pk}/round.json")
    doc = json.loads(download.content)
    assert doc["format"] == "ecoenforce-draw-round/3" and all("p" in e for e in doc["pools"]["entities"])
    path = tmp_path / "round.json"
    path.write_bytes(download.content)
    tool = Path(sys.executable).parent / "ecoenforce"
    run = subprocess.run([str(tool), "draw", "verify", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "VERDICT: OK" in run.stdout, run.stdout + run.stderr
    drawn = {t["entity"] for t in doc["selection"]["targets"]}
    victim = next(e for e in doc["pools"]["entities"] if e["id"] not in drawn)
    victim["p"] = "0.99"
    path.write_text(json.dumps(doc), encoding="utf-8")
    tampered = subprocess.run([str(tool), "draw", "verify", str(path)], capture_output=True, text=True, timeout=120)
    assert tampered.returncode == 1 and "pools_digest" in tampered.stdout


def test_the_leader_chooses_the_mode_on_the_round_form(client, leader_wj, graded_pool):
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    form = {"title": "风险比例抽查", "kind": "routine", "period_start": TODAY.isoformat(),
            "period_end": (TODAY + dt.timedelta(days=30)).isoformat(), "positive_list_mode": "tag",
            "mode": "weighted", "floor": "2", "budget": "40", "ratio_key": "25", "ratio_general": "5",
            "ratio_special": "100"}
    refused = client.post("/planning/rounds/", form)
    assert refused.status_code == 422 and not DrawRound.objects.exists()  # 40 targets from 12 entities
    assert "between 1 and 12" in refused.content.decode()
    bad_floor = client.post("/planning/rounds/", {**form, "budget": "3", "floor": "0"})
    assert bad_floor.status_code == 422
    done = client.post("/planning/rounds/", {**form, "budget": "3"})
    assert done.status_code == 302
    round_ = DrawRound.objects.get()
    assert round_.policy["mode"] == "weighted" and round_.policy["floor"] == "0.02" and round_.policy["ratios"] == {}
    page = client.get(f"/planning/rounds/{round_.pk}/").content.decode()
    assert 'data-testid="round-weighted"' in page and page.count('data-testid="weighted-p"') == 12


def test_a_class_round_is_unchanged(leader_wj, graded_pool):
    round_ = round_commit(actor=leader_wj, title="季度抽查", period_start=TODAY, period_end=TODAY,
                          ratios={"special": Decimal("1"), "key": Decimal("0.25"), "general": Decimal("0.5")})
    assert round_.file_format == "ecoenforce-draw-round/2" and "mode" not in round_.policy
    assert all("p" not in e for e in round_.pools["entities"]) and round_.weighting is None


def test_a_budget_the_pool_cannot_meet_is_refused_before_anything_is_published(leader_wj, graded_pool):
    with pytest.raises(ValidationFailed):
        _commit(leader_wj, budget=13)
    with pytest.raises(ValidationFailed):
        _commit(leader_wj, budget=0)
    assert not DrawRound.objects.exists()


def test_the_entity_page_explains_the_credit_effect_on_the_draw(client, leader_wj, graded_pool):
    client.force_login(leader_wj)
    good = graded_pool[7]
    page = client.get(f"/registry/entities/{good.pk}/").content.decode()
    assert 'data-testid="draw-weight"' in page and "× 0.5" in page


def test_under_the_learned_score_the_round_weighs_by_its_probability_and_verifies_offline(leader_wj, graded_pool,
                                                                                        tmp_path):
    """The issue's last step: with the learned score in force, a risk-proportional round takes its probabilities
    from the learned probability × credit, freezes them in the pools, and `draw verify` reproduces the draw."""
    from ecoenforce.registry.risk_learned import LearnedModel
    from ecoenforce.registry.risk_services import learned_in_force, risk_policy_add

    model = LearnedModel(names=("inspection_violation:365d", "inspection_violation:730d"), means=(0.1, 0.1),
                         scales=(0.5, 0.5), weights=(0.9, 0.4), intercept=-2.5, trained_as_of="2025-12-31",
                         labelled_until="2026-12-31", entities=700, positives=120)
    risk_policy_add(actor=leader_wj, values={"score": "learned", "learned": model.as_dict()}, source="test")
    assert learned_in_force() == model
    round_ = round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk, public_entropy="witness 23")
    risky, clean = graded_pool[6].uscc, graded_pool[10].uscc
    assert {row["source"] for row in round_.weighting.values()} == {"learned"}
    p = {e["id"]: Decimal(e["p"]) for e in round_.pools["entities"]}
    assert p[risky] > p[clean] and sum(p.values()) == 4 and min(p.values()) >= Decimal("0.05")
    for t in round_.tasks.all():
        task_record_result(actor=t.inspectors.first(), task_id=t.pk, inspected_on=TODAY, violation_found=False,
                           findings="现场检查未发现问题")
    round_publish(actor=leader_wj, round_id=round_.pk)
    from django.test import Client

    path = tmp_path / "round.json"
    path.write_bytes(Client().get(f"/public/rounds/{round_.pk}/round.json").content)
    tool = Path(sys.executable).parent / "ecoenforce"
    run = subprocess.run([str(tool), "draw", "verify", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "VERDICT: OK" in run.stdout, run.stdout + run.stderr
