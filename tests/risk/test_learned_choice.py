"""The learned score as a policy choice: a unit leader switches (audited, a new policy version), the fit refuses
with the count when the history is too short and the points policy stays, the entity page explains the learned
score in plain words, and the leader can go back to the points policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from ecoenforce.core.models import AuditEvent
from ecoenforce.registry import risk_learned
from ecoenforce.registry import risk_simulation as sim
from ecoenforce.registry.models import EntityEvent, Industry, RegulatedEntity, RiskPolicy
from ecoenforce.registry.risk_labels import contribution_label
from ecoenforce.registry.risk_services import learned_in_force
from ecoenforce.registry.uscc import uscc_make


def test_every_feature_reads_as_a_sentence_in_both_languages():
    for name in risk_learned.NAMES:
        value = 1.0 if name != "credit" else 2.0
        with translation.override("en"):
            english = contribution_label(risk_learned.Contribution(name, value, 0.5))["text"]
        with translation.override("zh-hans"):
            chinese = contribution_label(risk_learned.Contribution(name, value, 0.5))["text"]
        assert english != name and chinese != english, name
    with translation.override("en"):
        label = contribution_label(risk_learned.Contribution("penalty:730d", 2.0, 0.41))
    assert label == {"text": "Penalty decided, one to two years ago: 2", "effect": 0.41}


def _city_history(region, *, entities: int) -> list[RegulatedEntity]:
    history, facts = sim.simulate(sim.variant(0, entities=entities, start=dt.date(2019, 1, 1)))
    industries = {i.code: i for i in Industry.objects.filter(code__in=[c for c, _e, _s in sim.INDUSTRIES])}
    rows = [RegulatedEntity(uscc=uscc_make("91" + region.code, f"{n:08d}"), name=f"模拟企业{n:04d}",
                            industry=industries[facts[e].industry_code], region=region, address="测试路",
                            permit_class=facts[e].permit_class, is_key_unit=facts[e].is_key_unit)
            for n, e in enumerate(sorted(history), start=70_000_000)]
    created = RegulatedEntity.objects.bulk_create(rows)
    today = dt.date.today()
    shift = today - dt.date(2026, 12, 31)  # the simulated history ends in 2026, as if today
    EntityEvent.objects.bulk_create([EntityEvent(entity=entity, date=d + shift, kind=k)
                                     for entity, e in zip(created, sorted(history), strict=True)
                                     for d, k in history[e] if d + shift <= today])
    return created


@pytest.mark.django_db
def test_a_leader_switches_to_the_learned_score_reads_why_and_goes_back(leader_wj, inspector_wj, region_wj,
                                                                       django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/registry/risk/score-choice/", {"choice": "learned"})
    page = client.get("/registry/risk/backtest/").content.decode()
    assert "and at least 50 are needed. The points policy stays in force." in page
    assert 'data-state="failed"' in page
    assert learned_in_force() is None and RiskPolicy.objects.count() == 1
    entities = _city_history(region_wj, entities=700)
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/registry/risk/score-choice/", {"choice": "learned"})
    page = client.get("/registry/risk/backtest/").content.decode()
    model = learned_in_force()
    assert model is not None and model.positives >= 50 and "Learned score fitted on 700 entities" in page
    assert 'data-testid="choose-points"' in page and 'data-state="done"' in page
    event = AuditEvent.objects.filter(action="risk_policy.score_choice").get()
    assert event.actor == leader_wj  # the worker records the leader who asked
    assert AuditEvent.objects.filter(action="risk_score_fit.request").count() == 2
    assert AuditEvent.objects.count() == before + 2 and event.before == {"score": "points"}
    assert all(w >= 0 for n, w in zip(model.names, model.weights, strict=True) if risk_learned.monotone(n))
    busiest = max(entities, key=lambda e: e.events.filter(kind__in=["inspection_violation", "penalty"]).count())
    detail = client.get(f"/registry/entities/{busiest.pk}/").content.decode()
    assert 'data-testid="learned-score"' in detail and "chance of a violation found in the next 12 months" in detail
    assert "Supervision class and why" in detail  # the written criteria's class stays beside it
    ranked = client.get("/registry/entities/?rank=learned").content.decode()
    assert 'data-testid="rank-rule"' in ranked
    import re
    shown = [float(x) for x in re.findall(r'data-testid="learned-percent">([0-9.]+)%', ranked)]
    assert len(shown) == 50 and shown == sorted(shown, reverse=True)
    links = re.findall(r'href="/registry/entities/(\d+)/"', ranked)
    again = client.get("/registry/entities/?rank=learned").content.decode()
    assert links == re.findall(r'href="/registry/entities/(\d+)/"', again)  # deterministic order
    client.post("/registry/risk/score-choice/", {"choice": "points"})
    assert learned_in_force() is None and RiskPolicy.objects.count() == 3
    other = Client()
    other.force_login(inspector_wj)
    assert other.post("/registry/risk/score-choice/", {"choice": "learned"}).status_code == 403


@pytest.mark.django_db
def test_the_fit_is_queued_for_the_worker_not_run_in_the_request(leader_wj, settings,
                                                                 django_capture_on_commit_callbacks):
    """The switch only queues the fit (database backend): the request writes the job and nothing else."""
    from django_tasks_db.models import DBTaskResult

    from ecoenforce.registry.models import RiskScoreFit
    from ecoenforce.registry.risk_services import risk_score_choose

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = risk_score_choose(actor=leader_wj, choice="learned", as_of=dt.date.today())
    assert isinstance(job, RiskScoreFit) and job.status == RiskScoreFit.Status.QUEUED
    assert DBTaskResult.objects.filter(task_path="ecoenforce.registry.tasks.risk_score_fit_task").count() == 1
    assert not RiskPolicy.objects.filter(values__score="learned").exists()
    with translation.override("en"), pytest.raises(Exception, match="already under way"):
        risk_score_choose(actor=leader_wj, choice="learned", as_of=dt.date.today())
