"""The Chinese catalogue is complete and compiled: Chinese is the product's first language."""

from __future__ import annotations

from pathlib import Path

import polib
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "src" / "ecoenforce" / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_has_a_chinese_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_no_message_is_defined_twice():
    """Branches append to the catalogue and merge with git's union driver: a msgid added on both sides must go."""
    seen: dict[tuple[str, str], int] = {}
    for entry in polib.pofile(str(LOCALE / "django.po")):
        key = (entry.msgctxt or "", entry.msgid)
        seen[key] = seen.get(key, 0) + 1
    assert [key for key, count in seen.items() if count > 1] == []


def test_the_compiled_catalogue_matches_the_source():
    po = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "django.po")) if not e.msgid_plural}
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / "django.mo")) if not e.msgid_plural}
    assert mo == po


def test_chinese_is_served_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert translation.gettext("Leads inbox") == "线索库"
        assert translation.gettext("Legal review") == "法制审核"
    with translation.override("en"):
        assert translation.gettext("Leads inbox") == "Leads inbox"
