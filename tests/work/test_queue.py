"""Each role lands on its own work queue, with exact counts per kind of work, overdue and near deadlines, and the
same counts in the menu; the case page names who acts next."""

from __future__ import annotations

import re

import pytest

from ecoenforce.core.queue import near_horizon, queue_counts, queue_for_user
from work.conftest import client_for

pytestmark = pytest.mark.django_db


def sections(html: str) -> dict[str, int]:
    """Source key → the count its card shows."""
    return {key: int(n) for key, n in re.findall(
        r'data-testid="queue-([\w.]+)">\s*<div class="card-header[^>]*><h3 class="card-title">[^<]*'
        r'<span class="badge[^"]*" data-testid="queue-count">(\d+)</span>', html)}


def figure(html: str, name: str) -> int:
    return int(re.search(rf'data-testid="queue-{name}">(\d+)<', html).group(1))


EXPECTED = {
    # user: ({source: count}, total, overdue, near)
    "inspector_wj": ({"planning.tasks": 2, "leads.assigned": 2, "cases.waiting": 1, "compliance.review": 0, "compliance.overdue": 0, "cases.hearings": 0, "cases.reinspections": 0, "cases.payments": 0,
                      "referrals.incoming": 0, "sampling.requester": 0, "transfers.threshold": 0, "transfers.waiting": 0, "transfers.share": 0, "special.reports": 0}, 5, 2, 1),
    "inspector2_wj": ({"planning.tasks": 2, "leads.assigned": 1, "cases.waiting": 1, "compliance.review": 0, "compliance.overdue": 0, "cases.hearings": 0, "cases.reinspections": 0, "cases.payments": 0,
                       "referrals.incoming": 0, "sampling.requester": 0, "transfers.threshold": 0, "transfers.waiting": 0, "transfers.share": 0, "special.reports": 0}, 4, 1, 0),
    "leader_wj": ({"planning.tasks": 0, "planning.returned": 0, "leads.assigned": 0, "leads.to_assign": 2, "cases.waiting": 1,
                   "registry.positive": 0, "social.rewards": 0, "compliance.review": 0, "compliance.overdue": 0, "cases.hearings": 0, "cases.reinspections": 0, "cases.payments": 0,
                   "referrals.incoming": 0, "referrals.overdue": 0, "referrals.answered": 0, "sampling.requester": 0, "transfers.threshold": 0, "transfers.waiting": 0, "transfers.share": 0, "special.reports": 0, "special.supervised": 0}, 3, 0, 0),
    "legal_wj": ({"cases.waiting": 1}, 1, 0, 0),
    "operator_wj": ({"warnings.mine": 1, "warnings.untaken": 2, "warnings.notices_overdue": 0, "compliance.review": 0, "compliance.overdue": 0,
                     "sampling.station": 0}, 3, 0, 0),
    "city_leader": ({"planning.tasks": 0, "planning.returned": 0, "leads.assigned": 0, "leads.to_assign": 0, "cases.waiting": 0,
                     "registry.positive": 0, "social.rewards": 0, "compliance.review": 0, "compliance.overdue": 0, "cases.hearings": 0, "cases.reinspections": 0, "cases.payments": 0,
                     "referrals.incoming": 0, "referrals.overdue": 0, "referrals.answered": 0, "sampling.requester": 0, "transfers.threshold": 0, "transfers.waiting": 0, "transfers.share": 0, "special.reports": 0, "special.supervised": 0}, 0, 0, 0),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_each_role_signs_in_to_its_own_queue_with_exact_counts(bureau, request, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get("/accounts/home/")["Location"] == "/work/"
    html = client.get("/work/").content.decode()
    counts, total, overdue, near = EXPECTED[who]
    assert sections(html) == counts
    assert (figure(html, "total"), figure(html, "overdue"), figure(html, "near")) == (total, overdue, near)
    assert queue_counts(user) == counts
    menu = re.search(r'data-testid="nav-work"><span class="nav-link-title">[^<]+</span>(?:<span[^>]*>(\d+)</span>)?',
                     html)
    assert int(menu.group(1) or 0) == total


def test_the_inspectors_queue_lists_the_items_most_urgent_first(bureau, inspector_wj):
    html = client_for(inspector_wj, "en").get("/work/").content.decode()
    leads = html[html.index('data-testid="queue-leads.assigned"'):]
    assert leads.index(bureau["late"].number) < leads.index(bureau["soon"].number)
    assert "overdue since" in leads[:leads.index(bureau["soon"].number)]
    assert bureau["filed"].number in html and bureau["review"].number not in html
    assert "新北区的线索" not in html


def test_the_desk_shows_high_severity_first_and_the_operator_filters_overdue(bureau, operator_wj):
    client = client_for(operator_wj)
    html = client.get("/work/").content.decode()
    untaken = html[html.index('data-testid="queue-warnings.untaken"'):]
    assert untaken.index("高") < untaken.index("中")
    overdue = client.get("/work/?show=overdue").content.decode()
    assert overdue.count('data-testid="queue-item"') == 0


def test_filter_and_export_of_the_queue(bureau, inspector_wj):
    client = client_for(inspector_wj)
    overdue = client.get("/work/?show=overdue").content.decode()
    assert overdue.count('data-testid="queue-item"') == 2
    near = client.get("/work/?show=near").content.decode()
    assert near.count('data-testid="queue-item"') == 1 and bureau["soon"].number in near
    rows = client.get("/work/?export=csv&show=overdue").content.decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 3 and rows[0].startswith("工作类别")
    assert sorted(r.split(",")[-1] for r in rows[1:]) == ["是", "是"]


def test_roles_without_a_queue_land_where_their_work_is(personas):
    assert client_for(personas["enterprise_user"]).get("/accounts/home/")["Location"] == "/enterprise/"
    assert client_for(personas["admin_user"]).get("/accounts/home/")["Location"] == "/"
    # Issue 12: grid members have work of their own now (their grids' patrol plans): they land on their queue.
    assert client_for(personas["grid_member"]).get("/accounts/home/")["Location"] == "/work/"
    assert client_for(personas["grid_member"]).get("/work/").status_code == 200


def test_near_means_three_working_days_on_the_bureau_calendar():
    import datetime as dt

    assert near_horizon(dt.date(2026, 11, 27)) == dt.date(2026, 12, 2)  # Friday → Monday, Tuesday, Wednesday
    # National Day (1–7 October) skipped; Saturday 10 October is a swapped working day in the 2026 schedule.
    assert near_horizon(dt.date(2026, 9, 30)) == dt.date(2026, 10, 10)


def test_queue_sections_carry_due_flags(bureau, inspector_wj):
    leads = next(s for s in queue_for_user(inspector_wj) if s.source.key == "leads.assigned")
    flags = {i.title.split()[0]: (i.overdue, i.near) for i in leads.items}
    assert flags == {bureau["late"].number: (True, False), bureau["soon"].number: (False, True)}


def test_the_case_page_names_the_role_and_people_who_act_next(bureau, inspector_wj, leader_wj, legal_wj):
    page = client_for(inspector_wj, "en").get(f"/cases/{bureau['legal'].pk}/").content.decode()
    step = re.search(r'data-testid="next-step">(.*?)</div>', page, re.S).group(1)
    assert "Legal reviewer" in step and "林海燕" in step and "周明" not in step
    page = client_for(legal_wj, "en").get(f"/cases/{bureau['filed'].pk}/").content.decode()
    step = re.search(r'data-testid="next-step">(.*?)</div>', page, re.S).group(1)
    assert "Inspector" in step and "周明" in step and "吴静" in step
    page = client_for(inspector_wj).get(f"/cases/{bureau['review'].pk}/").content.decode()
    step = re.search(r'data-testid="next-step">(.*?)</div>', page, re.S).group(1)
    assert "执法机构负责人" in step and "陈建华" in step


def test_the_queue_over_the_api(bureau, inspector_wj, client):
    from ecoenforce.core.services import api_token_create

    raw = api_token_create(user=inspector_wj, name="手机")[1]
    body = client.get("/api/v1/queue/?limit=1", headers={"Authorization": f"Bearer {raw}"}).json()
    assert (body["total"], body["overdue"], body["near"]) == (5, 2, 1)
    leads = next(s for s in body["sections"] if s["key"] == "leads.assigned")
    assert (leads["count"], leads["overdue"], leads["near"], len(leads["items"])) == (2, 1, 1, 1)
    assert leads["items"][0]["ref"] == f"leads.lead:{bureau['late'].pk}" and leads["items"][0]["overdue"] is True
