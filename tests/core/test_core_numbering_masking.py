"""Document numbers and personal-data masking."""

from __future__ import annotations

import pytest
from django.db import transaction

from ecoenforce.core.masking import mask_free_text, mask_id_number, mask_person_name
from ecoenforce.core.models import DocumentSequence
from ecoenforce.core.numbering import document_number_next


def test_numbers_count_per_organization_kind_and_year(org_wj, org_xb):
    with transaction.atomic():
        got = [document_number_next(organization=org_wj, kind="penalty", year=2026) for _ in range(3)]
        got.append(document_number_next(organization=org_wj, kind="penalty", year=2027))
        got.append(document_number_next(organization=org_xb, kind="penalty", year=2026))
        got.append(document_number_next(organization=org_wj, kind="correction", year=2026))
    assert got == ["武环罚〔2026〕1号", "武环罚〔2026〕2号", "武环罚〔2026〕3号", "武环罚〔2027〕1号",
                   "新环罚〔2026〕1号", "武环责改〔2026〕1号"]
    assert DocumentSequence.objects.get(organization=org_wj, kind="penalty", year=2026).last == 3


def test_unknown_kind_is_refused_and_reserves_nothing(org_wj):
    with pytest.raises(ValueError), transaction.atomic():
        document_number_next(organization=org_wj, kind="bogus", year=2026)
    assert DocumentSequence.objects.count() == 0


@pytest.mark.parametrize(("name", "masked"), [("张三丰", "张**"), ("李四", "李*"), ("John Smith", "J*** S****"), ("  ", "")])
def test_mask_person_name(name, masked):
    assert mask_person_name(name) == masked


@pytest.mark.parametrize(("value", "masked"), [("13912345678", "139****5678"), ("320412199001011234", "320***********1234"),
                                               ("1234567", "*******")])
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked


def test_mask_free_text():
    text = "法定代表人张三丰（身份证320412199001011234，手机13912345678）"
    assert mask_free_text(text, names=["张三丰"]) == "法定代表人张**（身份证320412********1234，手机139****5678）"
