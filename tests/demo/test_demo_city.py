"""The demo city seeds once, realistically, through the real services; a second run changes nothing."""

from __future__ import annotations

import pytest

from ecoenforce.cases.models import Case
from ecoenforce.core.audit import audit_verify
from ecoenforce.core.models import Role, User
from ecoenforce.core.queue import queue_counts
from ecoenforce.demo.seed import DemoSeeder
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
from ecoenforce.planning.models import DrawRound, InspectionPlan, InspectionTask
from ecoenforce.planning.roundfile import verify_round_file
from ecoenforce.planning.tasks import tasks_for_user
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.registry.uscc import uscc_problem

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    settings.LAKE_DIR = tmp_path / "lake"
    settings.SPOOL_DIR = tmp_path / "spool"
    settings.DEVICE_SNAPSHOT = tmp_path / "gateway" / "devices.json"


def test_demo_city_is_seeded_once(capsys):
    assert DemoSeeder(entity_scale=0.05, log=lambda *_: None).run() is True
    counts = (RegulatedEntity.objects.count(), Lead.objects.count(), Case.objects.count(), Inspection.objects.count())
    assert counts[0] == 101  # int(5% of each county's share): 35 + 22 + 15 + 12 + 9 + 8
    assert all(uscc_problem(code) is None for code in RegulatedEntity.objects.values_list("uscc", flat=True))
    # One user per role, and the 48 certified county inspectors the draws need.
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.exclude(certificate_no="").filter(role=Role.INSPECTOR).count() >= 48
    assert Case.objects.exclude(decision_number="").exists()
    assert not Case.objects.exclude(decision_number="").filter(matter__isnull=True).exists()  # every decision cites one
    assert audit_verify().ok
    # Wujin's plan is approved, one round is published and verifies, the campaign's tasks wait for the inspector.
    plan = InspectionPlan.objects.get(organization__region__code="320412")
    assert plan.status == InspectionPlan.Status.APPROVED and plan.last_check["ok"]
    published = DrawRound.objects.get(status=DrawRound.Status.PUBLISHED)
    assert verify_round_file(published.round_file).ok
    assert not published.tasks.filter(status=InspectionTask.Status.ASSIGNED).exists()
    drawn = DrawRound.objects.get(status=DrawRound.Status.DRAWN)
    for task in drawn.tasks.all():
        assert all(tasks_for_user(user=officer).filter(pk=task.pk).exists() for officer in task.inspectors.all())
    # Every staff role of the demo signs in to a queue with work in it (issue 14).
    users = {u.username: u for u in User.objects.filter(username__in=[
        "inspector", "inspector2", "leader", "legal", "cityleader", "operator"])}
    queues = {name: queue_counts(user) for name, user in users.items()}
    assert queues["inspector"]["leads.assigned"] == 3 and queues["inspector2"]["leads.assigned"] == 1
    assert queues["cityleader"]["cases.waiting"] == 1 and queues["legal"]["cases.waiting"] >= 1
    assert [name for name, per_source in queues.items() if not sum(per_source.values())] == []
    assert DemoSeeder(entity_scale=0.05, log=lambda *_: None).run() is False
    assert (RegulatedEntity.objects.count(), Lead.objects.count(), Case.objects.count(),
            Inspection.objects.count()) == counts

