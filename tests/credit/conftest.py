"""Fixtures for the credit tests."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Messages in English so tests can assert them exactly."""
    with translation.override("en"):
        yield
