"""Cross-region rounds (交叉执法, institution 15): the city detachment draws officers from other counties, the home
county's officers are recused with the reason shown, and each result goes back to the home bureau — its queue and
notifications, the entity's history, and a violation's lead (and the case opened from it) owned by the home county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from ecoenforce.core.errors import InvalidTransition, NotFound
from ecoenforce.core.queue import queue_for_user
from ecoenforce.leads.models import Lead
from ecoenforce.leads.selectors import lead_list_for_user
from ecoenforce.leads.services import lead_convert
from ecoenforce.notifications.models import Notification
from ecoenforce.planning.draw.recusal import HOME_REGION
from ecoenforce.planning.models import InspectionTask
from ecoenforce.planning.returns import home_recusals, returned_waiting_for, task_result_receive
from ecoenforce.planning.rounds import round_commit, round_draw
from ecoenforce.planning.tasks import task_get_for_user, task_record_result, task_result_correct
from ecoenforce.registry.models import EntityEvent

pytestmark = pytest.mark.django_db
RATIOS = {"special": Decimal("1"), "key": Decimal("0.5"), "general": Decimal("0.34")}
TODAY = timezone.localdate()


@pytest.fixture
def cross_round(city_leader, wj_pool, inspector_xb, inspector2_xb):
    """The city detachment's cross-region round over Wujin's entities, drawn: only Xinbei and city officers remain."""
    round_ = round_commit(actor=city_leader, title="2026年第四季度交叉执法检查", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=30), ratios=RATIOS, cross_region=True)
    return round_draw(actor=city_leader, round_id=round_.pk)


def test_officers_come_from_other_counties_and_the_home_county_is_recused_with_the_reason(
        cross_round, city_leader, inspector_wj, inspector2_wj, leader_wj, inspector_xb, inspector2_xb):
    assert cross_round.cross_region and cross_round.organization == city_leader.organization
    tasks = list(cross_round.tasks.select_related("entity__region").prefetch_related("inspectors"))
    assert tasks and all(t.entity.region.code == "320412" for t in tasks)
    visitors = {inspector_xb.pk, inspector2_xb.pk, city_leader.pk}
    for task in tasks:
        assert {u.pk for u in task.inspectors.all()} <= visitors
    for target in cross_round.selection["targets"]:
        assert target["recusals"][HOME_REGION] == 3  # the three certified Wujin officers
    with translation.override("en"):
        cross = home_recusals(tasks[0])
    assert sorted(cross["officers"]) == sorted([inspector_wj.display_name, inspector2_wj.display_name,
                                               leader_wj.display_name])
    assert ("works in the entity's own county (cross-region round)", 3) in cross["reasons"]
    assert cross["bureau"] == leader_wj.organization


def _visit(task: InspectionTask, *, found: bool):
    officer = task.inspectors.order_by("pk").first()
    return task_record_result(actor=officer, task_id=task.pk, inspected_on=TODAY, violation_found=found,
                              findings="废气收集设施破损，车间无组织排放明显，已拍照取证。" if found
                              else "检查废气治理设施运行记录及排放口，未发现违法行为。")


def test_a_violation_goes_back_to_the_home_bureau_queue_inbox_history_and_case(
        cross_round, leader_wj, inspector_wj, inspector2_wj, inspector_xb, city_leader,
        django_capture_on_commit_callbacks):
    task = cross_round.tasks.order_by("pk").first()
    with pytest.raises(NotFound):  # before a result the list is secret, also to the home bureau
        task_get_for_user(user=leader_wj, task_id=task.pk)
    with django_capture_on_commit_callbacks(execute=True):
        done = _visit(task, found=True)
    # The home bureau's queue and its leader's notification.
    assert list(returned_waiting_for(leader_wj)) == [done]
    assert not returned_waiting_for(city_leader).exists()  # the city is not Wujin's home bureau
    sections = {s.source.key: s for s in queue_for_user(leader_wj)}
    assert sections["planning.returned"].count == 1
    note = Notification.objects.get(recipient=leader_wj, ref=f"planning.inspectiontask:{task.pk}")
    with translation.override("en"):
        assert done.lead.number in note.text and "found a violation" in note.text
    assert note.url == f"/planning/tasks/{task.pk}/"
    assert task_get_for_user(user=leader_wj, task_id=task.pk) == done
    # The entity's history and the lead belong to the home county; the visiting officer cannot open a case on it.
    assert EntityEvent.objects.filter(entity=task.entity, kind=EntityEvent.Kind.INSPECTION_VIOLATION,
                                      ref=f"inspection:{done.inspection_id}").exists()
    assert done.lead.region.code == "320412"
    assert done.lead in lead_list_for_user(user=leader_wj)
    assert done.lead not in lead_list_for_user(user=inspector_xb)
    with pytest.raises(NotFound):
        lead_convert(lead_id=done.lead.pk, actor=inspector_xb, title="", facts="", handlers=[inspector_xb])
    case = lead_convert(lead_id=done.lead.pk, actor=leader_wj, title=f"{task.entity.name}涉嫌超标排放大气污染物案",
                        facts=done.lead.description, handlers=[inspector_wj, inspector2_wj])
    assert case.organization == leader_wj.organization and case.region.code == "320412"
    assert Lead.objects.get(pk=done.lead.pk).status == Lead.Status.CONVERTED
    # Received once, by the home bureau's leader only.
    with pytest.raises(NotFound):
        task_result_receive(actor=inspector_xb, task_id=task.pk)
    received = task_result_receive(actor=leader_wj, task_id=task.pk)
    assert received.received_by == leader_wj and not returned_waiting_for(leader_wj).exists()
    with pytest.raises(InvalidTransition):
        task_result_receive(actor=leader_wj, task_id=task.pk)


def test_a_corrected_result_is_returned_again(cross_round, leader_wj, django_capture_on_commit_callbacks):
    task = cross_round.tasks.order_by("pk").first()
    done = _visit(task, found=False)
    task_result_receive(actor=leader_wj, task_id=task.pk)
    with django_capture_on_commit_callbacks(execute=True):
        task_result_correct(actor=done.completed_by, task_id=task.pk, inspected_on=TODAY, violation_found=True,
                            findings="复核照片发现雨水排口有生产废水排出。", reason="复核现场照片后更正")
    again = InspectionTask.objects.get(pk=task.pk)
    assert again.received_at is None and list(returned_waiting_for(leader_wj)) == [again]
    with translation.override("en"):
        texts = [n.text for n in Notification.objects.filter(recipient=leader_wj)]
    assert any(t.startswith("Corrected result.") for t in texts)


def test_a_round_of_one_county_returns_nothing(leader_wj, wj_pool, inspector_wj):
    round_ = round_commit(actor=leader_wj, title="2026年第四季度双随机抽查", period_start=TODAY,
                          period_end=TODAY + dt.timedelta(days=30), ratios=RATIOS)
    round_ = round_draw(actor=leader_wj, round_id=round_.pk)
    _visit(round_.tasks.order_by("pk").first(), found=False)
    assert not returned_waiting_for(leader_wj).exists()


def test_through_the_pages_city_leader_commits_visitor_records_home_leader_receives(
        city_leader, wj_pool, inspector_xb, inspector2_xb, leader_wj, inspector_wj):
    city = Client()
    city.force_login(city_leader)
    form = city.get("/planning/rounds/").content.decode()
    assert 'name="cross_region"' in form and 'data-testid="cross-region-help"' in form
    response = city.post("/planning/rounds/", {
        "title": "2026年第四季度交叉执法检查", "kind": "routine", "period_start": TODAY.isoformat(),
        "period_end": (TODAY + dt.timedelta(days=30)).isoformat(), "mode": "strata", "ratio_special": "100",
        "ratio_key": "50", "ratio_general": "34", "positive_list_mode": "tag", "cross_region": "on"})
    assert response.status_code == 302, response.content.decode()[:500]
    round_url = response["Location"]
    assert 'data-testid="round-cross-region"' in city.get(round_url).content.decode()
    assert city.post(round_url, {"action": "draw", "confirm": "yes"}).status_code == 302
    page = city.get(round_url).content.decode()
    assert 'data-testid="target-recused"' in page
    assert "在该对象所在区县工作（跨区域抽查）" in page  # the reason, in Chinese

    task = InspectionTask.objects.filter(inspectors=inspector_xb).order_by("pk").first()
    visitor = Client()
    visitor.force_login(inspector_xb)
    result = {"action": "result", "inspected_on": TODAY.isoformat(), "violation_found": "yes",
              "findings": "废气收集设施破损，车间无组织排放明显，已拍照取证。"}
    assert visitor.post(f"/planning/tasks/{task.pk}/", result).status_code == 200  # the confirmation step
    saved = visitor.post(f"/planning/tasks/{task.pk}/", {**result, "confirm": "yes"}, follow=True)
    lead = InspectionTask.objects.get(pk=task.pk).lead
    assert lead.number in saved.content.decode() and "武进区" in saved.content.decode()

    home = Client()
    home.force_login(leader_wj)
    assert 'data-testid="returned-waiting"' in home.get("/planning/tasks/").content.decode()
    listing = home.get("/planning/returned/").content.decode()
    assert task.entity.name in listing and lead.number in listing
    detail = home.get(f"/planning/tasks/{task.pk}/").content.decode()
    assert inspector_wj.display_name in detail and 'data-testid="task-receive"' in detail
    home.post(f"/planning/tasks/{task.pk}/", {"action": "receive"})
    detail = home.get(f"/planning/tasks/{task.pk}/").content.decode()
    assert 'data-testid="task-received"' in detail and 'data-testid="task-receive"' not in detail
    assert task.entity.name not in home.get("/planning/returned/").content.decode()
    other = Client()
    other.force_login(inspector_wj)  # home-bureau staff read the returned result too, but do not receive it
    assert 'data-testid="task-receive"' not in other.get(f"/planning/tasks/{task.pk}/").content.decode()
