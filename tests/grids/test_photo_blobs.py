"""Patrol photos, finding evidence and referral answer files live in the one blob store (`core.files`): a row names
its file by SHA-256 and the page serves that blob. Files kept the old way (`FILES_DIR/<area>/<record>/<random>.<ext>`)
are copied in by the data migrations, each checked against the SHA-256 recorded when it was received."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from ecoenforce.core.attachments import legacy_files_into_blobs
from ecoenforce.core.files import blob_path, blob_verify
from ecoenforce.core.models import Region
from ecoenforce.grids.models import PatrolPhoto
from ecoenforce.grids.services import grid_create, patrol_problem_report, patrol_start

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
SQUARE = {"type": "Polygon", "coordinates": [[[119.90, 31.70], [120.00, 31.70], [120.00, 31.80], [119.90, 31.80],
                                              [119.90, 31.70]]]}


# The migration test runs on a flushed (transactional) database: these make the reference rows when they are missing.
@pytest.fixture
def region_city(db) -> Region:
    province = Region.objects.get_or_create(code="320000", defaults={"name": "江苏省", "level": "province"})[0]
    return Region.objects.get_or_create(code="320400", defaults={"name": "常州市", "level": "city",
                                                                 "parent": province})[0]


@pytest.fixture
def region_wj(region_city) -> Region:
    return Region.objects.get_or_create(code="320412", defaults={"name": "武进区", "level": "county",
                                                                 "parent": region_city})[0]


@pytest.mark.django_db
def test_a_patrol_photo_is_a_blob_and_is_served_from_it(leader_wj, region_wj, grid_member, settings, tmp_path):
    settings.FILES_DIR = tmp_path
    grid = grid_create(actor=leader_wj, code="WJ-01", name="湖塘镇第一网格", region=region_wj, boundary=SQUARE,
                       member_ids=[grid_member.pk])
    patrol = patrol_start(actor=grid_member, grid_id=grid.pk)
    patrol_problem_report(actor=grid_member, patrol_id=patrol.pk, token=uuid.uuid4().hex, title="黑水", photos=[JPEG])
    patrol_problem_report(actor=grid_member, patrol_id=patrol.pk, token=uuid.uuid4().hex, title="又见黑水",
                          photos=[JPEG])  # the same photo twice: two rows, one blob
    first, second = PatrolPhoto.objects.order_by("id")
    assert first.sha256 == second.sha256 == hashlib.sha256(JPEG).hexdigest() and first.size == len(JPEG)
    assert blob_verify(first.sha256) and not (tmp_path / "patrols").exists()
    client = Client()
    client.force_login(leader_wj)
    response = client.get(f"/grids/photos/{second.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"


def test_old_files_are_copied_in_checked_against_the_recorded_hash(settings, tmp_path):
    settings.FILES_DIR = tmp_path
    old = tmp_path / "findings" / "7"
    old.mkdir(parents=True)
    (old / "a.jpg").write_bytes(JPEG)
    (old / "b.pdf").write_bytes(b"%PDF-1.4 changed after upload")
    good, recorded = hashlib.sha256(JPEG).hexdigest(), hashlib.sha256(b"%PDF-1.4 as received").hexdigest()
    problems = legacy_files_into_blobs(area="findings", rows=[("7/a.jpg", good), ("7/b.pdf", recorded),
                                                              ("7/gone.png", good)])
    assert blob_path(good).read_bytes() == JPEG and (old / "a.jpg").exists()  # copied, not moved
    assert not blob_path(recorded).exists()  # other bytes than were received are not served under its name
    assert len(problems) == 2 and "b.pdf" in problems[0] and "gone.png" in problems[1]


@pytest.mark.django_db(transaction=True)
def test_the_migration_serves_a_photo_stored_the_old_way(leader_wj, region_wj, grid_member, settings, tmp_path):
    settings.FILES_DIR = tmp_path
    grid = grid_create(actor=leader_wj, code="WJ-01", name="湖塘镇第一网格", region=region_wj, boundary=SQUARE,
                       member_ids=[grid_member.pk])
    patrol = patrol_start(actor=grid_member, grid_id=grid.pk)
    executor = MigrationExecutor(connection)
    executor.migrate([("grids", "0001_initial")])
    try:
        old_model = executor.loader.project_state([("grids", "0001_initial")]).apps.get_model("grids", "PatrolPhoto")
        (tmp_path / "patrols" / str(patrol.pk)).mkdir(parents=True)
        (tmp_path / "patrols" / str(patrol.pk) / "0f1e.jpg").write_bytes(JPEG)
        row = old_model.objects.create(patrol_id=patrol.pk, stored=f"{patrol.pk}/0f1e.jpg", content_type="image/jpeg",
                                       size=len(JPEG), sha256=hashlib.sha256(JPEG).hexdigest())
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert blob_verify(hashlib.sha256(JPEG).hexdigest())
    client = Client()
    client.force_login(leader_wj)
    response = client.get(f"/grids/photos/{row.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
