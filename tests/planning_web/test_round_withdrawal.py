"""Undo before publication, honestly: a committed or drawn round can be withdrawn (with a public reason, its seed
revealed, its tasks cancelled) and drawn again only as a new round with a new commitment; a published round is
corrected only by a dated public correction notice — never a silent redraw or edit."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.core.errors import InvalidTransition, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.notifications.models import Notification
from ecoenforce.planning.models import DrawRound, InspectionTask
from ecoenforce.planning.roundfile import verify_round_file
from ecoenforce.planning.rounds import (
    round_commit,
    round_correction_publish,
    round_draw,
    round_publish,
    round_withdraw,
)
from ecoenforce.planning.tasks import task_record_result, tasks_for_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
RATIOS = {"special": Decimal("1"), "key": Decimal("0.25"), "general": Decimal("0.5")}
REASON = "误将已关闭企业纳入名录，抽取比例填写错误"
CHECKED = "核查废水排放口和危废贮存场所，未见异常。"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    return client


def _commit(leader, **kw) -> DrawRound:
    return round_commit(actor=leader, title="2026年第四季度双随机抽查", period_start=TODAY,
                        period_end=TODAY + dt.timedelta(days=60), ratios=RATIOS, **kw)


def test_a_drawn_round_is_withdrawn_in_public_and_redrawn_only_with_a_new_commitment(
        leader_wj, inspector_wj, wj_pool, django_capture_on_commit_callbacks):
    first = round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk)
    assert tasks_for_user(user=inspector_wj).filter(round=first).exists()
    leader = _client(leader_wj)

    # Without ticking the box, or without a reason, nothing happens.
    page = leader.post(f"/planning/rounds/{first.pk}/", {"action": "withdraw", "reason": REASON})
    assert "勾选" in page.content.decode() and DrawRound.objects.get(pk=first.pk).status == DrawRound.Status.DRAWN
    page = leader.post(f"/planning/rounds/{first.pk}/", {"action": "withdraw", "reason": " ", "confirm": "yes"})
    assert "请说明撤回理由" in page.content.decode()
    assert DrawRound.objects.get(pk=first.pk).status == DrawRound.Status.DRAWN

    with django_capture_on_commit_callbacks(execute=True):
        page = leader.post(f"/planning/rounds/{first.pk}/", {"action": "withdraw", "reason": REASON, "confirm": "yes"})
    assert page.status_code == 302 and page["Location"] == f"/planning/rounds/?replaces={first.pk}"
    first.refresh_from_db()
    assert first.status == DrawRound.Status.WITHDRAWN and first.withdrawal_reason == REASON
    assert not InspectionTask.objects.filter(round=first).exists()
    assert not tasks_for_user(user=inspector_wj).filter(round=first).exists()
    assert Notification.objects.filter(recipient=inspector_wj, key__startswith=f"round.withdraw:{first.pk}>").exists()
    event = AuditEvent.objects.filter(action="round.withdraw", object_id=str(first.pk)).get()
    assert event.reason == REASON and event.after["seed"] == first.seed_hex
    with pytest.raises(InvalidTransition):  # never drawn again under the same commitment
        round_draw(actor=leader_wj, round_id=first.pk)

    # The public record says so: status, reason, the revealed seed, on the list and on the round's page.
    public = Client()
    listing = public.get("/public/rounds/").content.decode()
    assert "公开前已撤回" in listing
    text = public.get(f"/public/rounds/{first.pk}/").content.decode()
    assert "在公开前撤回" in text and REASON in text and first.seed_hex in text
    # …and the withdrawn draw itself, as a round file that verifies to the selection recorded at the draw.
    assert 'data-testid="round-verify"' in text
    withdrawn_file = json.loads(public.get(f"/public/rounds/{first.pk}/round.json").content)
    assert verify_round_file(withdrawn_file).ok and withdrawn_file["selection_digest"] == first.selection_digest

    # The redraw is a new round with its own seed and commitment, linked both ways on the public pages.
    form = leader.get(f"/planning/rounds/?replaces={first.pk}").content.decode()
    assert 'name="replaces"' in form and "替代已撤回的轮次" in form
    page = leader.post("/planning/rounds/", {"title": "2026年第四季度双随机抽查（重新抽取）", "kind": "routine",
                                             "period_start": TODAY.isoformat(),
                                             "period_end": (TODAY + dt.timedelta(days=60)).isoformat(),
                                             "ratio_special": "100", "ratio_key": "25", "ratio_general": "50",
                                             "positive_list_mode": "tag", "replaces": str(first.pk)})
    assert page.status_code == 302
    second = DrawRound.objects.get(replaces=first)
    assert second.commitment != first.commitment and second.seed_hex != first.seed_hex
    assert AuditEvent.objects.get(action="round.commit", object_id=str(second.pk)).after["replaces"] == first.round_id
    assert f"/public/rounds/{second.pk}/" in public.get(f"/public/rounds/{first.pk}/").content.decode()
    replacing = public.get(f"/public/rounds/{second.pk}/").content.decode()
    assert "本轮替代于" in replacing and REASON in replacing
    with pytest.raises(ValidationFailed):  # a withdrawn round is replaced once
        _commit(leader_wj, replaces=first.pk)


def test_a_round_acted_on_or_published_cannot_be_withdrawn(leader_wj, wj_pool):
    committed = _commit(leader_wj)
    round_ = round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk)
    task = round_.tasks.first()
    task_record_result(actor=task.inspectors.first(), task_id=task.pk, inspected_on=TODAY, violation_found=False,
                           findings=CHECKED)
    with pytest.raises(InvalidTransition):
        round_withdraw(actor=leader_wj, round_id=round_.pk, reason=REASON)
    assert DrawRound.objects.get(pk=round_.pk).status == DrawRound.Status.DRAWN
    page = _client(leader_wj).get(f"/planning/rounds/{round_.pk}/").content.decode()
    assert 'data-testid="withdraw-form"' not in page

    # A committed round (not drawn yet) can be withdrawn too; its seed goes public with the reason.
    round_withdraw(actor=leader_wj, round_id=committed.pk, reason=REASON)
    committed.refresh_from_db()
    assert committed.status == DrawRound.Status.WITHDRAWN and committed.round_file is None  # nothing was drawn
    assert committed.seed_hex in Client().get(f"/public/rounds/{committed.pk}/").content.decode()
    with pytest.raises(InvalidTransition):
        round_withdraw(actor=leader_wj, round_id=committed.pk, reason=REASON)


def test_a_published_round_is_corrected_only_by_a_visible_notice(leader_wj, wj_pool):
    round_ = round_draw(actor=leader_wj, round_id=_commit(leader_wj).pk)
    with pytest.raises(InvalidTransition):  # before publication the result is corrected on its task
        round_correction_publish(actor=leader_wj, round_id=round_.pk, text="结果有误，已更正")
    for task in round_.tasks.all():
        task_record_result(actor=task.inspectors.first(), task_id=task.pk, inspected_on=TODAY, violation_found=False,
                           findings=CHECKED)
    round_ = round_publish(actor=leader_wj, round_id=round_.pk)
    with pytest.raises(InvalidTransition):
        round_withdraw(actor=leader_wj, round_id=round_.pk, reason=REASON)
    published_file = json.dumps(round_.round_file, sort_keys=True)

    leader = _client(leader_wj)
    page = leader.post(f"/planning/rounds/{round_.pk}/", {"action": "correct", "text": ""})
    assert "请填写更正公告" in page.content.decode() and not round_.corrections.exists()
    notice = "第3号对象的检查日期应为2026年11月20日，公示时误录为11月2日。"
    page = leader.post(f"/planning/rounds/{round_.pk}/", {"action": "correct", "text": notice})
    assert page.status_code == 302
    round_.refresh_from_db()
    assert json.dumps(round_.round_file, sort_keys=True) == published_file  # what anyone verifies is untouched
    assert verify_round_file(round_.round_file).ok
    assert AuditEvent.objects.filter(action="round.correct", object_id=str(round_.pk)).count() == 1
    public = Client()
    text = public.get(f"/public/rounds/{round_.pk}/").content.decode()
    assert "更正公告" in text and notice in text
    assert "已更正" in public.get("/public/rounds/").content.decode()
