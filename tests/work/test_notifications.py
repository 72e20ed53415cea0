"""Notifications: created by services when their transaction commits (never by a page load), the bell and its list,
each person's choice per kind, e-mail through Django's mail settings, and the idempotent deadline sweep."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ecoenforce.cases.services import case_transition
from ecoenforce.cases.workflow import Stage
from ecoenforce.core.services import api_token_create
from ecoenforce.leads.services import lead_assign
from ecoenforce.notifications.models import Kind, Notification, Preference
from ecoenforce.notifications.tasks import deadline_sweep
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.registry.models import InspectorProfile, RegulatedEntity
from factories import advance_case, make_case, make_entity
from work.conftest import client_for

pytestmark = pytest.mark.django_db


def texts(user, lang="zh-hans") -> list[str]:
    """'kind message' of each notification on the list, newest first."""
    html = client_for(user, lang).get("/notifications/").content.decode()
    return [f"{kind} {text}" for kind, text in re.findall(
        r'<span class="badge [^"]*">([^<]+)</span><span class="[^"]*" data-testid="notification-text">([^<]+)</span>',
        html)]


def bell(user) -> int:
    html = client_for(user).get("/work/").content.decode()
    found = re.search(r'data-testid="bell-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_an_assignment_notifies_on_commit_and_the_bell_counts_it(lead_wj, leader_wj, inspector_wj,
                                                                 django_capture_on_commit_callbacks):
    due = timezone.localdate() + dt.timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=inspector_wj.pk, due_on=due)
    assert Notification.objects.count() == 0 and len(pending) == 1  # nothing before the commit
    pending[0]()
    assert bell(inspector_wj) == 1 and bell(leader_wj) == 0
    assert texts(inspector_wj) == [f"交办任务 陈建华交您核查线索{lead_wj.number}，期限{due.isoformat()}：群众反映厂区异味"]
    assert texts(inspector_wj, "en") == [
        f"Work given to me 陈建华 gave you lead {lead_wj.number} to verify by {due.isoformat()}: 群众反映厂区异味"]
    note = Notification.objects.get()
    other = client_for(leader_wj).post(f"/notifications/{note.pk}/open/")
    assert other.status_code == 404  # someone else's notification does not exist for you
    opened = client_for(inspector_wj).post(f"/notifications/{note.pk}/open/")
    assert opened.status_code == 302 and opened["Location"] == f"/leads/{lead_wj.pk}/"
    assert bell(inspector_wj) == 0


def test_page_loads_never_create_notifications(bureau, inspector_wj, leader_wj):
    for user in (inspector_wj, leader_wj):
        client = client_for(user)
        for url in ("/work/", "/notifications/", "/notifications/settings/", f"/leads/{bureau['soon'].pk}/"):
            assert client.get(url).status_code == 200
    assert Notification.objects.count() == 0


def test_case_steps_notify_the_next_people_and_returns_tell_the_handlers_why(
        entity_wj, inspector_wj, inspector2_wj, leader_wj, legal_wj, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    people = {"inspector": inspector_wj, "leader": leader_wj, "legal": legal_wj}
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj], filed_on=today)
        case = advance_case(case, to=Stage.LEGAL_REVIEW, on=today, **people)
        case_transition(case_id=case.pk, actor=legal_wj, action="legal_review_return", reason="缺少监测报告原件。")
    assert texts(inspector2_wj, "en") == [
        f"Work returned to me 林海燕 returned case {case.number} ({entity_wj.name}) to Investigation: 缺少监测报告原件。",
        f"Work given to me Case {case.number} ({entity_wj.name}) now waits for your step: Filed",  # filing approved
        f"Work given to me 周明 named you handler of case {case.number}: {case.title}",
    ]
    assert texts(legal_wj) == [f"交办任务 案件{case.number}（{entity_wj.name}）等待您办理：法制审核"]
    # 周明 took the steps of the filed case himself: he hears of the approved filing, then of the review (from
    # 陈建华's queue) only by the return; 陈建华 hears of the proposal to approve and of the case at review.
    assert sorted(n.kind for n in Notification.objects.filter(recipient=inspector_wj)) == [Kind.ASSIGNMENT, Kind.RETURN]
    assert [n.kind for n in Notification.objects.filter(recipient=leader_wj)] == [Kind.ASSIGNMENT, Kind.ASSIGNMENT]


def test_steps_entered_for_an_earlier_day_notify_nobody(case_wj, advance, inspector_wj, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        advance(case_wj, to=Stage.LEGAL_REVIEW)  # on FILED_ON, weeks ago: entering the paper file
    assert Notification.objects.count() == 0


def test_a_draw_tells_each_officer_how_many_targets(region_wj, admin_user, leader_wj, inspector_wj, inspector2_wj,
                                                    django_capture_on_commit_callbacks):
    InspectorProfile.objects.create(user=leader_wj, home_region=region_wj, in_pool=False)
    entities = [make_entity(region=region_wj, actor=admin_user) for _ in range(3)]
    RegulatedEntity.objects.filter(pk__in=[e.pk for e in entities]).update(risk_class="special")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        round_ = round_commit(actor=leader_wj, title="冬季专项", period_start=today, period_end=today + dt.timedelta(days=20),
                              ratios={"key": Decimal("0"), "general": Decimal("0"), "special": Decimal("1")})
        round_draw(actor=leader_wj, round_id=round_.pk)
    due = round_.tasks.order_by("due_on").first().due_on.isoformat()
    for officer in (inspector_wj, inspector2_wj):
        assert texts(officer, "en") == [f"Work given to me Drawn for you in “冬季专项”: 3 inspection task(s), due by {due}"]
    assert not Notification.objects.filter(recipient=leader_wj).exists()


def test_each_person_chooses_per_kind_and_email_goes_through_django_mail(lead_wj, leader_wj, inspector_wj, settings,
                                                                        django_capture_on_commit_callbacks):
    settings.NOTIFY_BY_EMAIL = True
    client = client_for(inspector_wj)
    form = {f"in_app_{k}": "on" for k in Kind.values} | {"email_assignment": "on", "email": ""}
    refused = client.post("/notifications/settings/", form)
    body = refused.content.decode()
    assert refused.status_code == 422 and "请填写接收邮件的地址，或取消勾选邮件提醒。" in body
    assert 'name="email_assignment" aria-label="交办任务: 邮件" checked' in body  # what was ticked is kept
    form |= {"email": "zhou.ming@example.gov.cn"}
    form.pop("in_app_assignment")
    assert client.post("/notifications/settings/", form).status_code == 302
    assert Preference.objects.get(user=inspector_wj, kind=Kind.ASSIGNMENT).in_app is False
    with django_capture_on_commit_callbacks(execute=True):
        lead_assign(lead_id=lead_wj.pk, actor=leader_wj, assignee_id=inspector_wj.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhou.ming@example.gov.cn"]
    assert f"陈建华交您核查线索{lead_wj.number}：群众反映厂区异味" in mail.outbox[0].subject
    assert f"http://127.0.0.1:8000/leads/{lead_wj.pk}/" in mail.outbox[0].body
    note = Notification.objects.get()
    assert note.read_at is not None and note.emailed_at is not None and bell(inspector_wj) == 0  # e-mail only


def test_the_deadline_sweep_is_idempotent_and_exact(bureau, inspector_wj, inspector2_wj):
    assert deadline_sweep() == {"people": 8, "near": 1, "passed": 3, "created": 4}
    assert deadline_sweep() == {"people": 8, "near": 1, "passed": 3, "created": 0}
    assert sorted(Notification.objects.filter(recipient=inspector_wj).values_list("kind", flat=True)) == [
        Kind.DEADLINE_NEAR, Kind.DEADLINE_PASSED, Kind.DEADLINE_PASSED]
    late, soon = bureau["late"], bureau["soon"]
    late.refresh_from_db()
    soon.refresh_from_db()
    english = texts(inspector_wj, "en")
    assert (f"Deadlines passed {late.number} {late.title} (Leads given to me to verify) was due on "
            f"{late.assignment_due.isoformat()} and is overdue.") in english
    assert (f"Deadlines approaching (3 working days) {soon.number} {soon.title} (Leads given to me to verify) is due "
            f"on {soon.assignment_due.isoformat()}.") in english
    assert Notification.objects.filter(recipient=inspector2_wj).count() == 1
    # A day later the near lead is overdue: one more notification, of the other kind.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert deadline_sweep(today=tomorrow)["created"] == 1


def test_the_sweep_command_and_the_api(bureau, inspector_wj, client, capsys):
    call_command("notifications", "sweep")
    assert capsys.readouterr().out.strip() == "checked 8 people: 1 deadlines near, 3 passed; 4 new notifications"
    headers = {"Authorization": f"Bearer {api_token_create(user=inspector_wj, name='手机')[1]}"}
    body = client.get("/api/v1/notifications/?unread=true", headers=headers).json()
    assert (body["unread"], body["count"], len(body["items"])) == (3, 3, 3)
    first = body["items"][0]
    read = client.post(f"/api/v1/notifications/{first['id']}/read", headers=headers).json()
    assert read["read_at"] is not None
    assert client.get("/api/v1/notifications/", headers=headers).json()["unread"] == 2


def test_mark_all_read_and_export(bureau, inspector_wj):
    deadline_sweep()
    client = client_for(inspector_wj)
    rows = client.get("/notifications/?export=csv").content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 4 and rows[0] == "时间,类型,内容,已读"
    assert client.post("/notifications/read-all/").status_code == 302
    assert bell(inspector_wj) == 0
    assert len(client.get("/notifications/?unread=1").content.decode().split('data-testid="notification"')) == 1
