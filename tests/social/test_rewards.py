"""Tip rewards end to end: the tipster reads the reward outcome on the tracking page in plain words and claims an
earned reward there; a leader of the tip's county approves or refuses it and records the payment; a second claim,
decision or payment is refused with a clear message; each step is audited without the tipster's identity; the
staff list shows the claims awaiting approval; a later report of the same facts earns nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.utils import translation
from tests.factories import make_case

from ecoenforce.cases.models import Case
from ecoenforce.core.errors import NotFound, PermissionDenied, ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.leads.models import Lead
from ecoenforce.social.models import Reward, RewardPolicy
from ecoenforce.social.rewards_selectors import rewards_waiting
from ecoenforce.social.rewards_services import reward_claim, reward_decide, reward_record_payment
from ecoenforce.social.selectors import tip_progress
from ecoenforce.social.services import tip_link_duplicate, tip_submit

pytestmark = pytest.mark.django_db
NAME, PHONE = "柳如烟", "13687654321"


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.FILES_DIR = tmp_path


@pytest.fixture(autouse=True)
def _english():
    """The services' messages are read in English here (the pages below choose their language by cookie)."""
    with translation.override("en"):
        yield


def file_tip(region, *, anonymous=False):
    with transaction.atomic():
        tip, code, _ = tip_submit(channel="web", token=uuid.uuid4().hex, title="夜间排黑水", region=region,
                                  address="武宜路88号东侧桥下", anonymous=anonymous, name=NAME, phone=PHONE)
    return tip, code


def decide(tip, case, *, fine=Decimal("300000.00"), stage="decision", outcome="penalty"):
    """Put the tip's lead on the case and the case at a decided stage (the case workflow is tested elsewhere)."""
    Lead.objects.filter(case=case).update(case=None)
    Lead.objects.filter(pk=tip.lead_id).update(case=case)
    Case.objects.filter(pk=case.pk).update(stage=stage, outcome=outcome, fine_amount=fine,
                                           decided_on=dt.date(2026, 4, 20))


@pytest.fixture
def a_case(entity_wj, inspector_wj, inspector2_wj):
    return make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj])


def test_the_seeded_policy_is_on_record_with_its_unconfirmed_numbers():
    policy = RewardPolicy.newest()
    assert policy.version == 1 and "UNCONFIRMED" in policy.source


def test_too_early_says_nothing_then_eligible_then_claimed_approved_paid(region_wj, a_case,
                                                                        leader_wj):
    tip, code = file_tip(region_wj)
    assert tip_progress(code).reward == ""  # nothing decided yet: too early to say
    decide(tip, a_case)
    progress = tip_progress(code)
    assert progress.may_claim and "15000.00" in progress.reward  # 5 % of 300,000
    reward = reward_claim(code=code)
    assert (reward.status, reward.amount, reward.policy_version) == (Reward.Status.CLAIMED, Decimal("15000.00"), 1)
    with pytest.raises(ValidationFailed, match="already claimed"):
        reward_claim(code=code)
    assert list(rewards_waiting(leader_wj)) == [reward]
    with pytest.raises(ValidationFailed, match="approved"):
        reward_record_payment(actor=leader_wj, reward_id=reward.pk, paid_on=dt.date(2026, 5, 1), amount="15000",
                              method="bank")
    reward_decide(actor=leader_wj, reward_id=reward.pk, approve=True)
    assert "approved" in tip_progress(code).reward and list(rewards_waiting(leader_wj)) == []
    with pytest.raises(ValidationFailed, match="already decided"):
        reward_decide(actor=leader_wj, reward_id=reward.pk, approve=False, reason="x")
    with pytest.raises(ValidationFailed, match="at most"):
        reward_record_payment(actor=leader_wj, reward_id=reward.pk, paid_on=dt.date(2026, 5, 1), amount="20000",
                              method="bank")
    reward_record_payment(actor=leader_wj, reward_id=reward.pk, paid_on=dt.date(2026, 5, 1), amount="15000",
                          method="bank")
    assert "paid on" in tip_progress(code).reward
    with pytest.raises(ValidationFailed, match="already paid"):
        reward_record_payment(actor=leader_wj, reward_id=reward.pk, paid_on=dt.date(2026, 5, 1), amount="15000",
                              method="bank")
    events = AuditEvent.objects.filter(action__startswith="reward.").order_by("id")
    assert [e.action for e in events] == ["reward.claim", "reward.approve", "reward.pay"]
    assert events.last().after == {"status": "paid", "paid_on": "2026-05-01", "amount": "15000.00", "method": "bank"}
    for event in events:
        text = str([event.before, event.after, event.reason])
        assert NAME not in text and PHONE not in text and code not in text


