"""Contract tests over HTTP for the mobile inspection API (issue 9): every operation under /api/v1/onsite,
/api/v1/uploads, /api/v1/sampling and /api/v1/planning, called by schemathesis through the WSGI application as a
drawn inspector with real objects in the database (a drawn task, a filed record with evidence, an open upload, a
sampling request), and each answer checked against the OpenAPI: no server error, a documented status code, a
documented content type, and a body that matches the documented schema — success and refusal alike.

Examples are derandomized so a run is repeatable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from PIL import Image, ImageDraw
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ecoenforce.core.services import api_token_create
from ecoenforce.onsite.checklists import DEFAULTS, Checklists
from ecoenforce.onsite.services import OfficerSign, evidence_add, onsite_record_submit
from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.registry.models import RegulatedEntity
from ecoenforce.sync import services as uploads
from ecoenforce.wsgi import application
from factories import make_entity

MOBILE = r"^/api/v1/(onsite|uploads|sampling|planning)(/|$)"
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex=MOBILE)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def keep_the_test_connection(settings, tmp_path):
    """As in test_schemathesis: the WSGI calls must not close the test's connection; files go to a temporary dir."""
    settings.FILES_DIR = tmp_path / "files"
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _png() -> bytes:
    img = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(img).line(
        [(10, 80), (60, 20), (120, 70), (200, 15), (280, 60)], fill=(0, 0, 0, 255), width=4
    )
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def inspector_world(region_wj, admin_user, inspector_wj, inspector2_wj, leader_wj, case_wj, lead_wj):
    """A drawn round with tasks for the inspector, one of them already recorded with a photo, an open upload."""
    entities = [make_entity(region=region_wj, actor=admin_user) for _ in range(6)]
    RegulatedEntity.objects.filter(pk__in=[e.pk for e in entities]).update(risk_class="special")
    today = timezone.localdate()
    round_ = round_commit(
        actor=leader_wj,
        title="契约测试轮次",
        period_start=today,
        period_end=today + dt.timedelta(days=30),
        ratios={"special": Decimal("1"), "key": Decimal("1"), "general": Decimal("1")},
    )
    round_draw(actor=leader_wj, round_id=round_.pk)
    task = InspectionTask.objects.filter(inspectors=inspector_wj).order_by("pk").first()
    other = task.inspectors.exclude(pk=inspector_wj.pk).first()
    _group, items = Checklists.from_values(DEFAULTS).items_for(task.entity.industry.code)
    now = timezone.now()
    record, _created = onsite_record_submit(
        actor=inspector_wj,
        idempotency_key=uuid.uuid4().hex,
        subject="task",
        subject_id=task.pk,
        started_at=now - dt.timedelta(minutes=40),
        ended_at=now - dt.timedelta(minutes=5),
        device_now=now,
        officers=[OfficerSign(inspector_wj.pk, _png()), OfficerSign(other.pk, _png())],
        party_name="王建国",
        party_signature=_png(),
        findings={i.code: {"result": "compliant", "note": ""} for i in items},
    )
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 200)).save(photo, format="JPEG")
    evidence_add(
        user=inspector_wj,
        data=photo.getvalue(),
        declared_sha256=hashlib.sha256(photo.getvalue()).hexdigest(),
        kind="photo",
        record=record,
        original_name="现场.jpg",
    )
    data = b"partial evidence " * 100
    uploads.upload_open(
        actor=inspector_wj,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        filename="录音.m4a",
        content_type="audio/mp4",
    )
    _token, raw = api_token_create(user=inspector_wj, name="contract")
    return {"Authorization": f"Bearer {raw}"}


def test_the_contract_covers_every_mobile_operation():
    """The filter above reaches the new endpoints (a renamed prefix would silently test nothing)."""
    paths = {op.path for op in (result.ok() for result in schema.get_all_operations())}
    for expected in (
        "/api/v1/onsite/worklist",
        "/api/v1/onsite/records",
        "/api/v1/onsite/records/{record_id}/evidence",
        "/api/v1/onsite/records/{record_id}/evidence/by-hash",
        "/api/v1/onsite/inquiries",
        "/api/v1/uploads",
        "/api/v1/uploads/{upload_id}/chunks",
        "/api/v1/uploads/{upload_id}/complete",
        "/api/v1/sampling/",
        "/api/v1/sampling/samples/{sample_id}/custody",
        "/api/v1/planning/plans",
        "/api/v1/planning/rounds/{round_id}",
        "/api/v1/planning/tasks/{task_id}",
    ):
        assert expected in paths, expected


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_every_mobile_operation_answers_as_documented(case, inspector_world):
    case.call_and_validate(headers=inspector_world, checks=CHECKS)
