"""Risk classification: exact scores and classes with their reasons, the CLI on a history file, the saved classes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from ecoenforce.core.models import AuditEvent
from ecoenforce.registry.models import EntityEvent
from ecoenforce.registry.risk import EntityFacts, RiskPolicyValues, score_entity
from ecoenforce.registry.risk_services import risk_classify

AS_OF = dt.date(2026, 11, 28)
PLATER = EntityFacts(id="e1", industry_code="3360", permit_class="simplified", is_key_unit=False)


def test_a_clean_simplified_plater_is_general_with_its_points_listed():
    result = score_entity(PLATER, [(dt.date(2026, 3, 1), "inspection_clean")], as_of=AS_OF)
    assert result.score == 25  # permit 15 + industry 10; the clean inspection cannot go below zero
    assert result.risk_class == "general"
    assert [(r.factor, r.detail, r.points) for r in result.reasons] == [
        ("permit_class", "simplified", 15), ("industry", "3360", 10), ("event:inspection_clean", "1", -3),
        ("class_rule", "none_of_the_above", 0)]


def test_a_penalty_within_the_year_makes_it_special_and_events_after_as_of_are_ignored():
    events = [(dt.date(2026, 6, 1), "penalty"), (dt.date(2026, 5, 20), "inspection_violation"),
              (dt.date(2026, 12, 1), "incident")]
    result = score_entity(PLATER, events, as_of=AS_OF)
    assert (result.score, result.risk_class, result.reasons[-1].detail) == (65, "special", "penalised_last_year")


def test_an_old_penalty_counts_in_the_score_but_not_for_special():
    result = score_entity(PLATER, [(dt.date(2025, 6, 1), "penalty"), (dt.date(2025, 7, 1), "inspection_violation"),
                                   (dt.date(2025, 8, 1), "tip")], as_of=AS_OF)
    assert (result.score, result.risk_class, result.reasons[-1].detail) == (68, "key", "score_at_or_above_threshold")


def test_three_tips_in_a_year_make_it_special_and_the_policy_can_change_that():
    tips = [(dt.date(2026, m, 1), "tip") for m in (2, 5, 9)]
    assert score_entity(PLATER, tips, as_of=AS_OF).risk_class == "special"
    assert score_entity(PLATER, tips, as_of=AS_OF, policy=RiskPolicyValues(special_tip_count=4)).risk_class == "general"


def test_key_unit_and_key_permit_are_key():
    unit = EntityFacts(id="e2", industry_code="4411", permit_class="registration", is_key_unit=True)
    permit = EntityFacts(id="e3", industry_code="1713", permit_class="key", is_key_unit=False)
    assert score_entity(unit, [], as_of=AS_OF).reasons[-1].detail == "key_unit"
    assert score_entity(permit, [], as_of=AS_OF).reasons[-1].detail == "key_permit"


def test_the_cli_scores_a_bureaus_own_history_file(tmp_path, capsys, db):
    history = tmp_path / "history.csv"
    history.write_text("entity_id,date,kind,industry_code,permit_class,key_unit\n"
                       "A,2026-06-01,penalty,3360,simplified,0\nB,2026-01-05,inspection_clean,1713,registration,0\n",
                       encoding="utf-8")
    call_command("risk", "score", "--as-of", "2026-11-28", "--history", str(history))
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "entity_id,class,score,reasons"
    assert lines[1].startswith("A,special,50,")
    assert lines[2].startswith("B,general,15,")  # registration 5 + dyeing (division 17) 10


@pytest.mark.django_db
def test_classifying_saves_classes_audits_changes_and_the_page_explains(entity_wj, entity_xb, leader_wj):
    EntityEvent.objects.create(entity=entity_wj, kind="penalty", date=AS_OF - dt.timedelta(days=30), ref="P1")
    before = AuditEvent.objects.count()
    totals = risk_classify(actor=leader_wj, as_of=AS_OF, user_scope=leader_wj)
    assert (totals["total"], totals["special"], totals["changed"]) == (1, 1, 1)
    entity_wj.refresh_from_db()
    entity_xb.refresh_from_db()
    assert (entity_wj.risk_class, entity_wj.risk_scored_on) == ("special", AS_OF)
    assert entity_xb.risk_scored_on is None  # the other county is not the leader's
    assert AuditEvent.objects.count() == before + 1
    client = Client()
    client.force_login(leader_wj)
    page = client.get(f"/registry/entities/{entity_wj.pk}/").content.decode()
    assert "一年内受过行政处罚" in page or "penalised within the last year" in page
    listed = client.get("/registry/entities/?risk_class=special").content.decode()
    assert entity_wj.name in listed


@pytest.mark.django_db
def test_only_leaders_may_run_the_classification(inspector_wj, leader_wj, entity_wj):
    client = Client()
    client.force_login(inspector_wj)
    assert client.post("/registry/entities/classify/").status_code == 403
    client.force_login(leader_wj)
    response = client.post("/registry/entities/classify/")
    assert response.status_code == 302
    entity_wj.refresh_from_db()
    assert entity_wj.risk_scored_on is not None