def test_a_refusal_needs_a_reason_and_the_tipster_reads_it_plainly(region_wj, a_case, leader_wj):
    tip, code = file_tip(region_wj)
    decide(tip, a_case)
    reward = reward_claim(code=code)
    with pytest.raises(ValidationFailed, match="why"):
        reward_decide(actor=leader_wj, reward_id=reward.pk, approve=False, reason=" ")
    reward_decide(actor=leader_wj, reward_id=reward.pk, approve=False, reason="举报内容与查处事实不符。")
    assert "did not approve" in tip_progress(code).reward
    assert AuditEvent.objects.get(action="reward.refuse").reason == "举报内容与查处事实不符。"


def test_not_eligible_and_why(region_wj, a_case, leader_wj):
    first, _c = file_tip(region_wj)
    later, later_code = file_tip(region_wj)
    anonymous, anonymous_code = file_tip(region_wj, anonymous=True)
    tip_link_duplicate(actor=leader_wj, lead_id=later.lead_id, original_lead_id=first.lead_id)
    assert "only the first reporter" in tip_progress(later_code).reward
    with pytest.raises(ValidationFailed, match="not eligible.*first reporter"):
        reward_claim(code=later_code)
    decide(anonymous, a_case, fine=None,
           outcome="no_penalty")
    words = tip_progress(anonymous_code).reward
    assert "no fine" in words and "real-name" in words and not tip_progress(anonymous_code).may_claim
    assert not Reward.objects.exists()


def test_only_the_leader_of_the_tips_county_decides(region_wj, a_case, inspector_xb, city_leader):
    tip, code = file_tip(region_wj)
    decide(tip, a_case)
    reward = reward_claim(code=code)
    for outsider in (inspector_xb, city_leader):
        with pytest.raises((NotFound, PermissionDenied)):
            reward_decide(actor=outsider, reward_id=reward.pk, approve=True)
    assert Reward.objects.get().status == Reward.Status.CLAIMED


def test_the_pages_claim_twice_decide_and_pay(region_wj, a_case, leader_wj):
    tip, code = file_tip(region_wj)
    decide(tip, a_case)
    public = Client()
    public.cookies["django_language"] = "en"
    page = public.get(f"/tips/{code}/").content.decode()
    assert "Claim the reward" in page
    assert public.post(f"/tips/{code}/", {"action": "claim_reward"}).status_code == 302
    again = public.post(f"/tips/{code}/", {"action": "claim_reward"})
    assert again.status_code == 422 and "already claimed" in again.content.decode()
    staff = Client()
    staff.force_login(leader_wj)
    staff.cookies["django_language"] = "zh-hans"
    listing = staff.get("/tips/rewards/").content.decode()
    reward = Reward.objects.get()
    assert f"/tips/rewards/{reward.pk}/" in listing and "15000.00" in listing
    assert staff.post(f"/tips/rewards/{reward.pk}/", {"action": "approve"}).status_code == 302
    assert staff.post(f"/tips/rewards/{reward.pk}/", {"action": "pay", "paid_on": "2026-05-01", "amount": "15000",
                                                      "method": "mobile"}).status_code == 302
    paid = staff.post(f"/tips/rewards/{reward.pk}/", {"action": "pay", "paid_on": "2026-05-01", "amount": "15000",
                                                      "method": "mobile"})
    assert paid.status_code == 422
    shown = public.get(f"/tips/{code}/").content.decode()
    assert "was paid on" in shown
    for text in (shown, listing, staff.get(f"/tips/rewards/{reward.pk}/").content.decode()):
        assert NAME not in text and PHONE not in text
    assert leader_wj.display_name and leader_wj.display_name not in shown and leader_wj.username not in shown


