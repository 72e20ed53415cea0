"""A tipster's identity is sealed: only the lead's handlers and their leaders see it, on request, and every look is on
record. No public page, list, search, export, API answer, audit view, admin page or error message carries it."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from openpyxl import load_workbook

from ecoenforce.core.models import AuditEvent, SealedContact
from ecoenforce.core.sealing import contact_may_read
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_convert, lead_create

pytestmark = pytest.mark.django_db

NAME, PHONE = "柳如烟", "13687654321"
# The identity in every shape it could leak in (a masked "柳**" or "136****4321" is not the identity).
NEEDLES = (NAME, PHONE, "136 8765 4321", "136-8765-4321", "87654321")


@pytest.fixture
def tip(entity_wj, inspector_wj):
    with transaction.atomic():
        lead, _ = lead_create(source=Lead.Source.TIP, title="群众举报夜间偷排废水", entity=entity_wj,
                              description="举报人称夜间二十二点后排口有黑水。", reporter_name=NAME,
                              reporter_phone=PHONE, created_by=inspector_wj)
    return lead


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client


def text_of(response) -> str:
    if response.get("Content-Type", "").startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def assert_sealed(text: str, where: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"{needle!r} leaked in {where}"


def test_the_contact_is_stored_apart_from_the_lead(tip):
    tip.refresh_from_db()
    assert (tip.reporter.name, tip.reporter.phone) == (NAME, PHONE)
    assert str(tip.reporter) == f"sealed contact #{tip.reporter.pk}"
    assert not any(f.name in ("reporter_name", "reporter_phone") for f in Lead._meta.get_fields())
    # the audit record of the intake says nothing about who called
    assert_sealed(json.dumps([list(e) for e in AuditEvent.objects.values_list("before", "after", "reason")],
                             ensure_ascii=False), "the audit rows")


def test_who_may_read_it(tip, personas, inspector_wj, inspector2_wj, leader_wj, city_leader, legal_wj, operator,
                         inspector_xb, admin_user, grid_member, enterprise_user):
    readers = {u.username for u in personas.values() if contact_may_read(u, tip)}
    assert readers == {"inspector_wj", "leader_wj", "city_leader"}  # the taker, the county's and the city's leaders
    with transaction.atomic():
        lead_convert(lead_id=tip.pk, actor=leader_wj, title="", facts="", handlers=[leader_wj, inspector2_wj])
    tip.refresh_from_db()
    assert contact_may_read(inspector2_wj, tip) is True  # now a handler of the lead's case
    assert contact_may_read(legal_wj, tip) is False


def test_a_handler_reveals_it_on_request_and_the_look_is_recorded(tip, inspector_wj):
    client = client_for(inspector_wj, "en")
    page = client.get(f"/leads/{tip.pk}/").content.decode()
    assert_sealed(page, "the lead page before the reveal")
    assert 'data-testid="reveal-reporter"' in page
    response = client.post(f"/leads/{tip.pk}/", {"action": "reveal_reporter"})
    shown = response.content.decode()
    assert response.status_code == 200
    assert NAME in shown and PHONE in shown
    event = AuditEvent.objects.get(action="contact.reveal")
    assert (event.actor_id, event.object_type, event.object_id) == (inspector_wj.pk, "leads.lead", str(tip.pk))
    assert_sealed(json.dumps([event.before, event.after, event.reason], ensure_ascii=False), "the reveal event")


def test_others_cannot_reveal_it(tip, legal_wj, operator, inspector2_wj):
    for user in (legal_wj, operator, inspector2_wj):
        response = client_for(user).post(f"/leads/{tip.pk}/", {"action": "reveal_reporter"})
        assert response.status_code in (403, 302)
        assert_sealed(text_of(response), f"the reveal answer to {user.username}")
    assert not AuditEvent.objects.filter(action="contact.reveal").exists()


def test_the_identity_appears_nowhere_an_unauthorised_person_looks(tip, personas, lead_xb, decided_case_wj):
    """Pages, search, exports, the API (with search), the audit views, admin and error pages, for every persona
    without a need, in both languages; and the public portal for everyone."""
    urls = [
        "/leads/", "/leads/?export=csv", "/leads/?export=xlsx", f"/leads/{tip.pk}/", "/leads/999999/",
        "/accounts/audit/", "/accounts/audit/?object_type=leads.lead",
        f"/accounts/audit/?object_type=leads.lead&object_id={tip.pk}", "/api/v1/leads/", f"/api/v1/leads/{tip.pk}",
        "/api/v1/leads/999999", "/", "/public/", f"/public/decisions/{decided_case_wj.pk}/",
        "/admin/leads/lead/", f"/admin/leads/lead/{tip.pk}/change/", "/admin/core/sealedcontact/",
    ]
    # A search echoes what was typed (the searcher's own words); what matters is that it finds nothing.
    searches = [f"/leads/?q={q}" for q in (PHONE, NAME)] + [f"/api/v1/leads/?q={q}" for q in (PHONE, NAME)] + [
        f"/cases/?q={NAME}", f"/leads/?q={PHONE}&export=csv", f"/public/?q={NAME}"]
    unauthorised = ["inspector2_wj", "legal_wj", "operator", "inspector_xb", "grid_member", "enterprise_user",
                    "admin_user", None]
    checked = 0
    for persona in unauthorised:
        for language in ("zh-hans", "en"):
            client = client_for(personas[persona] if persona else None, language)
            for url in urls:
                assert_sealed(text_of(client.get(url)), f"{url} as {persona} ({language})")
                checked += 1
            for url in searches:
                text = text_of(client.get(url))
                assert tip.number not in text, f"{url} found the tip for {persona}"
                query = url.split("q=", 1)[1].split("&")[0]
                assert_sealed(text.replace(query, "").replace(quote(query), ""), f"{url} as {persona}")
            assert_sealed(text_of(client.post(f"/api/v1/leads/{tip.pk}/close", {"reason": "x", "note": ""},
                                              content_type="application/json")), f"close error as {persona}")
    assert checked == len(unauthorised) * 2 * len(urls)
    # Search does not find the lead by the tipster's phone even for a reader (no oracle through search).
    reader = client_for(personas["leader_wj"])
    assert reader.get("/api/v1/leads/", {"q": PHONE}).json()["count"] == 0
    assert reader.get("/leads/", {"q": PHONE}).context["page"].paginator.count == 0


def test_the_api_takes_a_reporter_but_never_gives_it_back(inspector_wj, entity_wj, leader_wj):
    client = client_for(inspector_wj)
    response = client.post("/api/v1/leads/", {"title": "电话举报：厂区冒黑烟", "source": "tip", "entity_id": entity_wj.pk,
                                              "reporter_name": NAME, "reporter_phone": PHONE},
                           content_type="application/json")
    assert response.status_code == 201
    assert_sealed(response.content.decode(), "the create answer")
    lead = Lead.objects.get(pk=response.json()["id"])
    assert (lead.reporter.name, lead.reporter.phone) == (NAME, PHONE)
    assert_sealed(client_for(leader_wj).get(f"/api/v1/leads/{lead.pk}").content.decode(), "the read answer")


def test_a_lead_without_a_reporter_stores_no_contact(entity_wj, inspector_wj):
    with transaction.atomic():
        lead, _ = lead_create(source=Lead.Source.MANUAL, title="巡查发现", entity=entity_wj, created_by=inspector_wj)
    assert lead.reporter is None
    assert SealedContact.objects.count() == 0
