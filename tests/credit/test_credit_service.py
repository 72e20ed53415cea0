"""Credit over the database: ratings stored per period, audited, feeding risk classification; the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.credit.models import CreditPolicy, CreditRating
from ecoenforce.credit.services import credit_policy_add, credit_rate
from ecoenforce.registry.models import EnterpriseAccount, EntityEvent
from ecoenforce.registry.risk_services import facts_of
from ecoenforce.registry.services import entity_event_record

pytestmark = pytest.mark.django_db
YEAR_START = dt.date(2026, 1, 1)


def today():
    return timezone.localdate()


def test_a_rating_counts_the_decided_case_is_audited_and_feeds_the_grade_risk_reads(decided_case_wj, leader_wj):
    entity = decided_case_wj.entity
    rating = credit_rate(actor=leader_wj, entity=entity, period_start=YEAR_START, period_end=today())
    penalties = next(i for i in rating.explanation["items"] if i["indicator"] == "penalties")
    assert penalties["count"] == 1 and penalties["refs"] == [decided_case_wj.decision_number]
    assert rating.policy_version == 1 and rating.score < 100
    entity.refresh_from_db()
    assert entity.credit_grade == rating.grade and facts_of(entity).credit_grade == rating.grade
    assert AuditEvent.objects.filter(action="credit.rate", object_id=str(rating.pk)).exists()
    assert AuditEvent.objects.filter(action="entity.credit_grade", object_id=str(entity.pk)).exists()


def test_an_entity_without_inspections_or_monitoring_is_not_rated_clean_on_them(entity_wj, leader_wj):
    rating = credit_rate(actor=leader_wj, entity=entity_wj, period_start=YEAR_START, period_end=today())
    assert set(rating.explanation["missing"]) == {"warnings", "notices_late", "inspection_violations",
                                                  "inspections_clean"}
    entity_event_record(entity=entity_wj, kind=EntityEvent.Kind.INSPECTION_CLEAN, date=today(), ref="inspection:9")
    rerated = credit_rate(actor=leader_wj, entity=entity_wj, period_start=YEAR_START, period_end=today())
    assert rerated.pk == rating.pk and CreditRating.objects.filter(entity=entity_wj).count() == 1
    assert "inspections_clean" not in rerated.explanation["missing"] and float(rerated.score) == 102.0


def test_an_imported_grade_is_kept_when_an_older_period_is_rated(entity_wj, leader_wj):
    credit_rate(actor=leader_wj, entity=entity_wj, period_start=YEAR_START, period_end=today())
    entity_wj.credit_grade = "red"  # an import (pools, risk history) or staff set it afterwards
    entity_wj.save(update_fields=["credit_grade"])
    credit_rate(actor=leader_wj, entity=entity_wj, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    entity_wj.refresh_from_db()
    assert entity_wj.credit_grade == "red"


def test_a_period_ending_in_the_future_or_backwards_is_refused(entity_wj, leader_wj):
    with pytest.raises(ValidationFailed):
        credit_rate(actor=leader_wj, entity=entity_wj, period_start=YEAR_START,
                    period_end=today() + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        credit_rate(actor=leader_wj, entity=entity_wj, period_start=today(), period_end=YEAR_START)
    assert not CreditRating.objects.exists()


def test_a_policy_version_changes_the_grade_and_is_recorded(entity_wj, admin_user, leader_wj):
    with pytest.raises(ValidationFailed):
        credit_policy_add(actor=admin_user, values={"scale": [{"key": "purple", "min_score": 1},
                                                              {"key": "red", "min_score": 0}]})
    credit_policy_add(actor=admin_user, values={"scale": [{"key": "green", "min_score": 101},
                                                          {"key": "blue", "min_score": 0}], "vetoes": []},
                      source="test")  # the default vetoes name red and black, which this scale lacks
    rating = credit_rate(actor=leader_wj, entity=entity_wj, period_start=YEAR_START, period_end=today())
    assert CreditPolicy.newest().version == 2 and rating.policy_version == 2 and rating.grade == "blue"


def test_staff_list_export_and_entity_page_in_jurisdiction_only(client, decided_case_wj, leader_wj, inspector_xb):
    entity = decided_case_wj.entity
    client.force_login(leader_wj)
    assert client.post(reverse("credit:compute"), {"period_start": "2026-01-01",
                                                   "period_end": today().isoformat()}).status_code == 302
    rating = CreditRating.objects.get(entity=entity)
    page = client.get(reverse("credit:list"), {"grade": rating.grade})
    assert page.status_code == 200 and entity.name in page.content.decode()
    assert entity.name not in client.get(reverse("credit:list"), {"grade": "black" if rating.grade != "black"
                                                                  else "green"}).content.decode()
    export = client.get(reverse("credit:list"), {"grade": rating.grade, "export": "csv"})
    assert export.status_code == 200 and entity.uscc in export.content.decode("utf-8-sig")
    detail = client.get(reverse("credit:entity", args=[entity.pk])).content.decode()
    assert decided_case_wj.decision_number in detail and 'data-testid="no-data"' in detail
    client.force_login(inspector_xb)
    assert client.get(reverse("credit:entity", args=[entity.pk])).status_code == 404
    assert entity.name not in client.get(reverse("credit:list")).content.decode()


def test_the_firm_sees_its_own_grade_with_the_explanation_and_not_anothers(client, entity_wj, entity_xb, leader_wj,
                                                                          enterprise_user):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=entity_wj)
    credit_rate(actor=leader_wj, entity=entity_wj, period_start=YEAR_START, period_end=today())
    credit_rate(actor=None, entity=entity_xb, period_start=YEAR_START, period_end=today())
    client.force_login(enterprise_user)
    html = client.get(reverse("compliance:credit")).content.decode()
    assert entity_wj.name in html and entity_xb.name not in html
    assert 'data-testid="firm-grade"' in html and 'data-testid="credit-explanation"' in html
    assert client.get(reverse("credit:list")).status_code in (403, 404)


def test_a_rating_changes_the_draw_weight_and_the_firm_reads_why(client, entity_wj, leader_wj, enterprise_user):
    """The incentive applied: the newest rating's grade is the multiplier of the facility's weight in risk-proportional
    draws, and the firm's credit page says so with the same figures the bureau's pages use."""
    from ecoenforce.registry.models import RegulatedEntity
    from ecoenforce.registry.risk_services import CREDIT_DRAW_MULTIPLIERS, draw_weights

    EnterpriseAccount.objects.create(user=enterprise_user, entity=entity_wj)
    entity_wj.credit_grade = "red"
    entity_wj.save(update_fields=["credit_grade"])
    one = RegulatedEntity.objects.filter(pk=entity_wj.pk)
    before = draw_weights(entities=one, as_of=today())[entity_wj.pk]
    assert before.multiplier == CREDIT_DRAW_MULTIPLIERS["red"]
    client.force_login(enterprise_user)
    html = client.get(reverse("compliance:credit")).content.decode()
    assert 'data-testid="firm-draw-effect"' in html and "被抽中的次数更多" in html

    rating = credit_rate(actor=leader_wj, entity=entity_wj, period_start=YEAR_START, period_end=today())
    assert rating.grade != "red"
    after = draw_weights(entities=one, as_of=today())[entity_wj.pk]
    assert after.multiplier == CREDIT_DRAW_MULTIPLIERS[rating.grade] and after.weight < before.weight
    html = client.get(reverse("compliance:credit")).content.decode()
    assert f"× {after.multiplier}" in html and "被抽中的次数更多" not in html
