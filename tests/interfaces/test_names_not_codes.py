"""People read names, never codes: the organisation in full, a case's source as a link to its lead, the starter
catalogue's note in the reader's language, an entity's history without internal keys."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from ecoenforce.inspections.models import Inspection
from ecoenforce.registry.services import entity_event_record
from factories import make_case, publish_starter_catalogue

pytestmark = pytest.mark.django_db


def _client(user, lang: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def test_the_header_names_the_organisation_in_full(inspector_wj):
    page = _client(inspector_wj).get("/cases/").content.decode()
    whoami = re.search(r'data-testid="whoami">([^<]*)<', page).group(1)
    assert whoami.endswith(" · 武进区生态环境综合行政执法大队")


def test_a_case_names_its_source_lead_with_a_link(entity_wj, inspector_wj, inspector2_wj):
    case = make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj])
    lead = case.lead
    for lang, word in (("zh-hans", "线索"), ("en", "Lead")):
        page = _client(inspector_wj, lang).get(f"/cases/{case.pk}/").content.decode()
        source = re.search(r'data-testid="case-source">(.*?)</dd>', page, re.S).group(1)
        assert f'<a href="/leads/{lead.pk}/">{word} {lead.number}</a>' in source
        assert "lead:" not in source and lead.title in source


def test_the_starter_catalogue_says_it_holds_samples_in_the_readers_language(inspector_wj, client):
    publish_starter_catalogue()
    for page in (_client(inspector_wj).get("/registry/catalogue/", follow=True).content.decode(),
                 client.get("/public/catalogue/").content.decode()):
        assert "ecoenforce starter catalogue" not in page and "ecoenforce:" not in page
        notice = re.search(r'data-testid="starter-notice">([^<]*)<', page).group(1)
        assert notice.startswith("起步版目录") and "样本" in notice
        assert "样本文本，待核对" in page


def test_entity_history_shows_no_internal_keys(entity_wj, inspector_wj, inspector2_wj):
    inspection = Inspection.objects.create(entity=entity_wj, region=entity_wj.region, kind=Inspection.Kind.ROUTINE,
                                           inspected_on=timezone.localdate())
    entity_event_record(entity=entity_wj, kind="inspection_clean", date=inspection.inspected_on,
                        ref=f"inspection:{inspection.pk}")
    case = make_case(entity=entity_wj, opener=inspector_wj, handlers=[inspector_wj, inspector2_wj])
    page = _client(inspector_wj).get(f"/registry/entities/{entity_wj.pk}/").content.decode()
    assert f"inspection:{inspection.pk}" not in page
    assert case.number in page
