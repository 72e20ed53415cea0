"""Credit lists for partner departments (issue 13 item 2): a unit leader addresses a list of entities by credit grade
to the power company or a bank; only that department's users (and the bureau's leaders) download it, as CSV or Excel
through core/export.py; every creation and download is in the whole-process record."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client

from ecoenforce.core.models import AuditEvent, Organization, Role, User
from ecoenforce.credit.models import CreditRating, PartnerList
from factories import make_entity


@pytest.fixture
def power(region_city) -> Organization:
    return Organization.objects.create(name="国网常州供电公司", short_name="电", kind=Organization.Kind.PARTNER,
                                       region=region_city)


@pytest.fixture
def bank(region_city) -> Organization:
    return Organization.objects.create(name="江苏银行常州分行", short_name="银", kind=Organization.Kind.PARTNER,
                                       region=region_city)


def _partner_user(name: str, org: Organization) -> User:
    return User.objects.create_user(username=name, password="x" * 12, role=Role.PARTNER, organization=org)


@pytest.fixture
def rated(region_wj, region_xb, admin_user):
    """Four Wujin firms rated green, blue, red, black, and a red firm in Xinbei."""
    out = {}
    for grade, region in (("green", region_wj), ("blue", region_wj), ("red", region_wj), ("black", region_wj),
                          ("red_xb", region_xb)):
        e = make_entity(region=region, actor=admin_user)
        CreditRating.objects.create(entity=e, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31),
                                    grade=grade.split("_")[0], score=Decimal("50"), explanation={})
        out[grade] = e
    return out


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = "en"
    return c


def test_a_leader_addresses_a_list_and_only_that_partner_downloads_it(leader_wj, power, bank, rated):
    leader = _client(leader_wj)
    response = leader.post("/credit/partner-lists/", {"title": "2026年上半年差别电价企业名单", "partner": power.pk,
                                                      "purpose": "power_price", "grades": ["red", "black"]})
    assert response.status_code == 302
    plist = PartnerList.objects.get()
    assert plist.grades == ["red", "black"] and plist.organization == leader_wj.organization
    assert AuditEvent.objects.filter(action="credit.partner_list_create").count() == 1

    utility = _client(_partner_user("power_user", power))
    page = utility.get("/credit/partner-lists/").content.decode()
    assert "2026年上半年差别电价企业名单" in page
    download = utility.post(f"/credit/partner-lists/{plist.pk}/download/", {"format": "csv"})
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    codes = {r[0] for r in rows[1:]}
    # red and black of the leader's county only: not green, not blue, not the red firm of another county
    assert codes == {rated["red"].uscc, rated["black"].uscc}
    event = AuditEvent.objects.filter(action="credit.partner_list_export").get()
    assert event.after["rows"] == 2 and event.after["format"] == "csv"
    assert utility.post(f"/credit/partner-lists/{plist.pk}/download/", {"format": "xlsx"}).status_code == 200

    banker = _client(_partner_user("bank_user", bank))
    assert "2026年上半年差别电价企业名单" not in banker.get("/credit/partner-lists/").content.decode()
    assert banker.post(f"/credit/partner-lists/{plist.pk}/download/", {"format": "csv"}).status_code == 404
    assert AuditEvent.objects.filter(action="credit.partner_list_export").count() == 2


def test_bad_input_is_refused_and_others_may_not_create(leader_wj, inspector_wj, power, rated, org_wj):
    leader = _client(leader_wj)
    refused = leader.post("/credit/partner-lists/", {"title": "", "partner": org_wj.pk, "purpose": "power_price"})
    assert refused.status_code == 422 and not PartnerList.objects.exists()
    body = refused.content.decode()
    assert "Choose the partner department the list is for." in body  # a bureau is not a partner department
    assert _client(inspector_wj).get("/credit/partner-lists/").status_code == 403
    utility = _client(_partner_user("power_user", power))
    assert utility.post("/credit/partner-lists/", {"title": "x", "partner": power.pk, "purpose": "power_price",
                                                   "grades": ["red"]}).status_code == 200
    assert not PartnerList.objects.exists()  # a partner reads, never creates
