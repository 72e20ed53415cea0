"""Publication and typical cases: a closed case curated into the redacted library, shown on the public page masked;
similar cases (with their fines) beside the decide form; a revoked decision withdrawn from the portal with its
reason and the 3-working-day deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ecoenforce.casebook.models import DecisionWithdrawal, TypicalCase
from ecoenforce.casebook.services import decision_withdraw, typical_case_create
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.errors import InvalidTransition, PermissionDenied
from ecoenforce.core.models import AuditEvent
from factories import DECISION_MATTER, make_case

FACTS = "经查，常州市某某化工有限公司（法定代表人：张三丰，电话13912345678）废气排放超标0.8倍。"


@pytest.fixture
def closed_case(case_wj, advance):
    return advance(case_wj, to=Stage.CLOSED)


def test_a_closed_case_becomes_a_redacted_typical_case(closed_case, leader_wj, inspector_wj):
    entity = closed_case.entity
    with pytest.raises(PermissionDenied):
        typical_case_create(case_id=closed_case.pk, actor=inspector_wj, title="x", facts_summary="y")
    typical = typical_case_create(case_id=closed_case.pk, actor=leader_wj, title=f"{entity.name}超标排放案",
                                  facts_summary=FACTS.replace("常州市某某化工有限公司", entity.name) + "张三丰到场。",
                                  tags="超标排放，从重处罚")
    assert entity.name not in typical.title and typical.title.startswith("某企业")
    assert entity.name not in typical.facts_summary and "13912345678" not in typical.facts_summary
    assert typical.matter_code == DECISION_MATTER and typical.fine_amount == closed_case.fine_amount
    assert typical.tags == ["从重处罚", "超标排放"]
    assert AuditEvent.objects.filter(action="typical_case.create").count() == 1
    with pytest.raises(InvalidTransition):
        typical_case_create(case_id=closed_case.pk, actor=leader_wj, title="again", facts_summary="again")
    # The public page: masked, no sign-in.
    page = Client().get(reverse("disclosure:typical_cases")).content.decode()
    assert typical.title in page and entity.name not in page
    detail = Client().get(reverse("disclosure:typical_detail", args=[typical.pk])).content.decode()
    assert "139****5678" in detail and "13912345678" not in detail and entity.name not in detail
    assert entity.legal_representative not in detail if entity.legal_representative else True
    tagged = Client().get(reverse("disclosure:typical_cases") + "?tag=超标排放").content.decode()
    assert typical.title in tagged
    assert typical.title not in Client().get(reverse("disclosure:typical_cases") + "?tag=危险废物").content.decode()


def test_an_open_case_cannot_be_curated(case_wj, leader_wj):
    with pytest.raises(InvalidTransition):
        typical_case_create(case_id=case_wj.pk, actor=leader_wj, title="x", facts_summary="y")


def test_the_decide_form_shows_similar_cases_with_their_fines(closed_case, leader_wj, inspector_wj, inspector2_wj,
                                                                entity_wj, advance):
    typical_case_create(case_id=closed_case.pk, actor=leader_wj, title="超标排放典型案例", facts_summary="超标。")
    new = advance(make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj]),
                  to=Stage.NOTICE)
    client = Client()
    client.force_login(leader_wj)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("cases:detail", args=[new.pk])).content.decode()
    assert not [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE",
                                                                                              "DELETE"))]
    panel = html[html.index('data-testid="similar-cases"'):]
    assert "超标排放典型案例" in panel
    assert panel.count('data-testid="similar-case"') == 1  # the typical case; its source case is not listed twice
    assert "200,000" in panel or "200000" in panel
    # Choosing the matter on the form (compute the fine) keeps the list, now "same matter".
    response = client.post(reverse("cases:detail", args=[new.pk]), {
        "action": "decide", "preview": "1", "matter": DECISION_MATTER, "expected_stage": "notice"})
    assert "超标排放典型案例" in response.content.decode()


def test_a_revoked_decision_is_withdrawn_with_its_reason(closed_case, leader_wj, inspector_wj):
    typical_case_create(case_id=closed_case.pk, actor=leader_wj, title="典型", facts_summary="超标。")
    public = reverse("disclosure:decision_detail", args=[closed_case.pk])
    assert Client().get(public).status_code == 200
    with pytest.raises(PermissionDenied):
        decision_withdraw(case_id=closed_case.pk, actor=inspector_wj, revoked_on=dt.date(2026, 11, 27), reason="x")
    w = decision_withdraw(case_id=closed_case.pk, actor=leader_wj, revoked_on=dt.date(2026, 11, 27),
                          reason="常州市人民政府行政复议决定书（常政复决〔2026〕15号）撤销原处罚决定。")
    assert w.due == dt.date(2026, 12, 2)  # Friday + 3 working days: Mon, Tue, Wed
    assert Client().get(public).status_code == 404
    assert not TypicalCase.objects.exists()
    assert {"decision.withdraw", "case.publication_withdraw"} <= set(
        AuditEvent.objects.values_list("action", flat=True))
    with pytest.raises(InvalidTransition):
        decision_withdraw(case_id=closed_case.pk, actor=leader_wj, revoked_on=dt.date(2026, 11, 27), reason="again")
    assert DecisionWithdrawal.objects.count() == 1
    client = Client()
    client.force_login(leader_wj)
    assert 'data-testid="withdrawn"' in client.get(reverse("cases:detail", args=[closed_case.pk])).content.decode()
