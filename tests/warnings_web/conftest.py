"""Fixtures for the warnings desk: a temporary lake, warnings made directly (county operators: tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ecoenforce.warnings.models import Warning

T0 = dt.datetime(2026, 10, 2, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def lake(tmp_path, settings):
    """An empty lake for this test."""
    settings.LAKE_DIR = tmp_path / "lake"
    settings.LAKE_DIR.mkdir()
    return settings.LAKE_DIR


@pytest.fixture
def make_warning():
    n = [0]

    def _make(entity, *, rule="exceedance", mn="CZ320400000000", pollutant="a21026", **kw) -> Warning:
        n[0] += 1
        defaults = dict(event_id=f"ev{n[0]:018d}", rule=rule, mn=mn, pollutant=pollutant, entity=entity,
                        region=entity.region, start=T0, end=T0 + dt.timedelta(hours=3), severity="medium",
                        value=52.5, threshold=35.0, hits=3)  # fmt: skip
        defaults.update(kw)
        return Warning.objects.create(**defaults)

    return _make


@pytest.fixture
def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)
