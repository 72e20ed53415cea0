"""Before enforcement (事前公开): a citizen checks an officer's certificate and reads the procedure with the time
limits the platform enforces."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecoenforce.core.models import User


@pytest.fixture
def officers(inspector_wj, inspector2_wj, leader_wj, inspector_xb, uncertified_wj, operator, grid_member):
    return [inspector_wj, inspector2_wj, leader_wj, inspector_xb]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_certified_officers_are_public_and_nobody_else(client, officers, uncertified_wj, grid_member, lang):
    client.cookies["django_language"] = lang
    page = client.get(reverse("disclosure:officers")).content.decode()
    for o in officers:
        assert o.certificate_no in page and o.full_name in page
    assert uncertified_wj.full_name not in page  # no certificate: may not inspect, not listed
    assert grid_member.full_name not in page


def test_a_certificate_number_is_checked_exactly(client, officers, inspector_wj):
    page = client.get(reverse("disclosure:officers"), {"q": inspector_wj.certificate_no}).content.decode()
    assert inspector_wj.full_name in page and "吴静" not in page
    page = client.get(reverse("disclosure:officers"), {"q": inspector_wj.certificate_no[:-1]}).content.decode()
    assert inspector_wj.full_name not in page  # a partial number proves nothing


def test_a_unit_filter_and_an_inactive_officer(client, officers, inspector_wj, inspector_xb, org_xb):
    page = client.get(reverse("disclosure:officers"), {"unit": org_xb.pk}).content.decode()
    assert inspector_xb.full_name in page and inspector_wj.full_name not in page
    User.objects.filter(pk=inspector_xb.pk).update(is_active=False)
    page = client.get(reverse("disclosure:officers"), {"unit": org_xb.pk}).content.decode()
    assert inspector_xb.full_name not in page
    assert client.get(reverse("disclosure:officers"), {"unit": "x"}).status_code == 200


def test_the_procedure_states_the_limits_the_platform_keeps(client, db):
    from ecoenforce.cases.procedure_services import procedure_rules_current
    from ecoenforce.cases.services import DECISION_WITHIN_DAYS

    client.cookies["django_language"] = "en"
    page = client.get(reverse("disclosure:procedure")).content.decode()
    rules, _version = procedure_rules_current()
    assert f"within {DECISION_WITHIN_DAYS} days of filing" in page
    assert f"paid within {rules.payment_days} days" in page
    assert "《行政处罚法》第六十条" in page
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("disclosure:procedure")).content.decode()
    assert "立案审批" in page and "个工作日内陈述、申辩和申请听证" in page


@pytest.mark.django_db
def test_every_public_page_links_the_whole_portal_before_and_after(client):
    """A citizen reaches every part from every list page: before (catalogue, procedure, officers) and after (decisions,
    rounds, facilities, typical cases, the firms' disclosure reports)."""
    parts = ["home", "catalogue", "procedure", "officers", "rounds", "facilities", "typical_cases", "reports"]
    for name in parts:
        page = client.get(reverse(f"disclosure:{name}"))
        assert page.status_code == 200, name
        html = page.content.decode()
        assert 'data-testid="portal-links"' in html, name
        for other in parts:
            assert f'href="{reverse(f"disclosure:{other}")}"' in html, (name, other)
