"""Public tips: a citizen files one without signing in (anonymous or real-name, where, photos) and follows it by its
tracking code; bad input is refused in words with what was typed kept; an address sending many tips in a minute is
refused; the 12369 hotline enters calls; photos reach only staff who may open the lead."""

from __future__ import annotations

import json
import re
import stat
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from ecoenforce.cases.services import case_transition
from ecoenforce.core.models import AuditEvent, SealedContact
from ecoenforce.leads.models import Lead
from ecoenforce.leads.services import lead_assign, lead_close, lead_convert
from ecoenforce.social.codes import ALPHABET, code_display, code_normalize
from ecoenforce.social.models import Tip, TipPhoto
from ecoenforce.social.selectors import tip_progress

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.FILES_DIR = tmp_path


def public(language: str = "en", address: str = "203.0.113.7") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.cookies["django_language"] = language
    return client


def form_token(client: Client, url: str = "/tips/") -> str:
    return re.search(r'name="submission_token" value="([0-9a-f]{32})"', client.get(url).content.decode()).group(1)


def tip_data(client: Client, county, **over) -> dict:
    data = {"title": "Black water from a pipe into the canal at night", "description": "After 22:00, smells of solvent.",
            "region": county.pk, "address": "Canal bridge east of 88 Wuyi Road", "identity": "anonymous",
            "submission_token": form_token(client), "observed_at": "2026-11-28T22:30"}
    data.update(over)
    return data


def code_from(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].strip("/").split("/")[-1]


