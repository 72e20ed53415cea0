"""The record page: each jurisdiction sees its own events; the chain is checked by a background job, not a page load."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ecoenforce.core.audit import audit_record, region_code_of
from ecoenforce.core.models import AuditEvent, AuditVerification
from ecoenforce.core.services import api_token_create

pytestmark = pytest.mark.django_db


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def shown(user, query: str = "") -> set[tuple[str, str, str]]:
    response = client_for(user).get("/accounts/audit/" + query)
    assert response.status_code == 200
    return {(e.object_type, e.object_id, e.action) for e in response.context["page"].object_list}


@pytest.fixture
def both_counties(lead_wj, lead_xb, entity_wj, entity_xb, admin_user):
    with transaction.atomic():  # an event with no jurisdiction at all: administrators only
        audit_record(actor=None, object_type="warnings.emissionlimit", object_id="seed", action="limits.seed",
                     after={"created": 1})
    return lead_wj, lead_xb


def test_events_are_filed_under_their_objects_jurisdiction(both_counties, entity_wj, region_wj, region_xb):
    lead_wj, lead_xb = both_counties
    codes = dict(AuditEvent.objects.filter(action="lead.create").values_list("object_id", "region_code"))
    assert codes == {str(lead_wj.pk): "320412", str(lead_xb.pk): "320411"}
    assert AuditEvent.objects.get(action="entity.create", object_id=str(entity_wj.pk)).region_code == "320412"
    assert AuditEvent.objects.get(action="limits.seed").region_code == ""


def test_a_county_leader_and_legal_reviewer_see_only_their_countys_events(both_counties, entity_wj, leader_wj,
                                                                           legal_wj):
    lead_wj, _lead_xb = both_counties
    expected = {("registry.regulatedentity", str(entity_wj.pk), "entity.create"),
                ("leads.lead", str(lead_wj.pk), "lead.create")}
    assert shown(leader_wj) == expected
    assert shown(legal_wj) == expected


def test_another_countys_event_is_not_found_by_its_id(both_counties, leader_wj):
    _lead_wj, lead_xb = both_counties
    assert shown(leader_wj, f"?object_type=leads.lead&object_id={lead_xb.pk}") == set()


def test_the_city_sees_both_counties_and_the_administrator_everything(both_counties, city_leader, admin_user):
    lead_wj, lead_xb = both_counties
    city = shown(city_leader)
    assert {("leads.lead", str(lead_wj.pk), "lead.create"), ("leads.lead", str(lead_xb.pk), "lead.create")} <= city
    assert ("warnings.emissionlimit", "seed", "limits.seed") not in city
    assert ("warnings.emissionlimit", "seed", "limits.seed") in shown(admin_user)
    assert len(shown(admin_user)) == AuditEvent.objects.count() == 5


def test_region_of_objects_through_their_relations(case_wj, inspector_wj, city_leader):
    assert region_code_of(case_wj) == "320412"
    assert region_code_of(inspector_wj) == "320412"
    assert region_code_of(city_leader) == "320400"
    with transaction.atomic():
        token, _raw = api_token_create(user=inspector_wj, name="手机")
    assert region_code_of(token) == "320412"
    assert AuditEvent.objects.get(action="api_token.create").region_code == "320412"


def test_the_migration_files_old_events_by_object_then_actor(both_counties, inspector_xb):
    lead_wj, _lead_xb = both_counties
    with transaction.atomic():
        audit_record(actor=inspector_xb, object_type="registry.pool_entities", object_id="", action="pool.import")
    AuditEvent.objects.update(region_code="")  # as every event was before the field existed
    migration = importlib.import_module("ecoenforce.core.migrations.0005_audit_region_and_verification")
    migration.file_events_under_regions(apps, None)
    assert AuditEvent.objects.get(action="lead.create", object_id=str(lead_wj.pk)).region_code == "320412"
    assert AuditEvent.objects.get(action="pool.import").region_code == "320411"  # the actor's county
    assert AuditEvent.objects.get(action="limits.seed").region_code == ""


def test_a_page_load_never_walks_the_chain(both_counties, leader_wj, monkeypatch):
    def forbidden(**kwargs):
        raise AssertionError("the chain was walked inside a page load")

    monkeypatch.setattr("ecoenforce.core.services.audit_verify", forbidden)
    response = client_for(leader_wj).get("/accounts/audit/?verify=1")
    assert response.status_code == 200
    assert AuditVerification.objects.count() == 0


def test_verification_is_queued_then_run_by_the_worker_and_shown(both_counties, leader_wj, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(leader_wj, "en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/audit/verify/")
    assert response.status_code == 302
    job = AuditVerification.objects.get()
    assert (job.status, job.head_seq, job.requested_by_id, job.ok) == ("queued", 5, leader_wj.pk, None)
    queued = DBTaskResult.objects.get()
    assert (queued.task_path, queued.args_kwargs["args"]) == ("ecoenforce.core.tasks.audit_verification_task",
                                                             [job.pk])
    page = client.get("/accounts/audit/").content.decode()
    assert "Chain check queued (5 events). It runs in the background" in page

    with django_capture_on_commit_callbacks(execute=True):  # asking again while queued reuses the job
        client.post("/accounts/audit/verify/")
    assert AuditVerification.objects.count() == 1

    # What `ecoenforce db_worker` does with a claimed task (the command itself closes the test's connection).
    queued.claim("test-worker")
    Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
           max_tasks=None, worker_id="test-worker", excluded_queue_names=[]).run_task(queued)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    job.refresh_from_db()
    assert (job.status, job.ok, job.checked, job.progress, job.broken_seq) == ("done", True, 5, 100, None)
    fragment = client.get(f"/accounts/audit/verifications/{job.pk}/")
    assert "Chain intact: 5 events verified" in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()  # finished: the page stops polling


def test_a_tampered_chain_is_reported_by_the_job(both_counties, leader_wj, django_capture_on_commit_callbacks):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = %s WHERE seq = %s", ["改过了", 3])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(leader_wj).post("/accounts/audit/verify/")
    job = AuditVerification.objects.get()
    assert (job.status, job.ok, job.broken_seq, job.checked) == ("done", False, 3, 2)
    assert (job.problem_code, job.problem) == ("content_altered", "content altered: the stored hash does not match the event")
    page = client_for(leader_wj, "en").get("/accounts/audit/").content.decode()
    assert "Chain broken at event #3: content altered: the event is no longer what was recorded (2 events" in page


def test_people_without_the_record_cannot_ask_for_a_check(both_counties, inspector_wj, operator):
    for user in (inspector_wj, operator):
        assert client_for(user).post("/accounts/audit/verify/").status_code == 403
    assert AuditVerification.objects.count() == 0
