"""Case tests: pages requested in English must not leave English active for the tests that run after them."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_restored():
    yield
    translation.deactivate()  # back to settings.LANGUAGE_CODE: a later test reads the default language
