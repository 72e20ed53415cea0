"""The public portal: only published decisions, personal data masked; staff-only data never shown."""

from __future__ import annotations

import pytest

from ecoenforce.cases.workflow import Stage
from ecoenforce.core.errors import NotFound
from ecoenforce.disclosure.selectors import public_decision_get, public_decision_list


def test_decided_case_is_public_with_the_representative_and_phone_masked(decided_case_wj):
    d = public_decision_get(decision_id=decided_case_wj.pk)
    assert d.decision_number == "武环罚〔2026〕1号"
    assert d.decision_text == "经查，你单位（法定代表人：张**，电话139****5678）超标排放大气污染物，决定罚款人民币200000元。"
    assert "张三丰" not in d.decision_text
    assert "13912345678" not in d.decision_text
    assert (d.entity_name, d.uscc, d.region_name) == ("常州恒泰化工有限公司", decided_case_wj.entity.uscc, "武进区")
    assert str(d.fine_amount) == "200000.00"
    assert d.legal_basis == "《中华人民共和国大气污染防治法》第九十九条"


def test_list_holds_only_published_decisions(decided_case_wj, case_xb):
    assert [d.id for d in public_decision_list()] == [decided_case_wj.pk]
    assert [d.id for d in public_decision_list(q="恒泰")] == [decided_case_wj.pk]
    assert [d.id for d in public_decision_list(q="武环罚〔2026〕1号")] == [decided_case_wj.pk]
    assert [d.id for d in public_decision_list(region="320411")] == []
    assert [d.id for d in public_decision_list(q="不存在")] == []


@pytest.mark.parametrize("stage", [Stage.FILED, Stage.NOTICE])
def test_undecided_case_is_not_found(case_wj, advance, stage):
    case = advance(case_wj, to=stage)
    with pytest.raises(NotFound):
        public_decision_get(decision_id=case.pk)
    assert public_decision_list() == []


def test_closed_without_penalty_is_not_published(case_wj, advance, leader_wj):
    from ecoenforce.cases.services import case_transition
    case = advance(case_wj, to=Stage.REVIEW)
    case_transition(case_id=case.pk, actor=leader_wj, action="close_without_penalty", reason="不予处罚")
    with pytest.raises(NotFound):
        public_decision_get(decision_id=case.pk)


def test_public_pages_render_masked_text(client, decided_case_wj):
    page = client.get(f"/public/decisions/{decided_case_wj.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "张**" in body and "139****5678" in body
    assert "张三丰" not in body and "13912345678" not in body
    home = client.get("/public/", {"q": "恒泰"})
    assert home.status_code == 200
    assert home.content.decode().count(f"/public/decisions/{decided_case_wj.pk}/") == 1
