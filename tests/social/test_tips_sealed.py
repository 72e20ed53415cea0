"""Security: a tipster's identity, sent through the public form or the 12369 entry, appears on no public page and in
no page, search, export, API answer, audit view or error message for a person without a need — in both languages.
Only the lead's handlers and their leaders read it, on request, with the look on record."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from django.test import Client
from openpyxl import load_workbook

from ecoenforce.core.models import AuditEvent, Organization, Role, User
from ecoenforce.core.sealing import contact_may_read
from ecoenforce.social.models import Tip

NAME, PHONE = "柳如烟", "13687654321"
# The identity in every shape it could leak in (as tests/leads/test_leads_sealed_reporter.py).
NEEDLES = (NAME, PHONE, "136 8765 4321", "136-8765-4321", "87654321")


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    return client


def text_of(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def assert_sealed(text: str, where: str) -> None:
    for needle in NEEDLES:
        assert needle not in text, f"{needle!r} leaked in {where}"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.FILES_DIR = tmp_path


@pytest.fixture
def web_tip(region_wj):
    client = Client(REMOTE_ADDR="203.0.113.50")
    token = re.search(r'name="submission_token" value="([0-9a-f]{32})"',
                      client.get("/tips/").content.decode()).group(1)
    response = client.post("/tips/", {
        "title": "夜间河道排放黑水", "region": region_wj.pk, "address": "武宜路88号东侧桥下", "identity": "real_name",
        "name": NAME, "phone": PHONE, "submission_token": token})
    assert response.status_code == 302
    code = response["Location"].strip("/").split("/")[-1]
    return Tip.objects.select_related("lead").get(), code


def test_the_web_tip_identity_is_sealed_and_its_pages_never_show_it(web_tip, personas):
    tip, code = web_tip
    lead = tip.lead
    assert (lead.reporter.name, lead.reporter.phone) == (NAME, PHONE)
    readers = {u.username for u in personas.values() if contact_may_read(u, lead)}
    assert readers == {"leader_wj", "city_leader"}  # a web tip has no taker: the county's and the city's leaders
    urls = [f"/tips/{code}/", "/tips/", "/tips/find/?code=ZZ", "/tips/ABCDEFGHJKMN/", "/tips/phone/",
            "/tips/photos/999/", "/tips/rewards/", "/tips/rewards/1/", "/leads/", "/leads/?export=csv", "/leads/?export=xlsx", f"/leads/{lead.pk}/",
            "/accounts/audit/", f"/accounts/audit/?object_type=leads.lead&object_id={lead.pk}", "/api/v1/leads/",
            f"/api/v1/leads/{lead.pk}", "/public/", "/admin/social/tip/", "/admin/core/sealedcontact/", "/",
            f"/tips/same-facts/{lead.pk}/", "/work/", "/api/v1/queue/", "/assist/findings/", "/api/v1/assist/findings",
            "/referrals/", "/api/v1/referrals/", "/grids/problems/"]
    searches = [f"/leads/?q={quote(PHONE)}", f"/api/v1/leads/?q={quote(NAME)}", f"/leads/?q={quote(NAME)}&export=csv"]
    # A contracted third party and a partner department (police) have no need either.
    contractor = Organization.objects.create(name="江苏常环环境技术服务有限公司", short_name="服",
                                             kind=Organization.Kind.CONTRACTOR, region=lead.region.parent)
    police = Organization.objects.create(name="常州市公安局环境食品药品和旅游安全保卫支队", short_name="公",
                                         kind=Organization.Kind.PARTNER, region=lead.region.parent)
    personas = {**personas,
                "assistant": User.objects.create(username="assistant", role=Role.THIRD_PARTY, organization=contractor),
                "police": User.objects.create(username="police", role=Role.PARTNER, organization=police)}
    unauthorised = ["inspector_wj", "inspector2_wj", "legal_wj", "operator", "inspector_xb", "grid_member",
                    "enterprise_user", "admin_user", "assistant", "police", None]
    assert not any(contact_may_read(personas[p], lead) for p in ("assistant", "police"))
    for persona in unauthorised:
        for language in ("zh-hans", "en"):
            client = client_for(personas[persona] if persona else None, language)
            for url in urls:
                assert_sealed(text_of(client.get(url)), f"{url} as {persona} ({language})")
            for url in searches:
                text = text_of(client.get(url))
                assert lead.number not in text, f"{url} found the tip for {persona}"
            assert_sealed(text_of(client.post(f"/leads/{lead.pk}/", {"action": "reveal_reporter"})),
                          f"the reveal answer to {persona}")
    assert not AuditEvent.objects.filter(action="contact.reveal").exists()
    for event in AuditEvent.objects.all():
        assert_sealed(str([event.before, event.after, event.reason]), f"audit event {event.action}")
    assert all(needle not in str(list(Tip.objects.values_list())) for needle in NEEDLES)


def test_a_leader_reveals_the_web_tipster_on_request_and_the_look_is_recorded(web_tip, leader_wj):
    tip, _code = web_tip
    client = client_for(leader_wj, "en")
    assert_sealed(client.get(f"/leads/{tip.lead_id}/").content.decode(), "the lead page before the reveal")
    shown = client.post(f"/leads/{tip.lead_id}/", {"action": "reveal_reporter"}).content.decode()
    assert NAME in shown and PHONE in shown
    assert AuditEvent.objects.filter(action="contact.reveal", actor=leader_wj).count() == 1
