"""The criminal link in the database: facts checked on the case, the close guard, a transfer's steps and timers,
the work queue, the transfer letter and the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ecoenforce.cases.services import case_transition
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.core.queue import queue_for_user
from ecoenforce.transfers import services
from ecoenforce.transfers.labels import REQUIRED_DOCUMENTS
from ecoenforce.transfers.models import CaseFacts, Transfer
from ecoenforce.transfers.workflow import Status

FRIDAY = dt.date(2026, 11, 6)
OVER = {"hazardous_waste_tonnes": "3", "measurements": [{"pollutant": "Cd", "measured": "0.35", "limit": "0.1"}]}
UNDER = {"hazardous_waste_tonnes": "2.9"}


@pytest.fixture
def on_friday(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: FRIDAY)
    return FRIDAY


@pytest.fixture
def reviewed(case_wj, advance):
    return advance(case_wj, to=Stage.REVIEW)


def test_facts_meeting_a_threshold_start_the_3_days_and_are_audited(reviewed, inspector_wj, on_friday):
    facts = services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values=OVER)
    assert [h["code"] for h in facts.hits] == ["hazardous_waste_3t", "heavy_metal_3x"]
    assert facts.tier == 1
    assert facts.threshold_met_on == FRIDAY and facts.decide_due == dt.date(2026, 11, 9)  # 3 calendar days
    again = services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values=OVER | {"loss_yuan": "1"})
    assert again.threshold_met_on == FRIDAY  # the clock does not restart on a correction
    cleared = services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values=UNDER)
    assert cleared.tier == 0 and cleared.threshold_met_on is None and cleared.decide_due is None
    assert AuditEvent.objects.filter(action="case_facts.record").count() == 3


def test_unreadable_facts_are_refused_by_field(reviewed, inspector_wj):
    with pytest.raises(ValidationFailed) as exc:
        services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values={"loss_yuan": "很多"})
    assert "loss_yuan" in exc.value.details
    assert not CaseFacts.objects.exists()


def test_other_officers_cannot_record_facts(reviewed, inspector_xb):
    from ecoenforce.core.errors import NotFound

    with pytest.raises(NotFound):
        services.case_facts_record(case_id=reviewed.pk, actor=inspector_xb, values=OVER)


@pytest.mark.parametrize("action", ["close_without_penalty"])
def test_a_case_meeting_a_threshold_cannot_close_without_a_transfer_decision(reviewed, inspector_wj, leader_wj,
                                                                             action):
    services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values=OVER)
    with pytest.raises(InvalidTransition) as exc:
        case_transition(case_id=reviewed.pk, actor=leader_wj, action=action, reason="情节轻微")
    assert exc.value.code == "transfer_decision_required"
    assert "法释〔2023〕7号第一条第（二）项" in str(exc.value.message)
    transfer = services.transfer_propose(case_id=reviewed.pk, actor=inspector_wj, kind="criminal",
                                         report="危险废物3吨，镉超标3.5倍，建议移送。")
    with pytest.raises(InvalidTransition):  # a report is not a decision
        case_transition(case_id=reviewed.pk, actor=leader_wj, action=action, reason="情节轻微")
    with pytest.raises(PermissionDenied):  # the inspector cannot decide for the leader
        services.transfer_step(transfer_id=transfer.pk, actor=inspector_wj, action="decide_not_to_transfer",
                               reason="x")
    services.transfer_step(transfer_id=transfer.pk, actor=leader_wj, action="decide_not_to_transfer",
                           reason="经复核，危险废物实际为一般固废，不构成犯罪。")
    case = case_transition(case_id=reviewed.pk, actor=leader_wj, action=action, reason="情节轻微")
    assert case.stage == Stage.CLOSED


def test_below_the_thresholds_the_case_closes_as_before(reviewed, inspector_wj, leader_wj):
    services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values=UNDER)
    assert case_transition(case_id=reviewed.pk, actor=leader_wj, action="close_without_penalty",
                           reason="情节轻微").stage == Stage.CLOSED


def test_the_decision_is_guarded_too(case_wj, advance, inspector_wj, leader_wj):
    from factories import DECISION_MATTER, DECISION_TEXT

    case = advance(case_wj, to=Stage.NOTICE)
    services.case_facts_record(case_id=case.pk, actor=inspector_wj, values=OVER)
    with pytest.raises(InvalidTransition) as exc:
        case_transition(case_id=case.pk, actor=leader_wj, action="decide", matter_code=DECISION_MATTER,
                        decision_text=DECISION_TEXT, effective_date=dt.date(2026, 11, 20))
    assert exc.value.code == "transfer_decision_required"


def test_a_transfer_walks_its_timers(reviewed, inspector_wj, leader_wj, on_friday):
    services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values=OVER)
    t = services.transfer_propose(case_id=reviewed.pk, actor=inspector_wj, kind="criminal", report="建议移送。")
    assert t.decide_due == dt.date(2026, 11, 9) and t.step_due == t.decide_due
    with pytest.raises(InvalidTransition):
        services.transfer_propose(case_id=reviewed.pk, actor=inspector_wj, kind="criminal", report="again")
    t = services.transfer_step(transfer_id=t.pk, actor=leader_wj, action="approve_transfer", reason="同意移送。")
    assert t.status == Status.TO_SEND and "环移〔2026〕" in t.number
    assert t.send_due - t.decided_at == dt.timedelta(hours=24)
    assert t.share_due == dt.date(2026, 11, 13)  # 7 calendar days
    with pytest.raises(ValidationFailed) as exc:
        services.transfer_step(transfer_id=t.pk, actor=inspector_wj, action="send", police_unit="常州市公安局武进分局",
                               documents=["transfer_letter"])
    assert "documents" in exc.value.details
    t = services.transfer_step(transfer_id=t.pk, actor=inspector_wj, action="send", police_unit="常州市公安局武进分局",
                               documents=list(REQUIRED_DOCUMENTS))
    assert t.status == Status.SENT and t.reply_due == dt.date(2026, 11, 9)
    t = services.transfer_step(transfer_id=t.pk, actor=inspector_wj, action="police_refuse", reason="证据不足")
    assert t.reconsideration_due == dt.date(2026, 11, 11)  # 3 working days: Mon, Tue, Wed
    t = services.transfer_step(transfer_id=t.pk, actor=inspector_wj, action="request_reconsideration",
                               reason="监测报告证明镉超标3.5倍。")
    assert t.status == Status.RECONSIDERATION and t.reply_due == dt.date(2026, 11, 11)
    t = services.transfer_step(transfer_id=t.pk, actor=inspector_wj, action="police_accept",
                               police_case_number="武公刑立字〔2026〕88号")
    assert t.status == Status.ACCEPTED and t.step_due is None
    t = services.transfer_share(transfer_id=t.pk, actor=inspector_wj)
    assert t.shared_on == FRIDAY
    actions = list(AuditEvent.objects.filter(object_type="transfers.transfer").values_list("action", flat=True))
    assert actions == ["transfer.propose", "transfer.approve_transfer", "transfer.send", "transfer.police_refuse",
                       "transfer.request_reconsideration", "transfer.police_accept", "transfer.share"]


def test_a_late_reconsideration_is_refused(reviewed, inspector_wj, leader_wj, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: FRIDAY)
    t = services.transfer_propose(case_id=reviewed.pk, actor=inspector_wj, kind="detention", report="拒不停止排污。")
    services.transfer_step(transfer_id=t.pk, actor=leader_wj, action="approve_transfer", reason="同意")
    services.transfer_step(transfer_id=t.pk, actor=inspector_wj, action="send", police_unit="分局",
                           documents=list(REQUIRED_DOCUMENTS))
    services.transfer_step(transfer_id=t.pk, actor=inspector_wj, action="police_refuse", reason="不予受理")
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 11, 12))
    with pytest.raises(InvalidTransition) as exc:
        services.transfer_step(transfer_id=t.pk, actor=inspector_wj, action="request_reconsideration", reason="x")
    assert exc.value.code == "reconsideration_late"


def test_the_queue_holds_the_threshold_then_the_transfer_steps(reviewed, inspector_wj, leader_wj):
    services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values=OVER)

    def keys(user):
        return {s.source.key: s.count for s in queue_for_user(user)}
    assert keys(leader_wj)["transfers.threshold"] == 1 and keys(inspector_wj)["transfers.threshold"] == 1
    t = services.transfer_propose(case_id=reviewed.pk, actor=inspector_wj, kind="criminal", report="建议移送。")
    assert keys(leader_wj)["transfers.threshold"] == 0 and keys(leader_wj)["transfers.waiting"] == 1
    assert keys(inspector_wj)["transfers.waiting"] == 0
    services.transfer_step(transfer_id=t.pk, actor=leader_wj, action="approve_transfer", reason="同意")
    assert keys(inspector_wj)["transfers.waiting"] == 1 and keys(inspector_wj)["transfers.share"] == 1
    assert keys(leader_wj)["transfers.waiting"] == 0


def test_the_transfer_letter_prints_in_chinese(reviewed, inspector_wj, leader_wj):
    import pypdfium2

    services.case_facts_record(case_id=reviewed.pk, actor=inspector_wj, values=OVER)
    t = services.transfer_propose(case_id=reviewed.pk, actor=inspector_wj, kind="criminal", report="建议移送。")
    services.transfer_step(transfer_id=t.pk, actor=leader_wj, action="approve_transfer", reason="同意")
    client = Client()
    client.force_login(inspector_wj)
    response = client.get(reverse("transfers:letter_pdf", args=[t.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.content)
    text = pdf[0].get_textpage().get_text_range()
    assert "涉嫌环境犯罪案件移送书" in text
    assert Transfer.objects.get().number in text
    assert "法释〔2023〕7号第一条第（二）项" in text
    # The title's glyphs are drawn (not blank boxes of a missing font): ink in the top band of the page.
    bitmap = pdf[0].render(scale=1).to_pil().convert("L")
    top = bitmap.crop((0, 60, bitmap.width, 160))
    assert top.getextrema()[0] < 100


def test_the_case_page_shows_the_thresholds_and_the_facts_form_saves(reviewed, inspector_wj):
    client = Client()
    client.force_login(inspector_wj)
    url = reverse("transfers:case_facts", args=[reviewed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"hazardous_waste_tonnes": "5", "key_unit": "on", "monitoring_tampered": "on",
                                 "m0_pollutant": "Pb", "m0_measured": "3", "m0_limit": "1"})
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[reviewed.pk])).content.decode()
    assert 'data-testid="threshold-met"' in page
    assert CaseFacts.objects.get().tier == 1
    bad = client.post(url, {"loss_yuan": "abc"})
    assert bad.status_code == 200 and 'data-testid="facts-error"' in bad.content.decode()
    listing = client.get(reverse("transfers:list") + "?status=all")
    assert listing.status_code == 200