def test_codes_are_long_unambiguous_and_forgiving_to_type():
    assert set(ALPHABET).isdisjoint("01ILO") and len(ALPHABET) == 31
    assert code_normalize(" abcd-efgh-jkmn ") == "ABCDEFGHJKMN"
    assert code_normalize("ABCD-EFGH-JKM0") is None and code_normalize("ABC") is None
    assert code_display("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


def test_a_citizen_files_an_anonymous_tip_and_follows_it(region_wj):
    client = public()
    assert client.get("/tips/").status_code == 200
    code = code_from(client.post("/tips/", tip_data(client, region_wj, latitude="31.705123456",
                                                    longitude="119.94", photos=[SimpleUploadedFile("a.png", PNG)])))
    tip = Tip.objects.select_related("lead").get()
    lead = tip.lead
    assert (lead.source, lead.region, lead.reporter, lead.status) == (Lead.Source.TIP, region_wj, None, Lead.Status.NEW)
    assert lead.location == "Canal bridge east of 88 Wuyi Road (31.705123, 119.940000)"
    assert tip.code_hash != code and code not in str(Tip.objects.values_list()) and tip.channel == "web"
    assert tip.photos.get().content_type == "image/png"
    page = client.get(f"/tips/{code}/").content.decode()
    assert code_display(code) in page and "Black water from a pipe" in page and "Tip received" in page
    assert 'data-done="0"' in page  # not yet verified
    assert client.get("/tips/find/", {"code": code_display(code).lower()})["Location"] == f"/tips/{code}/"
    event = AuditEvent.objects.get(action="tip.submit")
    assert event.after["channel"] == "web" and event.after["photos"][0]["type"] == "image/png"
    assert code not in str([event.before, event.after, event.reason])


def test_the_same_form_sent_twice_gives_one_tip_and_the_same_code(region_wj):
    client = public()
    data = tip_data(client, region_wj)
    assert code_from(client.post("/tips/", data)) == code_from(client.post("/tips/", data))
    assert Tip.objects.count() == Lead.objects.count() == 1


def test_a_real_name_tip_seals_the_name_and_phone(region_wj):
    client = public()
    code = code_from(client.post("/tips/", tip_data(client, region_wj, identity="real_name", name="柳如烟",
                                                    phone="136 8765 4321")))
    tip = Tip.objects.get()
    assert (tip.lead.reporter.name, tip.lead.reporter.phone, tip.anonymous) == ("柳如烟", "136 8765 4321", False)
    page = client.get(f"/tips/{code}/").content.decode()
    assert "柳如烟" not in page and "8765" not in page


@pytest.mark.parametrize(("language", "over", "field", "words"), [
    ("en", {"region": "", "address": ""}, "region", "Choose the county where you saw it."),
    ("zh-hans", {"region": "", "address": ""}, "region", "请选择您看到问题的区县。"),
    ("en", {"latitude": "95", "longitude": "119.9"}, "latitude", "These coordinates are not in China."),
    ("en", {"latitude": "48.85", "longitude": "2.35"}, "latitude", "These coordinates are not in China."),
    ("en", {"latitude": "31.7"}, "latitude", "Give both latitude and longitude, or neither."),
    # latitude and longitude the wrong way round, a spot in another province, words where a number goes
    ("en", {"latitude": "119.94", "longitude": "31.7"}, "latitude", "These coordinates are not in China."),
    ("en", {"latitude": "39.9", "longitude": "116.4"}, "latitude", "These coordinates are not in 江苏省, where 武进区 is."),
    ("zh-hans", {"latitude": "39.9", "longitude": "116.4"}, "latitude", "该坐标不在武进区所在的江苏省境内。"),
    ("en", {"latitude": "north", "longitude": "119.9"}, "latitude", "The latitude is a number of degrees north"),
    ("zh-hans", {"latitude": "31.7", "longitude": "east"}, "longitude", "经度是东经度数，例如 119.95。"),
    ("en", {"latitude": "nan", "longitude": "inf"}, "latitude", "The latitude is a number of degrees north"),
    ("en", {"identity": "real_name", "name": "柳如烟", "phone": "call me"}, "phone", "A real-name tip needs"),
    ("en", {"observed_at": "2099-01-01T10:00"}, "observed_at", "cannot be in the future"),
    ("en", {"website": "http://spam.example"}, None, "This form could not be sent."),
])
def test_bad_input_is_refused_in_words_and_what_was_typed_is_kept(region_wj, language, over, field, words):
    client = public(language)
    response = client.post("/tips/", tip_data(client, region_wj, **over))
    page = response.content.decode()
    assert response.status_code == 400
    assert words in page
    assert "Black water from a pipe into the canal at night" in page  # the title is still in the form
    for name in ("latitude", "longitude"):  # and so are the coordinates, as typed, beside their error
        if name in over:
            assert re.search(rf'name="{name}" value="{re.escape(over[name])}"', page), name
    if field is not None:
        assert re.search(rf'name="{field}"[^>]*class="[^"]*is-invalid', page), field
    assert not Tip.objects.exists() and not Lead.objects.exists() and not SealedContact.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_written(region_wj, tmp_path):
    client = public()
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post("/tips/", tip_data(client, region_wj, photos=[SimpleUploadedFile("ok.jpg", JPEG), fake]))
    assert response.status_code == 400
    assert "File 2 is not a photo (JPEG, PNG or WebP)." in response.content.decode()
    assert not Tip.objects.exists() and not TipPhoto.objects.exists() and not any(tmp_path.rglob("*.jpg"))


def test_fifty_tips_from_one_address_in_a_minute_are_refused_past_the_limit(region_wj, settings):
    # A long window: the count must not depend on how fast this machine runs the 50 requests.
    settings.TIP_RATE = {"limit": 10, "window": 3600}
    client, statuses = public(), []
    data = tip_data(client, region_wj)
    for _ in range(50):
        statuses.append(client.post("/tips/", {**data, "submission_token": uuid.uuid4().hex}).status_code)
    assert statuses.count(302) == 10 and statuses.count(429) == 40
    refused = client.post("/tips/", tip_data(client, region_wj))
    assert "Many tips were sent from your network in the last minute" in refused.content.decode()
    assert Tip.objects.count() == 10
    # another address is not held back, and no address is stored
    assert public(address="198.51.100.9").post("/tips/", tip_data(client, region_wj)).status_code == 302
    assert "203.0.113.7" not in str(list(Tip.objects.values_list()))


def test_progress_reads_in_plain_words_without_staff_names(region_wj, entity_wj, leader_wj, inspector_wj,
                                                          inspector2_wj):
    client = public()
    code = code_from(client.post("/tips/", tip_data(client, region_wj)))
    lead = Tip.objects.get().lead
    with transaction.atomic():
        lead_assign(lead_id=lead.pk, actor=leader_wj, assignee_id=inspector_wj.pk, note="周明 please check at night")
    steps = tip_progress(code).steps
    assert [s.done for s in steps] == [True, True, False]
    with transaction.atomic():
        case = lead_convert(lead_id=lead.pk, actor=inspector_wj, title="", facts="", entity=entity_wj,
                            handlers=[inspector_wj, inspector2_wj])
    assert [s.done for s in tip_progress(code).steps] == [True, True, False]  # proposed: still being verified
    with transaction.atomic():
        case_transition(case_id=case.pk, actor=leader_wj, action="approve_filing", reason="同意立案。")
    assert [s.done for s in tip_progress(code).steps] == [True, True, True, False]
    page = client.get(f"/tips/{code}/").content.decode()
    assert "A case was opened" in page
    for name in (leader_wj.full_name, inspector_wj.full_name, inspector2_wj.full_name, entity_wj.name, lead.number):
        assert name not in page


def test_a_closed_tip_shows_its_outcome_not_the_officers_note(region_wj, inspector_wj):
    client = public("zh-hans")
    code = code_from(client.post("/tips/", tip_data(client, region_wj)))
    with transaction.atomic():
        lead_close(lead_id=Tip.objects.get().lead_id, actor=inspector_wj, reason=Lead.CloseReason.NO_VIOLATION,
                   note="周明 checked the outfall log")
    page = client.get(f"/tips/{code}/").content.decode()
    assert "经核查，未发现违法行为。" in page and "outfall log" not in page


def test_an_unknown_or_malformed_code_is_not_found_in_words():
    for code in ("ABCDEFGHJKMN", "nope"):
        response = public().get(f"/tips/{code}/")
        assert response.status_code == 404
        assert "No tip has this tracking code." in response.content.decode()
    assert public().get("/tips/find/", {"code": "12"}).status_code == 400


def test_staff_enter_a_12369_call_and_read_the_code_back(region_wj, operator_wj, grid_member, enterprise_user):
    client = Client()
    client.force_login(operator_wj)
    client.cookies["django_language"] = "en"
    token = form_token(client, "/tips/phone/")
    data = {"title": "Caller: dust from the quarry all day", "description": "Caller says trucks run uncovered.",
            "region": region_wj.pk, "address": "Quarry road", "identity": "real_name", "name": "王大伯",
            "phone": "13900001111", "submission_token": token}
    response = client.post("/tips/phone/", data)
    page = response.content.decode()
    shown = re.search(r'data-testid="tracking-code">([A-Z0-9-]{14})<', page).group(1)
    tip = Tip.objects.select_related("lead__reporter").get()
    assert (tip.channel, tip.lead.created_by, tip.lead.reporter.phone, tip.client_key) == ("phone", operator_wj,
                                                                                         "13900001111", "")
    assert "13900001111" not in page and "王大伯" not in page
    assert "Tip received" in public().get(f"/tips/{code_normalize(shown)}/").content.decode()
    for user in (grid_member, enterprise_user):
        other = Client()
        other.force_login(user)
        assert other.get("/tips/phone/").status_code == 403
    assert Client().get("/tips/phone/").status_code == 302  # sign in first


def test_photos_reach_only_staff_who_may_open_the_lead(region_wj, inspector_wj, leader_wj, inspector_xb, tmp_path):
    client = public()
    code_from(client.post("/tips/", tip_data(client, region_wj, photos=[SimpleUploadedFile("x.jpg", JPEG)])))
    photo = TipPhoto.objects.get()
    stored = tmp_path / "tips" / photo.stored
    assert stored.read_bytes() == JPEG and stat.S_IMODE(stored.stat().st_mode) == 0o600
    leader = Client()
    leader.force_login(leader_wj)
    assert f"/tips/photos/{photo.pk}/" in leader.get(f"/leads/{photo.tip.lead_id}/").content.decode()
    response = leader.get(f"/tips/photos/{photo.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    outsider = Client()
    outsider.force_login(inspector_xb)
    assert outsider.get(f"/tips/photos/{photo.pk}/").status_code == 404
    assert public().get(f"/tips/photos/{photo.pk}/").status_code == 302


def test_the_form_and_the_lead_show_the_spot_on_the_grids_outlines(region_wj, leader_wj, grid_member, inspector_xb):
    from ecoenforce.grids.services import grid_create

    ring = [[119.90, 31.70], [120.00, 31.70], [120.00, 31.80], [119.90, 31.80], [119.90, 31.70]]
    grid_create(actor=leader_wj, code="WJ-HT-01", name="湖塘镇第一网格", region=region_wj, town="湖塘镇",
                boundary={"type": "Polygon", "coordinates": [ring]}, member_ids=[grid_member.pk])
    client = public()
    form = client.get("/tips/").content.decode()
    drawn = json.loads(re.search(r'<script id="tip-map-data" type="application/json">(.*?)</script>', form).group(1))
    # The public map: the grid's outline, town and name, and the county it lies in — nobody on it, no code.
    assert drawn["features"] == [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                                  "properties": {"name": "湖塘镇第一网格", "town": "湖塘镇", "county": region_wj.pk}}]
    assert len(drawn["extent"]) == 4 and grid_member.full_name not in form and "WJ-HT-01" not in form
    assert 'data-tip-map="tip-map-data"' in form and "vendor/leaflet/leaflet.js" in form and "{z}" not in form
    code_from(client.post("/tips/", tip_data(client, region_wj, latitude="31.705123", longitude="119.94")))
    staff = Client()
    staff.force_login(leader_wj)
    page = staff.get(f"/leads/{Tip.objects.get().lead_id}/").content.decode()
    assert 'data-testid="lead-tip-map"' in page and 'data-tip-point="31.705123,119.940000"' in page
    assert 'id="lead-tip-map-data"' in page
