"""The demo city seeds once, realistically, through the real services; a second run changes nothing."""

from __future__ import annotations

import pytest

from ecoenforce.cases.models import Case
from ecoenforce.core.audit import audit_verify
from ecoenforce.core.models import Role, User
from ecoenforce.demo.seed import DemoSeeder
from ecoenforce.inspections.models import Inspection
from ecoenforce.leads.models import Lead
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
    assert audit_verify().ok
    assert DemoSeeder(entity_scale=0.05, log=lambda *_: None).run() is False
    assert (RegulatedEntity.objects.count(), Lead.objects.count(), Case.objects.count(),
            Inspection.objects.count()) == counts
