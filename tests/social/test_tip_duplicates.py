"""Tips about the same facts: the same entity, or close by (coordinates or the same address) and close in time, are
suggested to the handler, who confirms the link to the first report; audited; the tipster reads that the reports are
handled together; out-of-reach tips are never suggested."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ecoenforce.core.models import AuditEvent
from ecoenforce.social.near import distance_m
from ecoenforce.social.selectors import tip_duplicate_candidates, tip_progress
from ecoenforce.social.services import tip_submit

pytestmark = pytest.mark.django_db


def file_tip(region, *, address="武宜路88号东侧桥下", lat=None, lon=None, seen=None, title="夜间排黑水"):
    with transaction.atomic():
        tip, code, _ = tip_submit(channel="web", token=uuid.uuid4().hex, title=title, region=region, address=address,
                                  latitude=lat, longitude=lon, observed_at=seen)
    return tip, code


def test_distance_is_in_metres():
    assert round(distance_m(31.7, 119.94, 31.7, 119.94)) == 0
    assert 1100 < distance_m(31.70, 119.94, 31.71, 119.94) < 1120


def test_close_tips_are_suggested_and_far_or_old_ones_are_not(region_wj, region_xb, leader_wj, city_leader):
    first, _ = file_tip(region_wj, lat=31.7050, lon=119.9400)
    near, _ = file_tip(region_wj, address="桥下", lat=31.7060, lon=119.9410)  # ~145 m away
    same_address, _ = file_tip(region_wj)
    far, _ = file_tip(region_wj, address="湖塘镇", lat=31.80, lon=119.94)
    old, _ = file_tip(region_wj, seen=timezone.now() - dt.timedelta(days=20))
    other_county, _ = file_tip(region_xb, lat=31.7050, lon=119.9400)
    found = {c.tip.pk: c.reasons for c in tip_duplicate_candidates(user=city_leader, tip=first)}
    assert set(found) == {near.pk, same_address.pk}
    assert found[near.pk] == ["相距146米"]  # Chinese by default
    assert found[same_address.pk] == ["同一地址"]
    assert {c.tip.pk for c in tip_duplicate_candidates(user=leader_wj, tip=first)} == {near.pk, same_address.pk}
    assert far.pk not in found and old.pk not in found and other_county.pk not in found


def test_the_handler_links_the_later_tip_to_the_first_and_the_tipster_sees_it(region_wj, leader_wj, legal_wj):
    first, first_code = file_tip(region_wj)
    second, second_code = file_tip(region_wj)
    client = Client()
    client.force_login(leader_wj)
    client.cookies["django_language"] = "en"
    page = client.get(f"/tips/same-facts/{second.lead_id}/").content.decode()
    assert first.lead.number in page and 'data-testid="link-duplicate"' in page
    # the earlier one cannot be linked to the later
    refused = client.post(f"/tips/same-facts/{first.lead_id}/", {"original": second.lead_id})
    assert refused.status_code == 422 and "the first report stays first" in refused.content.decode()
    assert client.post(f"/tips/same-facts/{second.lead_id}/", {"original": first.lead_id}).status_code == 302
    second.refresh_from_db()
    assert (second.duplicate_of_id, second.linked_by) == (first.pk, leader_wj)
    event = AuditEvent.objects.get(action="tip.link_duplicate")
    assert event.after["duplicate_of"] == first.lead.number and event.object_id == str(second.lead_id)
    assert tip_progress(second_code).same_facts and not tip_progress(first_code).same_facts
    tracking = Client().get(f"/tips/{second_code}/").content.decode()
    assert "有人在您之前举报了相同的事实" in tracking
    assert first.lead.number not in tracking
    # a legal reviewer may look but not link
    legal = Client()
    legal.force_login(legal_wj)
    assert legal.post(f"/tips/same-facts/{second.lead_id}/", {"original": first.lead_id}).status_code == 403


def test_linking_to_a_linked_tip_goes_to_the_first_report(region_wj, leader_wj):
    first, _ = file_tip(region_wj)
    second, _ = file_tip(region_wj)
    third, _ = file_tip(region_wj)
    from ecoenforce.social.services import tip_link_duplicate

    with transaction.atomic():
        tip_link_duplicate(actor=leader_wj, lead_id=second.lead_id, original_lead_id=first.lead_id)
    with transaction.atomic():
        tip_link_duplicate(actor=leader_wj, lead_id=third.lead_id, original_lead_id=second.lead_id)
    third.refresh_from_db()
    assert third.duplicate_of_id == first.pk


def test_out_of_reach_tips_are_not_found(region_wj, inspector_xb):
    tip, _ = file_tip(region_wj)
    client = Client()
    client.force_login(inspector_xb)
    assert client.get(f"/tips/same-facts/{tip.lead_id}/").status_code == 404
