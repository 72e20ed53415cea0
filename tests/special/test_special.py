"""Special cases (专案) with a pooled team from several units; supervised cases (挂牌督办) with a deadline, progress
reported upward at an interval, overdue reports and deadlines flagged on the queues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from ecoenforce.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.core.queue import queue_for_user
from ecoenforce.special import services
from ecoenforce.special.models import Supervision

TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)
    return TODAY


def counts(user):
    return {s.source.key: (s.count, s.overdue) for s in queue_for_user(user, today=TODAY)}


def test_a_higher_bureau_supervises_and_the_handlers_report_upward(case_wj, city_leader, leader_wj, inspector_wj,
                                                                     today):
    with pytest.raises(PermissionDenied):  # the county's own leader is not above the county
        services.supervision_open(case_id=case_wj.pk, actor=leader_wj, requirements="x",
                                  deadline=TODAY + dt.timedelta(days=30), report_every_days=10)
    with pytest.raises(ValidationFailed) as exc:
        services.supervision_open(case_id=case_wj.pk, actor=city_leader, requirements="限期查处",
                                  deadline=TODAY + dt.timedelta(days=400), report_every_days=0)
    assert set(exc.value.details) == {"deadline", "report_every_days"}
    s = services.supervision_open(case_id=case_wj.pk, actor=city_leader, requirements="限期查处，每半月报告进展。",
                                  deadline=TODAY + dt.timedelta(days=60), report_every_days=15)
    assert s.next_report_due == dt.date(2026, 11, 17)
    with pytest.raises(InvalidTransition):
        services.supervision_open(case_id=case_wj.pk, actor=city_leader, requirements="again",
                                  deadline=TODAY + dt.timedelta(days=60), report_every_days=15)
    assert counts(inspector_wj)["special.reports"] == (1, 0)
    assert counts(city_leader)["special.supervised"] == (1, 0)
    report = services.supervision_report(supervision_id=s.pk, actor=inspector_wj, text="已完成现场检查和采样。")
    assert not report.late
    s.refresh_from_db()
    assert s.next_report_due == dt.date(2026, 11, 17)  # 15 days from the report
    with pytest.raises(PermissionDenied):
        services.supervision_lift(supervision_id=s.pk, actor=leader_wj, reason="x")
    services.supervision_lift(supervision_id=s.pk, actor=city_leader, reason="已作出处罚决定，督办事项办结。")
    s.refresh_from_db()
    assert s.status == Supervision.Status.LIFTED and s.next_report_due is None
    assert counts(inspector_wj)["special.reports"] == (0, 0)
    assert list(AuditEvent.objects.filter(object_type="special.supervision").values_list("action", flat=True)) == [
        "supervision.open", "supervision.report", "supervision.lift"]


def test_late_reports_and_passed_deadlines_are_flagged(case_wj, city_leader, inspector_wj, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: TODAY)
    s = services.supervision_open(case_id=case_wj.pk, actor=city_leader, requirements="限期查处",
                                  deadline=TODAY + dt.timedelta(days=20), report_every_days=10)
    later = TODAY + dt.timedelta(days=25)
    assert {s.source.key: s.overdue for s in queue_for_user(inspector_wj, today=later)}["special.reports"] == 1
    assert {s.source.key: s.overdue for s in queue_for_user(city_leader, today=later)}["special.supervised"] == 1
    monkeypatch.setattr(services, "_today", lambda: later)
    assert services.supervision_report(supervision_id=s.pk, actor=inspector_wj, text="进展。").late


def test_a_special_case_pools_a_team_from_several_units(case_wj, case_xb, city_leader, inspector_wj, inspector_xb,
                                                        leader_wj, uncertified_wj):
    with pytest.raises(PermissionDenied):
        services.special_case_create(actor=inspector_wj, name="x", case_ids=[case_wj.pk], team_ids=[], head_id="")
    with pytest.raises(ValidationFailed) as exc:
        services.special_case_create(actor=city_leader, name="专案", case_ids=[case_wj.pk],
                                     team_ids=[inspector_wj.pk, uncertified_wj.pk], head_id=inspector_wj.pk)
    assert "team" in exc.value.details
    special = services.special_case_create(actor=city_leader, name="跨区域危险废物倾倒专案", brief="两区联合查办",
                                           case_ids=[case_wj.pk, case_xb.pk],
                                           team_ids=[inspector_wj.pk, inspector_xb.pk], head_id=inspector_xb.pk)
    assert {u.organization_id for u in special.team.all()} == {inspector_wj.organization_id,
                                                                inspector_xb.organization_id}
    with pytest.raises(ValidationFailed):  # a county leader cannot pool officers from another county
        services.special_case_create(actor=leader_wj, name="x", case_ids=[case_wj.pk],
                                     team_ids=[inspector_wj.pk, inspector_xb.pk], head_id=inspector_wj.pk)
    client = Client()
    client.force_login(inspector_wj)
    page = client.get(reverse("special:detail", args=[special.pk])).content.decode()
    assert "跨区域危险废物倾倒专案" in page and inspector_xb.display_name in page
    assert "跨区域危险废物倾倒专案" in client.get(reverse("cases:detail", args=[case_wj.pk])).content.decode()
    assert client.get(reverse("special:list")).status_code == 200


def test_the_case_page_forms(case_wj, city_leader, inspector_wj):
    client = Client()
    client.force_login(city_leader)
    assert 'data-testid="supervision-open"' in client.get(reverse("cases:detail", args=[case_wj.pk])).content.decode()
    deadline = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    client.post(reverse("special:supervision", args=[case_wj.pk]), {
        "action": "open", "requirements": "限期查处", "deadline": deadline, "report_every_days": "10"})
    assert Supervision.objects.filter(case=case_wj, status="open").exists()
    client.force_login(inspector_wj)
    assert 'data-testid="supervision-report"' in client.get(reverse("cases:detail", args=[case_wj.pk])).content.decode()
