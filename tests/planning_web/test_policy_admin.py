"""Versioned policies in /admin/: prefilled with the version in force, bad values refused on the form, never edited."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ecoenforce.core.models import AuditEvent
from ecoenforce.planning.capacity import PlanningRules
from ecoenforce.planning.models import PlanningPolicy
from ecoenforce.planning.services import planning_policy_current
from ecoenforce.registry.models import RiskPolicy

pytestmark = pytest.mark.django_db

POLICIES = [("/admin/planning/planningpolicy/", PlanningPolicy, {"onsite_share": "0.35"}, {"onsite_share": "lots"}),
            ("/admin/registry/riskpolicy/", RiskPolicy, {"key_threshold": 55}, {"no_such_weight": 1})]
ADDED = {PlanningPolicy: "planning_policy.add", RiskPolicy: "risk_policy.create"}


@pytest.fixture
def admin_client(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(("url", "model", "good", "bad"), POLICIES)
def test_a_bad_version_is_a_field_error_and_stores_nothing(admin_client, url, model, good, bad):
    before = model.objects.count()
    response = admin_client.post(f"{url}add/", {"values": json.dumps(bad), "source": "测试"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["values"]
    assert model.objects.count() == before


@pytest.mark.parametrize(("url", "model", "good", "bad"), POLICIES)
def test_a_good_version_is_added_after_the_newest_and_audited(admin_client, url, model, good, bad):
    newest = model.newest()
    response = admin_client.post(f"{url}add/", {"values": json.dumps(good), "source": "2027 provincial notice"})
    assert response.status_code == 302
    added = model.newest()
    assert added.version == (newest.version if newest else 0) + 1
    assert (added.values, added.source) == (good, "2027 provincial notice")
    assert AuditEvent.objects.filter(object_id=str(added.pk), action=ADDED[model]).exists()


@pytest.mark.parametrize(("url", "model", "good", "bad"), POLICIES)
def test_the_add_form_is_prefilled_and_a_version_is_never_edited(admin_client, url, model, good, bad):
    newest = model.newest()
    form = admin_client.get(f"{url}add/").context["adminform"].form
    # The version in force, or (as the seeded planning v1 stores {}) the defaults it stands for, key by key.
    defaults = PlanningRules().as_values() if model is PlanningPolicy else {}
    assert form.initial["values"] == (newest.values or defaults)
    admin_client.post(f"{url}{newest.pk}/change/", {"values": json.dumps(good), "source": "edited"})
    newest.refresh_from_db()
    assert newest.source != "edited" and newest.values != good


def test_the_planner_uses_the_new_version(admin_client):
    admin_client.post("/admin/planning/planningpolicy/add/", {"values": json.dumps({"onsite_share": "0.35"}),
                                                              "source": "本局 2027"})
    rules, version = planning_policy_current()
    assert str(rules.onsite_share) == "0.35" and version == PlanningPolicy.newest().version
