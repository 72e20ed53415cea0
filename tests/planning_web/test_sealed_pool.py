"""The public inspector pool names no officer and no tie (round file format 2); the round still verifies offline,
and those holding the openings can check what the public cannot. Old published rounds (format 1) still verify."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.core.models import AuditEvent
from ecoenforce.planning.draw.example import ENTITIES, INSPECTORS, POLICY, SEED
from ecoenforce.planning.roundfile import (
    build_round_file,
    verify_round_file,
    verify_round_file_with_openings,
)
from ecoenforce.planning.rounds import round_commit, round_draw, round_publish
from ecoenforce.planning.tasks import task_record_result
from ecoenforce.registry.models import InspectorTie

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
TOOL = Path(sys.executable).parent / "ecoenforce"


@pytest.fixture
def published(leader_wj, inspector_wj, inspector2_wj, wj_pool, region_wj, admin_user):
    """A Wujin round where 周明 declared a kin tie to a drawn special entity and a tie to a general one."""
    special = [e for e in wj_pool if e.risk_class == "special"]
    general = [e for e in wj_pool if e.risk_class == "general"]
    InspectorTie.objects.create(inspector=inspector_wj, entity=special[0], kind=InspectorTie.Kind.KIN, declared_on=TODAY)
    InspectorTie.objects.create(inspector=inspector_wj, entity=general[0], kind=InspectorTie.Kind.INTEREST,
                                declared_on=TODAY)
    round_ = round_commit(actor=leader_wj, title="2026年第四季度双随机抽查", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=60),
                          ratios={"special": Decimal("1"), "key": Decimal("0.25"), "general": Decimal("0")})
    round_ = round_draw(actor=leader_wj, round_id=round_.pk, public_entropy="witness 4711")
    for task in round_.tasks.all():
        task_record_result(actor=task.inspectors.first(), task_id=task.pk, inspected_on=TODAY, violation_found=False,
                           findings="现场检查未发现问题")
    round_ = round_publish(actor=leader_wj, round_id=round_.pk)
    return round_, special[0], general[0]


def test_the_public_pool_and_round_file_name_no_officer_and_open_only_ties_to_targets(published, client, inspector_wj,
                                                                                     inspector2_wj, leader_wj):
    round_, drawn, not_drawn = published
    pools = client.get(f"/public/rounds/{round_.pk}/pools.json").content.decode()
    round_file = client.get(f"/public/rounds/{round_.pk}/round.json").content.decode()
    page = client.get(f"/public/rounds/{round_.pk}/").content.decode()
    for text in (pools, round_file, page):
        for officer in (inspector_wj, inspector2_wj, leader_wj):
            # a certificate number is 11 digits: it must not appear as a number of its own (an 18-character credit
            # code may happen to contain the same digits inside it)
            assert not re.search(rf"(?<!\d){officer.certificate_no}(?!\d)", text) and officer.full_name not in text
    doc = json.loads(round_file)
    assert doc["format"] == "ecoenforce-draw-round/2"
    me = next(o["id"] for o in round_.openings["inspectors"] if o["certificate_no"] == inspector_wj.certificate_no)
    mine = next(i for i in doc["pools"]["inspectors"] if i["id"] == me)
    assert set(mine) == {"id", "region", "certified", "tie_commitments"} and len(mine["tie_commitments"]) == 2
    # the tie to the drawn firm is opened (the draw used it); the tie to the firm not drawn stays sealed
    assert [(t["inspector"], t["entity"]) for t in doc["tie_openings"]] == [(me, drawn.uscc)]
    assert not_drawn.uscc not in json.dumps(doc["tie_openings"]) and not_drawn.uscc not in json.dumps(
        doc["pools"]["inspectors"])
    assert verify_round_file(doc).ok
    target = next(t for t in doc["selection"]["targets"] if t["entity"] == drawn.uscc)
    assert me not in [a["id"] for a in target["inspectors"]]
    assert target["recusals"]["recusal.declared_tie"] == 1


def test_anyone_verifies_offline_and_a_forged_or_missing_opening_fails(published, client, tmp_path):
    round_, drawn, _not_drawn = published
    path = tmp_path / "round.json"
    path.write_bytes(client.get(f"/public/rounds/{round_.pk}/round.json").content)
    run = subprocess.run([str(TOOL), "draw", "verify", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "[OK] tie_openings: 1 ties to drawn targets open to their published commitments" in run.stdout
    doc = json.loads(path.read_text(encoding="utf-8"))
    forged = json.loads(json.dumps(doc))
    forged["tie_openings"][0]["salt"] = "00" * 16
    assert verify_round_file(forged).first_mismatch.name == "tie_openings"
    hidden = json.loads(json.dumps(doc))
    hidden["tie_openings"] = []  # pretend the tied officer had no tie: the draw no longer matches
    assert verify_round_file(hidden).first_mismatch.name == "selection"


def test_the_leader_downloads_the_openings_and_checks_everything(published, leader_wj, inspector_wj, client, tmp_path):
    round_, _drawn, _not_drawn = published
    assert client.post(f"/planning/rounds/{round_.pk}/openings.json").status_code == 302  # anonymous: sign in
    inspector = Client()
    inspector.force_login(inspector_wj)
    assert inspector.post(f"/planning/rounds/{round_.pk}/openings.json").status_code in (403, 404)
    leader = Client()
    leader.force_login(leader_wj)
    assert leader.get(f"/planning/rounds/{round_.pk}/openings.json").status_code == 405  # a POST, so it is recorded
    response = leader.post(f"/planning/rounds/{round_.pk}/openings.json")
    assert response.status_code == 200
    openings = json.loads(response.content)
    assert openings["format"] == "ecoenforce-draw-openings/1" and len(openings["ties"]) == 2
    assert AuditEvent.objects.filter(action="round.openings_reveal", actor=leader_wj).count() == 1
    (tmp_path / "round.json").write_bytes(client.get(f"/public/rounds/{round_.pk}/round.json").content)
    (tmp_path / "openings.json").write_bytes(response.content)
    run = subprocess.run([str(TOOL), "draw", "verify", str(tmp_path / "round.json"), "--openings",
                          str(tmp_path / "openings.json")], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout
    assert "[OK] pseudonyms: 3 pseudonyms open to their certificate numbers" in run.stdout
    assert "[OK] tie_openings: all 1 ties to drawn targets are opened in the round file" in run.stdout
    # a round file that kept a target's tie sealed is caught by the holder of the openings
    doc = json.loads((tmp_path / "round.json").read_text(encoding="utf-8"))
    wrong = dict(openings, inspectors=[dict(o, certificate_no="32041299999") if i == 0 else o
                                       for i, o in enumerate(openings["inspectors"])])
    report = verify_round_file_with_openings(doc, wrong)
    assert report.first_mismatch.name == "pseudonyms"


def test_a_round_published_in_format_1_still_verifies():
    seed, entities, inspectors, policy = SEED, ENTITIES, INSPECTORS, POLICY
    at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    doc = build_round_file(round_id="320412-1", title="旧轮次", created_at=at, committed_at=at, revealed_at=at,
                           seed=seed, entities=entities, inspectors=inspectors, policy=policy)
    assert doc["format"] == "ecoenforce-draw-round/1"
    report = verify_round_file(json.loads(json.dumps(doc)))
    assert report.ok and report.checks[0].detail == "ecoenforce-draw-round/1, algorithm ecoenforce-draw/1"
    assert doc["selection_digest"] == "78280a537c3f62f4a4f2b88b615befd99aba6185d82673a924fc955087bff384"
