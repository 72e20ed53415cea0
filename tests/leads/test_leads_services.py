"""Lead intake and triage through the services: create, dedupe, close, convert, and what each refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecoenforce.cases.models import Case
from ecoenforce.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent, DocumentSequence
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_close, lead_convert, lead_create
from ecoenforce.registry.models import EntityEvent


def test_create_numbers_by_day_and_audits(inspector_wj, entity_wj):
    received = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 30))
    first, created1 = lead_create(source="tip", title=" 夜间偷排 ", entity=entity_wj, created_by=inspector_wj,
                                  received_at=received)
    second, created2 = lead_create(source="manual", title="异味", entity=entity_wj, created_by=inspector_wj,
                                   received_at=received)
    assert (created1, created2) == (True, True)
    assert (first.number, second.number) == ("XS202611020001", "XS202611020002")
    assert first.title == "夜间偷排"
    assert first.region_id == entity_wj.region_id
    assert first.status == Lead.Status.NEW
    events = list(AuditEvent.objects.filter(action="lead.create").order_by("seq"))
    assert [e.object_id for e in events] == [str(first.pk), str(second.pk)]
    assert events[0].after == {"source": "tip", "entity": entity_wj.pk, "region": "320412", "title": "夜间偷排"}
    # A tip against a known entity enters its history; a manual lead does not.
    assert list(EntityEvent.objects.values_list("kind", "ref")) == [("tip", "XS202611020001")]


def test_same_external_ref_returns_the_first_lead_and_writes_nothing(inspector_wj, entity_wj):
    first, created = lead_create(source="warning", title="小时均值超标", entity=entity_wj, external_ref="warning:77")
    events = AuditEvent.objects.count()
    again, created_again = lead_create(source="warning", title="另一个标题", entity=entity_wj, external_ref="warning:77")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert again.title == "小时均值超标"
    assert Lead.objects.count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"source": "carrier_pigeon", "title": "x"}, "source"),
    ({"source": "manual", "title": "   "}, "title"),
    ({"source": "manual", "title": "x"}, "region"),
])
def test_create_refuses_bad_input_and_writes_nothing(db, kwargs, field):
    with pytest.raises(ValidationFailed) as exc_info:
        lead_create(**kwargs)
    assert list(exc_info.value.details) == [field]
    assert Lead.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("code", ["320400", "320000"])
def test_region_must_be_a_county(db, code):
    from ecoenforce.core.models import Region
    with pytest.raises(ValidationFailed) as exc_info:
        lead_create(source="manual", title="x", region=Region.objects.get(code=code))
    assert list(exc_info.value.details) == ["region"]
    assert Lead.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_close_records_reason_and_audits(lead_wj, inspector_wj):
    lead = lead_close(lead_id=lead_wj.pk, actor=inspector_wj, reason="no_violation", note=" 现场核查无异常 ")
    lead.refresh_from_db()
    assert (lead.status, lead.close_reason, lead.close_note) == ("closed", "no_violation", "现场核查无异常")
    assert lead.triaged_at is not None
    event = AuditEvent.objects.filter(action="lead.close").get()
    assert event.reason == "现场核查无异常"
    assert (event.before["status"], event.after["status"]) == ("new", "closed")


@pytest.mark.parametrize(("reason", "note", "field"), [("nonsense", "ok", "reason"), ("no_violation", "  ", "note")])
def test_close_refuses_bad_input_and_changes_nothing(lead_wj, inspector_wj, reason, note, field):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc_info:
        lead_close(lead_id=lead_wj.pk, actor=inspector_wj, reason=reason, note=note)
    assert list(exc_info.value.details) == [field]
    lead_wj.refresh_from_db()
    assert (lead_wj.status, lead_wj.close_reason, lead_wj.triaged_at) == ("new", "", None)
    assert AuditEvent.objects.count() == events


def test_close_by_a_non_staff_role_is_not_found(lead_wj, grid_member):
    events = AuditEvent.objects.count()
    with pytest.raises(NotFound):  # outside the role the lead is "not found": a 403 would confirm it exists
        lead_close(lead_id=lead_wj.pk, actor=grid_member, reason="no_violation", note="x")
    lead_wj.refresh_from_db()
    assert lead_wj.status == "new"
    assert AuditEvent.objects.count() == events


def test_convert_opens_a_case_and_links_it(lead_wj, inspector_wj, inspector2_wj, entity_wj):
    case = lead_convert(lead_id=lead_wj.pk, actor=inspector_wj, title="", facts="", handlers=[inspector_wj, inspector2_wj],
                        filed_on=dt.date(2026, 11, 2))
    lead_wj.refresh_from_db()
    assert (lead_wj.status, lead_wj.case_id) == ("converted", case.pk)
    assert case.number == "武环立〔2026〕1号"
    assert (case.title, case.facts, case.source) == (lead_wj.title, lead_wj.description, f"lead:{lead_wj.number}")
    # Proposed: the filing waits for a unit leader's approval (立案审批).
    assert (case.stage, case.entity_id, case.region_id) == ("proposed", entity_wj.pk, entity_wj.region_id)
    assert sorted(case.handlers.values_list("username", flat=True)) == ["inspector2_wj", "inspector_wj"]
    # 90 natural days from 2026-11-02 is Sunday 2027-01-31 → Monday 2027-02-01, provisional (2027 not entered).
    assert (case.decision_due, case.decision_due_provisional) == (dt.date(2027, 2, 1), True)
    # PROPOSED (filing approval): 7 working days → 2026-11-11.
    assert (case.stage_due, case.stage_due_provisional) == (dt.date(2026, 11, 11), False)
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("seq")) == [
        "entity.create", "lead.create", "case.open", "lead.convert"]
    assert list(EntityEvent.objects.values_list("kind", "ref")) == []  # the entity's record counts it once approved


def test_convert_needs_an_entity(region_wj, inspector_wj, inspector2_wj):
    lead, _ = lead_create(source="grid", title="雨水排口异常", region=region_wj)
    with pytest.raises(ValidationFailed) as exc_info:
        lead_convert(lead_id=lead.pk, actor=inspector_wj, title="", facts="", handlers=[inspector_wj, inspector2_wj])
    assert list(exc_info.value.details) == ["entity"]
    assert Case.objects.count() == 0


def test_convert_can_name_the_entity_now(region_wj, entity_wj, inspector_wj, inspector2_wj):
    lead, _ = lead_create(source="grid", title="雨水排口异常", region=region_wj)
    case = lead_convert(lead_id=lead.pk, actor=inspector_wj, title="案", facts="", entity=entity_wj,
                        handlers=[inspector_wj, inspector2_wj])
    lead.refresh_from_db()
    assert (lead.entity_id, case.entity_id) == (entity_wj.pk, entity_wj.pk)


@pytest.mark.parametrize("who", ["alone", "with_uncertified", "same_twice", "with_inactive"])
def test_convert_needs_two_certified_handlers_and_creates_nothing(lead_wj, inspector_wj, inspector2_wj,
                                                                   uncertified_wj, who):
    if who == "with_inactive":
        inspector2_wj.is_active = False
        inspector2_wj.save(update_fields=["is_active"])
    handlers = {"alone": [inspector_wj], "with_uncertified": [inspector_wj, uncertified_wj],
                "same_twice": [inspector_wj, inspector_wj], "with_inactive": [inspector_wj, inspector2_wj]}[who]
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc_info:
        lead_convert(lead_id=lead_wj.pk, actor=inspector_wj, title="案", facts="", handlers=handlers)
    assert list(exc_info.value.details) == ["handlers"]
    assert Case.objects.count() == 0
    assert DocumentSequence.objects.count() == 0
    assert AuditEvent.objects.count() == events
    lead_wj.refresh_from_db()
    assert (lead_wj.status, lead_wj.case_id) == ("new", None)


def test_convert_by_a_legal_reviewer_is_denied(lead_wj, legal_wj, inspector_wj, inspector2_wj):
    with pytest.raises(PermissionDenied):
        lead_convert(lead_id=lead_wj.pk, actor=legal_wj, title="案", facts="", handlers=[inspector_wj, inspector2_wj])
    assert Case.objects.count() == 0
    lead_wj.refresh_from_db()
    assert lead_wj.status == "new"


def test_closing_a_converted_lead_is_an_invalid_transition(lead_wj, inspector_wj, inspector2_wj):
    lead_convert(lead_id=lead_wj.pk, actor=inspector_wj, title="案", facts="", handlers=[inspector_wj, inspector2_wj])
    events = AuditEvent.objects.count()
    with pytest.raises(InvalidTransition) as exc_info:
        lead_close(lead_id=lead_wj.pk, actor=inspector_wj, reason="no_violation", note="x")
    assert exc_info.value.code == "already_triaged"
    lead_wj.refresh_from_db()
    assert (lead_wj.status, lead_wj.close_reason) == ("converted", "")
    assert AuditEvent.objects.count() == events


def test_converting_a_closed_lead_is_an_invalid_transition(lead_wj, inspector_wj, inspector2_wj):
    lead_close(lead_id=lead_wj.pk, actor=inspector_wj, reason="duplicate", note="重复")
    with pytest.raises(InvalidTransition) as exc_info:
        lead_convert(lead_id=lead_wj.pk, actor=inspector_wj, title="案", facts="", handlers=[inspector_wj, inspector2_wj])
    assert exc_info.value.code == "already_triaged"
    assert Case.objects.count() == 0
