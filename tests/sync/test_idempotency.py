"""Issue 9 item 3, bad input "the same submission sent three times": a write sent again with the same
Idempotency-Key is answered from the first answer and happens once; the same key with a different request is a
translated 409; a refusal is not kept (the phone corrects and sends again under its key); keys are per person."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ecoenforce.core.services import api_token_create
from ecoenforce.leads.models import Lead
from ecoenforce.sync.models import IdempotentRequest

pytestmark = pytest.mark.django_db


def _client(user, lang: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def _lead(client, key, title="现场检查发现：废水直排", **extra):
    return client.post("/api/v1/leads/", json.dumps({"title": title, **extra}), content_type="application/json",
                       HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_submission_sent_three_times_is_stored_once(inspector_wj, entity_wj):
    phone = _client(inspector_wj)
    answers = [_lead(phone, "rec-0d3f1c2a-7b", entity_id=entity_wj.pk) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert "Idempotent-Replayed" not in answers[0] and answers[2]["Idempotent-Replayed"] == "true"
    assert Lead.objects.filter(title="现场检查发现：废水直排").count() == 1
    assert IdempotentRequest.objects.count() == 1


def test_the_same_key_with_another_body_is_a_translated_conflict(inspector_wj, entity_wj):
    phone = _client(inspector_wj, "zh-hans")
    assert _lead(phone, "rec-key-000001", entity_id=entity_wj.pk).status_code == 201
    other = _lead(phone, "rec-key-000001", title="另一条线索", entity_id=entity_wj.pk)
    assert other.status_code == 409
    assert other.json()["code"] == "IdempotencyConflict" and "幂等键已用于另一个不同的请求" in other.json()["message"]
    assert not Lead.objects.filter(title="另一条线索").exists()


def test_a_refusal_is_not_kept_so_the_corrected_request_goes_through(inspector_wj, entity_wj):
    phone = _client(inspector_wj)
    refused = phone.post("/api/v1/leads/", json.dumps({"source": "manual"}), content_type="application/json",
                         HTTP_IDEMPOTENCY_KEY="rec-key-000002")
    assert refused.status_code == 422 and not IdempotentRequest.objects.exists()


def test_keys_are_per_person_and_bearer_tokens_count(inspector_wj, inspector2_wj, entity_wj):
    _token, raw = api_token_create(user=inspector_wj, name="phone")
    app = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    first = _lead(app, "shared-key-1", entity_id=entity_wj.pk)
    again = _lead(app, "shared-key-1", entity_id=entity_wj.pk)
    assert first.status_code == 201 and again["Idempotent-Replayed"] == "true"
    colleague = _lead(_client(inspector2_wj), "shared-key-1", entity_id=entity_wj.pk)
    assert colleague.status_code == 201 and colleague.json()["id"] != first.json()["id"]


def test_a_malformed_key_is_refused(inspector_wj):
    response = _lead(_client(inspector_wj), "short")
    assert response.status_code == 422 and response.json()["details"] == {"Idempotency-Key": [
        "The Idempotency-Key header must be 8 to 128 letters, digits or the characters _ . : -"]}
