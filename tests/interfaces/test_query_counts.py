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
    "/": 18,
    "/registry/entities/": 9,
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
