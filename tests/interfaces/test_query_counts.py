"""Query-count baselines for the dashboard and the main list pages (as NetBox keeps them): the exact number of
queries for a signed-in city leader, the same with 3 rows or 30. A change that adds a query to every page, or
one per row, fails here and has to say why by changing the number.

Every page pays 5 of them: the session, the user (with organization and region, one query), the work-queue
counts in the menu (one query), the bell's unread count (one query) and the bureau named in the footer.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db

BASELINES = {
    "/": 20,  # + the referrals overdue / awaiting an answer (department coordination, issue 12)
    "/registry/entities/": 10,  # + the score policy in force (the learned score may rank the list, issue 11)
    "/leads/": 8,
    "/cases/": 8,
    "/warnings/": 7,
    "/planning/rounds/": 7,
}


def count_queries(client: Client, url: str) -> int:
    seen = []

    def counter(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        assert client.get(url).status_code == 200, url
    return len(seen)


def test_pages_keep_their_query_count_whatever_the_rows(city_leader, region_wj, admin_user, inspector_wj,
                                                        inspector2_wj):
    from factories import make_case, make_entity, make_lead

    client = Client()
    client.force_login(city_leader)

    def add(n: int) -> None:
        for _ in range(n):
            entity = make_entity(region=region_wj, actor=admin_user)
            make_lead(entity=entity, created_by=inspector_wj)
            make_case(entity=entity, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj])

    add(3)
    few = {url: count_queries(client, url) for url in BASELINES}
    add(27)
    many = {url: count_queries(client, url) for url in BASELINES}
    assert few == many  # no query per row
    assert many == BASELINES


# The public portal, signed out: the footer's bureau (one query) plus the page's own. The facility page reads the
# facility, its published round inspections, its published decisions and its confirmed exceedances: 4 whatever
# its history. The search is one page (a count and a query). A page load never writes.
PUBLIC_BASELINES = {"/public/facilities/?q=常州": 3, "/public/facilities/{id}/": 5}


def test_public_facility_pages_keep_their_query_count_and_never_write(region_wj, admin_user, inspector_wj,
                                                                       inspector2_wj, leader_wj, legal_wj):
    from django.utils import timezone

    from ecoenforce.cases.workflow import Stage
    from ecoenforce.warnings.models import Warning
    from factories import advance_case, make_case, make_entity

    client = Client()
    entity = make_entity(region=region_wj, actor=admin_user, name="常州查询计数有限公司")

    def add(n: int) -> None:
        for _ in range(n):
            make_entity(region=region_wj, actor=admin_user)
            case = make_case(entity=entity, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj])
            advance_case(case, to=Stage.DECISION, inspector=inspector_wj, leader=leader_wj, legal=legal_wj)
            Warning.objects.create(event_id=f"qc{Warning.objects.count():018d}", rule="exceedance", mn="CZ3204",
                                   pollutant="a21026", entity=entity, region=region_wj, start=timezone.now(),
                                   end=timezone.now(), severity="medium", value=52.5, threshold=35.0,
                                   status=Warning.Status.NOTIFIED)

    def counts() -> dict[str, int]:
        result = {}
        for url in PUBLIC_BASELINES:
            seen = []

            def counter(execute, sql, params, many, context, seen=seen):
                seen.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                assert client.get(url.format(id=entity.pk)).status_code == 200, url
            assert all(sql.lstrip().upper().startswith("SELECT") for sql in seen), seen
            result[url] = len(seen)
        return result

    add(2)
    few = counts()
    add(6)
    assert counts() == few == PUBLIC_BASELINES
