"""The penalty decision document: its text is composed from the case, and it renders to a one-page PDF."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from ecoenforce.cases.documents import DocumentUnavailable, decision_document, decision_pdf
from ecoenforce.cases.models import Case
from ecoenforce.core.models import Organization, Region
from ecoenforce.registry.models import Industry, RegulatedEntity

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided_case(django_user_model):
    org = Organization.objects.create(name="武进区生态环境综合行政执法大队", short_name="武",
                                      kind=Organization.Kind.COUNTY_BUREAU, region=Region.objects.get(code="320412"))
    user = django_user_model.objects.create(username="u", organization=org)
    entity = RegulatedEntity.objects.create(
        uscc="91320412MA1XQ8LU1D", name="常州恒泰印染有限公司", industry=Industry.objects.get(code="1713"),
        region=org.region, address="常州市武进区湖塘镇长江路88号", legal_representative="张卫东", permit_class="key")
    return Case.objects.create(
        number="武环立〔2026〕1号", entity=entity, region=org.region, organization=org, title="t", opened_by=user,
        filed_on=dt.date(2026, 3, 2), decision_due=dt.date(2026, 6, 1), stage="decision", outcome="penalty",
        fine_amount=Decimal("150000.00"), decision_number="武环罚〔2026〕7号", decided_on=dt.date(2026, 4, 20),
        decision_text="经查，你单位超标排放水污染物。\n决定处以罚款人民币150000元。")


def test_the_document_is_composed_from_the_case(decided_case):
    doc = decision_document(decided_case)
    assert doc.issuer == "武进区生态环境综合行政执法大队"
    assert doc.title == "行政处罚决定书"
    assert doc.number == "武环罚〔2026〕7号"
    assert doc.party == ["当事人：常州恒泰印染有限公司", "统一社会信用代码：91320412MA1XQ8LU1D",
                         "地址：常州市武进区湖塘镇长江路88号", "法定代表人：张卫东"]
    assert doc.body == ["经查，你单位超标排放水污染物。", "决定处以罚款人民币150000元。"]
    assert doc.penalty == ["罚款金额：人民币150000.00元"]  # no matter cited in this fixture: no basis line
    assert doc.discretion == []  # decided before discretion records existed
    assert doc.payment.startswith("当事人应当自收到本决定书之日起十五日内缴纳罚款")
    assert doc.signature == ["武进区生态环境综合行政执法大队", "2026年4月20日"]


@pytest.mark.skipif(not Path(settings.PDF_CJK_FONT).exists(), reason="fonts-noto-cjk not installed")
def test_it_renders_to_a_one_page_pdf_with_the_cjk_font_embedded(decided_case):
    pdf = decision_pdf(decided_case)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1
    assert b"NotoSerifCJK" in pdf


def test_without_the_font_the_person_is_told_what_to_install(decided_case, settings):
    settings.PDF_CJK_FONT = "/nonexistent/font.ttc"
    with pytest.raises(DocumentUnavailable) as caught:
        decision_pdf(decided_case)
    assert "fonts-noto-cjk" in str(caught.value.message)
