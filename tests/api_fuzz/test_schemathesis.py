"""Schemathesis over every operation of the OpenAPI (GET and POST), signed in as a city leader: no 500s.

Each operation gets 25 generated requests (valid and invalid parameters, bodies and files) through the real WSGI
application and database; the only check is that the server never fails (status < 500). Examples are derandomized
so a run is repeatable; `HYPOTHESIS_SEED`-free.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from ecoenforce.core.services import api_token_create
from ecoenforce.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI application directly, so `request_started`/`request_finished` would close the connection that holds
    the test's transaction (PostgreSQL: 'the connection is closed'); Django's own test client detaches it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def bearer(city_leader, entity_wj, lead_wj) -> dict[str, str]:
    """A city leader's API token, with an entity and a lead in the database so some ids exist."""
    _token, raw = api_token_create(user=city_leader, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_no_operation_answers_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])
