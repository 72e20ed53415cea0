"""Positive list: criterion-by-criterion eligibility, application and approval, removal proposed at once on a penalty."""

from __future__ import annotations

import datetime as dt

import pytest

from ecoenforce.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.registry.models import EnterpriseAccount
from ecoenforce.registry.positive.criteria import (
    Criterion,
    PositiveFacts,
    PositivePolicy,
    positive_eligibility,
    valid_until,
)
from ecoenforce.registry.positive.models import PositiveListEntry
from ecoenforce.registry.positive.selectors import positive_filing_entries, quarter_bounds
from ecoenforce.registry.positive.services import (
    positive_list_apply,
    positive_list_decide,
    positive_list_expire,
    positive_list_removal_decide,
)
from ecoenforce.registry.services import entity_event_record

AS_OF = dt.date(2026, 11, 28)
CLEAN = PositiveFacts(industry_code="2614", permit_class="key", networked_monitoring=True, permit_reports_on_time=True,
                      credit_grade="blue")


def test_a_clean_networked_key_unit_meets_every_criterion():
    result = positive_eligibility(CLEAN, [(dt.date(2024, 11, 28), "penalty")], as_of=AS_OF)  # 730 days ago: outside
    assert result.eligible is True
    assert result.criteria == (
        Criterion("permit", True, "key"), Criterion("no_penalty", True, ""), Criterion("no_incident", True, ""),
        Criterion("monitoring", True, "networked"), Criterion("reports_on_time", True, "yes"),
        Criterion("credit", True, "blue"), Criterion("industry", True, "2614"), Criterion("no_open_matter", True, "0,0"))


def test_each_unmet_criterion_is_named_with_its_fact():
    facts = PositiveFacts(industry_code="7724", permit_class="key", networked_monitoring=False,
                          permit_reports_on_time=None, credit_grade="yellow")
    result = positive_eligibility(facts, [(dt.date(2025, 1, 3), "penalty"), (dt.date(2026, 2, 1), "incident"),
                                          (dt.date(2026, 12, 1), "penalty")], as_of=AS_OF)
    assert result.eligible is False
    assert [(c.key, c.detail) for c in result.unmet] == [
        ("no_penalty", "2025-01-03"), ("no_incident", "2026-02-01"), ("monitoring", "not_networked"),
        ("reports_on_time", "unknown"), ("credit", "yellow"), ("industry", "7724")]


def test_monitoring_is_not_applicable_to_a_simplified_permit_and_policy_can_require_it():
    facts = PositiveFacts(industry_code="2614", permit_class="simplified", networked_monitoring=False,
                          permit_reports_on_time=True, credit_grade="")
    assert positive_eligibility(facts, [], as_of=AS_OF).criteria[3] == Criterion("monitoring", None, "not_networked")
    strict = PositivePolicy(monitoring_required_classes=("key", "simplified"))
    assert positive_eligibility(facts, [], as_of=AS_OF, policy=strict).eligible is False


def test_validity_is_three_years_less_a_day():
    assert valid_until(dt.date(2026, 11, 28), 3) == dt.date(2029, 11, 27)
    assert valid_until(dt.date(2028, 2, 29), 3) == dt.date(2031, 2, 27)
    assert quarter_bounds(2026, 4) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


@pytest.fixture
def clean_entity(entity_wj):
    entity_wj.networked_monitoring, entity_wj.permit_reports_on_time, entity_wj.credit_grade = True, True, "green"
    entity_wj.save()
    return entity_wj


