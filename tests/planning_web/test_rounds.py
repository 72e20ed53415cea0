"""Double-random rounds over the database: commit, draw, tasks, results, publication and offline verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation

from ecoenforce.core.errors import InvalidTransition, NotFound, ValidationFailed
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
from ecoenforce.planning.models import DrawRound, InspectionTask
from ecoenforce.planning.rounds import parse_ratios, round_commit, round_draw, round_publish
from ecoenforce.planning.tasks import task_mark_not_inspected, task_record_result, tasks_for_user
from ecoenforce.registry.models import EntityEvent, InspectorTie
from factories import make_entity

RATIOS = {"special": Decimal("1"), "key": Decimal("0.25"), "general": Decimal("0.5")}
TODAY = timezone.localdate()


def _commit(leader, **kw):
    return round_commit(actor=leader, title="2026年第四季度双随机抽查", period_start=TODAY,
                        period_end=TODAY + dt.timedelta(days=60), ratios=kw.pop("ratios", RATIOS), **kw)


def _special(pool):
    return [e for e in pool if e.risk_class == "special"]


def test_commit_freezes_the_pools_and_publishes_only_the_hash_of_the_seed(leader_wj, wj_pool, region_wj, admin_user):
    round_ = _commit(leader_wj)
    assert round_.status == DrawRound.Status.COMMITTED
    assert round_.commitment == hashlib.sha256(bytes.fromhex(round_.seed_hex)).hexdigest()
    assert len(round_.pools["entities"]) == 12
    assert sorted(o["certificate_no"] for o in round_.openings["inspectors"]) == [
        "32041200001", "32041200002", "32041200003"]
    assert sorted(i["id"] for i in round_.pools["inspectors"]) == sorted(o["id"] for o in round_.openings["inspectors"])
    make_entity(region=region_wj, actor=admin_user)  # arrives after the freeze
    round_draw(actor=leader_wj, round_id=round_.pk)
    assert len(DrawRound.objects.get(pk=round_.pk).pools["entities"]) == 12


def test_draw_dispatches_tasks_to_two_drawn_officers_and_respects_recusal(leader_wj, inspector_wj, inspector2_wj,
                                                                         wj_pool):
    tied, recently = _special(wj_pool)
    InspectorTie.objects.create(inspector=inspector_wj, entity=tied, kind=InspectorTie.Kind.KIN, declared_on=TODAY)
    past = Inspection.objects.create(entity=recently, region=recently.region, kind=Inspection.Kind.ROUTINE,
                                     inspected_on=TODAY - dt.timedelta(days=30))
    past.inspectors.set([inspector2_wj])
    round_ = round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk)
    tasks = list(round_.tasks.prefetch_related("inspectors"))
    assert [t.risk_class for t in tasks].count("special") == 2 and len(tasks) == 2 + 1 + 3
    assert all(t.inspectors.count() == 2 for t in tasks)
    by_entity = {t.entity_id: {u.pk for u in t.inspectors.all()} for t in tasks}
    assert inspector_wj.pk not in by_entity[tied.pk]
    assert inspector2_wj.pk not in by_entity[recently.pk]
    mine = set(tasks_for_user(user=inspector_wj).values_list("pk", flat=True))
    assert mine == {t.pk for t in tasks if inspector_wj.pk in by_entity[t.entity_id]}
    with pytest.raises(InvalidTransition):
        round_draw(actor=leader_wj, round_id=round_.pk)


def test_public_entropy_changes_the_draw_and_is_recorded(leader_wj, wj_pool):
    from ecoenforce.planning.draw import (
        draw,
        entity_from_canonical,
        policy_from_canonical,
    )
    from ecoenforce.planning.draw import selection_digest as digest

    round_ = round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk,
                        public_entropy="双色球 2026137: 03 09 14 21 27 30 + 11")
    assert round_.public_entropy.startswith("双色球")
    from ecoenforce.planning.roundseal import inspectors_from_public, openings_ties

    without = draw(bytes.fromhex(round_.seed_hex), [entity_from_canonical(e) for e in round_.pools["entities"]],
                   inspectors_from_public(round_.pools, openings_ties(round_.openings)),
                   policy_from_canonical(round_.policy))
    assert digest(without) != round_.selection_digest


def test_a_recusal_that_leaves_no_one_is_refused_before_anything_is_published(leader_wj, wj_pool):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        _commit(leader_wj, cross_region=True)  # every officer works in Wujin, like every entity
    assert "cross-region" in str(refused.value.message)
    assert refused.value.code == "recusal.not_enough_inspectors"
    assert not DrawRound.objects.exists()


def test_too_few_officers_and_empty_ratios_are_refused(leader_wj, inspector_wj, inspector2_wj, wj_pool):
    with pytest.raises(ValidationFailed) as refused:
        _commit(leader_wj, ratios={"special": Decimal(0), "key": Decimal(0), "general": Decimal(0)})
    assert refused.value.code == "policy.nothing_to_draw"
    for officer in (inspector_wj, inspector2_wj):
        officer.is_active = False
        officer.save()
    with pytest.raises(ValidationFailed) as refused:
        _commit(leader_wj)
    assert refused.value.code == "pool.too_few_inspectors"
    assert "1" in str(refused.value.message) and not DrawRound.objects.exists()


def test_ratio_fields_are_percentages():
    assert parse_ratios({"key": "25", "general": "5%", "special": "100"}) == {
        "key": Decimal("0.25"), "general": Decimal("0.05"), "special": Decimal("1")}
    with pytest.raises(ValidationFailed) as refused:
        parse_ratios({"key": "abc", "general": "150", "special": ""})
    assert set(refused.value.details) == {"ratio_key", "ratio_general", "ratio_special"}


def test_results_become_inspections_events_and_leads(leader_wj, inspector_wj, inspector_xb, wj_pool):
    round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk)
    task = tasks_for_user(user=inspector_wj).first()
    with pytest.raises(NotFound):
        task_record_result(actor=inspector_xb, task_id=task.pk, inspected_on=TODAY, violation_found=False)
    with pytest.raises(ValidationFailed) as refused:
        task_record_result(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY + dt.timedelta(days=1),
                           violation_found=True, findings="")
    assert {"inspected_on", "findings"} & set(refused.value.details)
    done = task_record_result(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=True,
                              findings="危废贮存间未设置防渗漏措施")
    assert done.status == InspectionTask.Status.DONE
    assert done.inspection.kind == Inspection.Kind.ROUTINE and done.inspection.violation_found
    assert set(done.inspection.inspectors.all()) == set(task.inspectors.all())
    assert done.lead.source == Lead.Source.INSPECTION and done.lead.external_ref == f"task:{task.pk}"
    assert EntityEvent.objects.filter(entity=task.entity, kind=EntityEvent.Kind.INSPECTION_VIOLATION).exists()
    with pytest.raises(InvalidTransition):
        task_record_result(actor=inspector_wj, task_id=task.pk, inspected_on=TODAY, violation_found=False,
                           findings="现场检查未发现问题")


def test_publication_reveals_a_round_file_that_verifies_offline(client, leader_wj, wj_pool, tmp_path):
    round_ = round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk, public_entropy="witness 4711")
    public = client.get(f"/public/rounds/{round_.pk}/")
    assert round_.commitment in public.content.decode()
    assert round_.seed_hex not in public.content.decode()
    assert client.get(f"/public/rounds/{round_.pk}/round.json").status_code == 404
    tasks = list(round_.tasks.all())
    with pytest.raises(ValidationFailed):
        round_publish(actor=leader_wj, round_id=round_.pk)
    for t in tasks[:-1]:
        task_record_result(actor=t.inspectors.first(), task_id=t.pk, inspected_on=TODAY, violation_found=False,
                           findings="现场检查未发现问题")
    task_mark_not_inspected(actor=tasks[-1].inspectors.first(), task_id=tasks[-1].pk, reason="企业已于3月关停")
    round_publish(actor=leader_wj, round_id=round_.pk)

    page = client.get(f"/public/rounds/{round_.pk}/").content.decode()
    assert round_.seed_hex in page and "企业已于3月关停" in page
    download = client.get(f"/public/rounds/{round_.pk}/round.json")
    assert download.status_code == 200
    path = tmp_path / "round.json"
    path.write_bytes(download.content)
    tool = Path(sys.executable).parent / "ecoenforce"
    run = subprocess.run([str(tool), "draw", "verify", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "VERDICT: OK" in run.stdout
    doc = json.loads(download.content)
    doc["pools"]["entities"].pop()
    path.write_text(json.dumps(doc), encoding="utf-8")
    tampered = subprocess.run([str(tool), "draw", "verify", str(path)], capture_output=True, text=True, timeout=120)
    assert tampered.returncode == 1 and "pools_digest" in tampered.stdout