def test_staff_without_the_role_or_the_reach_do_not_get_the_pages(region_wj, a_case, inspector_wj):
    tip, code = file_tip(region_wj)
    decide(tip, a_case)
    reward = reward_claim(code=code)
    client = Client()
    client.force_login(inspector_wj)
    assert client.get("/tips/rewards/").status_code == 403
    assert client.get(f"/tips/rewards/{reward.pk}/").status_code == 403


def test_claims_wait_in_the_county_leaders_queue(region_wj, a_case, leader_wj, city_leader):
    from ecoenforce.core.queue import queue_counts, queue_for_user

    tip, code = file_tip(region_wj)
    decide(tip, a_case)
    assert queue_counts(leader_wj).get("social.rewards") == 0
    reward = reward_claim(code=code)
    assert queue_counts(leader_wj)["social.rewards"] == 1
    assert "social.rewards" not in queue_counts(city_leader) or queue_counts(city_leader)["social.rewards"] == 0
    section = next(s for s in queue_for_user(leader_wj) if s.source.key == "social.rewards")
    assert section.items[0].url == f"/tips/rewards/{reward.pk}/" and NAME not in section.items[0].title


@pytest.mark.parametrize("paid_on, amount, method, field", [
    (dt.date(2026, 5, 1), "abc", "bank", "amount"), (dt.date(2026, 5, 1), "NaN", "bank", "amount"),
    (dt.date(2026, 5, 1), "Infinity", "bank", "amount"), (dt.date(2026, 5, 1), "0", "bank", "amount"),
    (dt.date(2999, 1, 1), "100", "bank", "paid_on"), (None, "100", "bank", "paid_on"),
    (dt.date(2026, 5, 1), "100", "cheque", "method")])
def test_a_bad_payment_record_is_refused_and_nothing_is_written(region_wj, a_case, leader_wj, paid_on, amount,
                                                                method, field):
    tip, code = file_tip(region_wj)
    decide(tip, a_case)
    reward = reward_claim(code=code)
    reward_decide(actor=leader_wj, reward_id=reward.pk, approve=True)
    with pytest.raises(ValidationFailed) as caught:
        reward_record_payment(actor=leader_wj, reward_id=reward.pk, paid_on=paid_on, amount=amount, method=method)
    assert field in caught.value.details
    assert Reward.objects.get().status == Reward.Status.APPROVED
    assert not AuditEvent.objects.filter(action="reward.pay").exists()


def test_the_tracking_page_words_the_reward_in_chinese(region_wj, a_case):
    tip, code = file_tip(region_wj)
    decide(tip, a_case)
    public = Client()
    public.cookies["django_language"] = "zh-hans"
    page = public.get(f"/tips/{code}/").content.decode()
    assert "符合奖励条件，奖励金额¥15000.00" in page and "申领奖励" in page


def test_an_administrator_changes_the_rules_by_adding_a_version(region_wj, a_case, admin_user):
    from ecoenforce.social.rewards_services import reward_policy_add

    for bad in ({"share_of_fine": "2"}, {"minimum": "200000"}, {"cap": "lots"}, ["not", "a", "dict"]):
        with pytest.raises(ValidationFailed, match="reward policy"):
            reward_policy_add(actor=admin_user, values=bad)
    assert RewardPolicy.newest().version == 1
    reward_policy_add(actor=admin_user, values={"share_of_fine": "0.1", "cap": "20000"}, source="本局2026年规则")
    tip, code = file_tip(region_wj)
    decide(tip, a_case)
    reward = reward_claim(code=code)
    assert (reward.amount, reward.policy_version) == (Decimal("20000.00"), 2)  # 10 % of 300,000, capped
    assert AuditEvent.objects.get(action="reward_policy.add").after == {"share_of_fine": "0.1", "cap": "20000"}
    client = Client()
    client.force_login(admin_user)
    page = client.get("/admin/social/rewardpolicy/add/")
    assert page.status_code == 200 and "first_reporter_only" in page.content.decode()