@pytest.mark.django_db
def test_enterprise_applies_leader_approves_and_a_new_penalty_proposes_removal(clean_entity, enterprise_user,
                                                                              leader_wj, english):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=clean_entity)
    entry, created = positive_list_apply(actor=enterprise_user, entity_id=clean_entity.pk, note="申请纳入")
    again, created_again = positive_list_apply(actor=enterprise_user, entity_id=clean_entity.pk)
    assert (created, created_again, again.pk, PositiveListEntry.objects.count()) == (True, False, entry.pk, 1)
    entry = positive_list_decide(actor=leader_wj, entry_id=entry.pk, approve=True, today=AS_OF - dt.timedelta(days=10))
    clean_entity.refresh_from_db()
    assert (entry.status, entry.valid_from, entry.valid_until, clean_entity.on_positive_list) == (
        "approved", dt.date(2026, 11, 18), dt.date(2029, 11, 17), True)
    # an old penalty (before the listing) is not a new fact; a new one proposes removal at once
    entity_event_record(entity=clean_entity, kind="penalty", date=dt.date(2026, 1, 5), ref="OLD")
    entry.refresh_from_db()
    assert entry.status == "approved"
    before = AuditEvent.objects.count()
    entity_event_record(entity=clean_entity, kind="penalty", date=AS_OF, ref="常武环罚〔2026〕9号")
    entity_event_record(entity=clean_entity, kind="penalty", date=AS_OF, ref="常武环罚〔2026〕9号")  # pushed twice
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason) == ("removal_proposed", "Penalty decided 2026-11-28 常武环罚〔2026〕9号")
    assert AuditEvent.objects.count() == before + 1
    with pytest.raises(ValidationFailed):
        positive_list_removal_decide(actor=leader_wj, entry_id=entry.pk, remove=True, note="")
    entry = positive_list_removal_decide(actor=leader_wj, entry_id=entry.pk, remove=True, note="受到行政处罚，移出")
    clean_entity.refresh_from_db()
    assert (entry.status, clean_entity.on_positive_list) == ("removed", False)


@pytest.mark.django_db
def test_an_ineligible_application_is_refused_with_the_unmet_criteria_and_nothing_is_filed(entity_wj, inspector_wj,
                                                                                          english):
    with pytest.raises(ValidationFailed) as exc:
        positive_list_apply(actor=inspector_wj, entity_id=entity_wj.pk)
    assert str(exc.value.message) == (
        "Not eligible yet: Automatic monitoring installed and networked; Permit execution reports submitted on time. "
        "The entity can apply once every criterion is met.")
    assert PositiveListEntry.objects.count() == 0


@pytest.mark.django_db
def test_who_may_apply_and_decide(clean_entity, entity_xb, enterprise_user, inspector_wj, inspector_xb, leader_wj,
                                  english):
    with pytest.raises(NotFound):  # an enterprise user not linked to the facility
        positive_list_apply(actor=enterprise_user, entity_id=clean_entity.pk)
    with pytest.raises(NotFound):  # staff of another county
        positive_list_apply(actor=inspector_xb, entity_id=clean_entity.pk)
    entry, _created = positive_list_apply(actor=inspector_wj, entity_id=clean_entity.pk)
    with pytest.raises(PermissionDenied):
        positive_list_decide(actor=inspector_wj, entry_id=entry.pk, approve=True)
    with pytest.raises(ValidationFailed):
        positive_list_decide(actor=leader_wj, entry_id=entry.pk, approve=False, note=" ")
    entry = positive_list_decide(actor=leader_wj, entry_id=entry.pk, approve=False, note="台账不全")
    assert (entry.status, entry.decision_note) == ("rejected", "台账不全")


@pytest.mark.django_db
def test_expiry_and_the_quarterly_filing(clean_entity, inspector_wj, leader_wj):
    entry, _created = positive_list_apply(actor=inspector_wj, entity_id=clean_entity.pk)
    positive_list_decide(actor=leader_wj, entry_id=entry.pk, approve=True, today=dt.date(2023, 3, 1))
    assert [e.pk for e in positive_filing_entries(user=leader_wj, year=2025, quarter=4)] == [entry.pk]
    assert positive_list_expire(as_of=dt.date(2026, 2, 28)) == 0
    assert positive_list_expire(as_of=dt.date(2026, 3, 1)) == 1
    clean_entity.refresh_from_db()
    assert clean_entity.on_positive_list is False
    assert list(positive_filing_entries(user=leader_wj, year=2026, quarter=2)) == []
