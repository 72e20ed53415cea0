"""Fixtures for the monitoring pages/API tests: temporary spool, lake, snapshot and gateway log."""

from __future__ import annotations

import pytest

from ecoenforce.monitoring import selectors


@pytest.fixture
def mon_dirs(settings, tmp_path):
    """Point SPOOL_DIR, LAKE_DIR, DEVICE_SNAPSHOT and VAR_DIR at a temporary tree; force the next lake load."""
    settings.SPOOL_DIR = tmp_path / "spool"
    settings.LAKE_DIR = tmp_path / "lake"
    settings.DEVICE_SNAPSHOT = tmp_path / "gateway" / "devices.json"
    settings.VAR_DIR = tmp_path
    settings.SPOOL_DIR.mkdir()
    selectors._last_load["at"] = 0.0
    return tmp_path


@pytest.fixture(autouse=True)
def english():
    """Assert the English msgids (the default language is Chinese)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    """The test client, asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
