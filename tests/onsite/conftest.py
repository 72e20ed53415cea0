"""Fixtures for on-site records: a drawn Wujin task for two certified inspectors, signatures drawn as PNGs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from onsite_helpers import all_compliant, signature_png

from ecoenforce.onsite.services import OfficerSign
from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.registry.models import RegulatedEntity
from factories import make_entity

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


@pytest.fixture
def wj_pool(region_wj, admin_user, inspector_wj, inspector2_wj, leader_wj):
    entities = [make_entity(region=region_wj, actor=admin_user) for _ in range(12)]
    for e, cls in zip(entities, ["special"] * 2 + ["key"] * 4 + ["general"] * 6, strict=True):
        RegulatedEntity.objects.filter(pk=e.pk).update(risk_class=cls)
    return list(RegulatedEntity.objects.filter(pk__in=[e.pk for e in entities]).order_by("pk"))


@pytest.fixture
def task(leader_wj, inspector_wj, wj_pool):
    round_ = round_commit(actor=leader_wj, title="2026年第四季度双随机抽查", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=60),
                          ratios={"special": Decimal("1"), "key": Decimal("0.25"), "general": Decimal("0.5")})
    round_draw(actor=leader_wj, round_id=round_.pk)
    task = InspectionTask.objects.filter(inspectors=inspector_wj).exclude(inspectors=leader_wj).order_by("pk").first()
    assert task is not None
    return task


@pytest.fixture
def submit_kwargs(task, inspector_wj):
    """A complete, valid on-site record for the task (both drawn officers sign, the party signs)."""
    other = task.inspectors.exclude(pk=inspector_wj.pk).first()
    now = timezone.now()

    def make(**overrides):
        kwargs = dict(
            actor=inspector_wj, idempotency_key=uuid.uuid4().hex, subject="task", subject_id=task.pk,
            started_at=now - dt.timedelta(minutes=50), ended_at=now - dt.timedelta(minutes=5), device_now=now,
            latitude="31.71234", longitude="119.95678", accuracy_m="8", location="厂区废气排放口",
            officers=[OfficerSign(inspector_wj.pk, signature_png()), OfficerSign(other.pk, signature_png())],
            party_name="王建国", party_post="环保专员", party_id_last4="1234", party_signature=signature_png(),
            findings=all_compliant(task.entity), summary="", party_statement="无异议。")
        kwargs.update(overrides)
        return kwargs

    make.other = other
    return make
