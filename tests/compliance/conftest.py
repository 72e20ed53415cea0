"""Fixtures for the enterprise portal: a firm user with one facility in 武进区, another firm with its own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from ecoenforce.core.models import Role, User
from ecoenforce.registry.models import EnterpriseAccount
from factories import make_entity

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def files(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


@pytest.fixture
def firm(enterprise_user, entity_wj):
    EnterpriseAccount.objects.create(user=enterprise_user, entity=entity_wj)
    return enterprise_user


@pytest.fixture
def other_entity(region_wj, admin_user):
    return make_entity(region=region_wj, actor=admin_user, name="常州另一家化工有限公司")


@pytest.fixture
def other_firm(db, other_entity):
    user = User(username="other_firm", role=Role.ENTERPRISE, full_name="王五")
    user.set_unusable_password()
    user.save()
    EnterpriseAccount.objects.create(user=user, entity=other_entity)
    return user


@pytest.fixture
def client_for():
    def make(user, lang: str = "en") -> Client:
        c = Client()
        c.force_login(user)
        c.cookies["django_language"] = lang
        return c
    return make


@pytest.fixture
def pdf() -> bytes:
    return PDF
