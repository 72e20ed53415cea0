"""Unified social credit codes: real valid codes, each kind of defect, and entity_create refusing bad ones."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.models import AuditEvent
from ecoenforce.registry.models import Industry, RegulatedEntity
from ecoenforce.registry.services import entity_create
from ecoenforce.registry.uscc import org_code_check_char, uscc_make, uscc_problem

REAL_CODES = ["91110000710925462X", "91110000625905205U", "91520000214434146R"]
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert uscc_problem(code) is None
    assert uscc_problem(code.lower()) is None
    assert uscc_problem(f"  {code} ") is None


@pytest.mark.parametrize(("code", "problem"), [
    ("91110000710925462Y", "checksum"),  # wrong check character
    ("91110000625905205A", "checksum"),
    ("91110000625905205V", "format"),  # V is never used
    ("9111000071092546", "length"),
    ("91110000710925462", "length"),
    ("91110000710925462XX", "length"),
    ("", "length"),
    ("91I10000710925462X", "format"),  # letter I never appears
    ("91O10000710925462X", "format"),  # letter O never appears
    ("91320412123456781J", "org_checksum"),  # final check right, embedded organisation code wrong
])
def test_each_defect_has_its_own_key(code, problem):
    assert uscc_problem(code) == problem


def test_org_code_check_char_of_a_real_code():
    assert org_code_check_char("71092546") == "2"
    assert org_code_check_char("21443414") == "6"


@given(prefix=st.text(alphabet="0123456789", min_size=6, max_size=6),
       body=st.text(alphabet=ORG_ALPHABET, min_size=8, max_size=8))
@settings(max_examples=300, deadline=None)
def test_uscc_make_always_validates(prefix, body):
    code = uscc_make("91" + prefix, body)
    assert len(code) == 18
    assert uscc_problem(code) is None


def _create(actor, region, uscc):
    return entity_create(actor=actor, uscc=uscc, name="常州某某有限公司", industry=Industry.objects.get(code="2614"),
                         region=region, address="常州市武进区某路1号", permit_class="key")


@pytest.mark.parametrize(("code", "msgid"), [
    ("91110000710925462Y", "The last character does not match the rest of the code: check it against the business licence."),
    ("9111000071092546", "A unified social credit code has exactly 18 characters."),
    ("91O10000710925462X", "The code contains characters a credit code cannot have (letters I, O, S, V, Z are never used)."),
    ("91320412123456781J", "Characters 9–17 are not a valid organisation code: check it against the business licence."),
])
def test_entity_create_refuses_a_bad_code_with_a_translated_message(admin_user, region_wj, code, msgid):
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            with pytest.raises(ValidationFailed) as exc_info:
                _create(admin_user, region_wj, code)
            # The message goes through gettext in the active language (the zh-hans catalogue is being filled).
            assert exc_info.value.message == translation.gettext(msgid)
            assert exc_info.value.details == {"uscc": [translation.gettext(msgid)]}
    with translation.override("en"):
        assert translation.gettext(msgid) == msgid
    assert RegulatedEntity.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_entity_create_normalises_and_audits(admin_user, region_wj):
    entity = _create(admin_user, region_wj, " 91110000710925462x ")
    assert entity.uscc == "91110000710925462X"
    event = AuditEvent.objects.get()
    assert (event.action, event.object_type, event.object_id) == ("entity.create", "registry.regulatedentity", str(entity.pk))
    assert event.after["uscc"] == "91110000710925462X"
    assert event.after["region"] == region_wj.pk


def test_entity_create_refuses_a_duplicate_code(admin_user, region_wj):
    _create(admin_user, region_wj, REAL_CODES[0])
    with pytest.raises(ValidationFailed) as exc_info:
        _create(admin_user, region_wj, REAL_CODES[0].lower())
    assert list(exc_info.value.details) == ["uscc"]
    assert RegulatedEntity.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_entity_create_refuses_a_city_region(admin_user, region_city):
    with pytest.raises(ValidationFailed) as exc_info:
        _create(admin_user, region_city, REAL_CODES[0])
    assert list(exc_info.value.details) == ["region"]
    assert RegulatedEntity.objects.count() == 0
