"""Issue 9 item 6: the on-site record, the inquiry record and the evidence list as PDF with correct Chinese — each is
rendered to pixels with pypdfium2 and must draw ink where its text is, and its extracted text holds the Chinese title
and the record's facts (a missing CJK font would give empty boxes or no text at all)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from onsite_helpers import signature_png

from ecoenforce.onsite.documents import evidence_list_pdf, inquiry_record_pdf, onsite_record_pdf
from ecoenforce.onsite.selectors import evidence_for_record
from ecoenforce.onsite.services import evidence_add, inquiry_record_submit, onsite_record_submit

OUT = Path(__file__).resolve().parents[2] / "test-output" / "onsite"
OUT.mkdir(parents=True, exist_ok=True)


def _render(pdf: bytes) -> tuple[str, list]:
    doc = pdfium.PdfDocument(pdf)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    images = [doc[i].render(scale=1).to_pil().convert("L") for i in range(len(doc))]
    return text, images


def _ink_share(img, top: float, bottom: float) -> float:
    """Share of dark pixels in a horizontal band of the page (0–1 of its height)."""
    w, h = img.size
    band = img.crop((0, int(top * h), w, int(bottom * h)))
    dark = sum(band.histogram()[:128])
    return dark / (band.size[0] * band.size[1])


def _check(pdf: bytes, title: str, *facts: str) -> list:
    assert pdf.startswith(b"%PDF-")
    text, images = _render(pdf)
    compact = text.replace("\r", "").replace("\n", "").replace(" ", "")
    assert title in compact
    for fact in facts:
        assert fact in compact, fact
    first = images[0]
    first.save(OUT / f"{title}.png")
    assert _ink_share(first, 0.0, 0.15) > 0.005  # the title's glyphs are drawn, not empty boxes or nothing
    assert _ink_share(first, 0.15, 0.6) > 0.005
    return images


@pytest.fixture
def record(submit_kwargs, inspector_wj):
    record, _c = onsite_record_submit(**submit_kwargs(summary="废气处理设施运行正常，排放口标志牌规范。"))
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 150), (90, 120, 200)).save(buf, format="JPEG")
    data = buf.getvalue()
    evidence_add(user=inspector_wj, data=data, declared_sha256=hashlib.sha256(data).hexdigest(), kind="photo",
                 record=record, original_name="排放口.jpg", lat="31.7", lon="119.9")
    return record


def test_the_onsite_record_pdf_draws_its_chinese(record):
    images = _check(onsite_record_pdf(record), "现场检查（勘察）笔录", record.number, record.entity.name, "王建国",
                    "执法证号", "大气污染防治法")
    assert len(images) >= 1


def test_the_inquiry_record_pdf_draws_its_chinese(submit_kwargs, task, inspector_wj):
    base = submit_kwargs()
    inquiry, _c = inquiry_record_submit(
        actor=inspector_wj, idempotency_key=uuid.uuid4().hex, subject="task", subject_id=task.pk,
        started_at=base["started_at"], ended_at=base["ended_at"], officers=base["officers"],
        interviewee_name="王建国", interviewee_post="生产副总", interviewee_signature=signature_png(),
        qa=[{"q": "你单位废气处理设施何时开始运行？", "a": "2019年投运，一直正常运行。"}])
    _check(inquiry_record_pdf(inquiry), "调查询问笔录", "问：你单位废气处理设施何时开始运行？", "王建国")


def test_the_evidence_list_pdf_draws_its_chinese(record):
    evidence = list(evidence_for_record(record))
    pdf = evidence_list_pdf(title_number=record.number, issuer="武进区生态环境综合行政执法大队",
                            entity_name=record.entity.name, evidence=evidence)
    _check(pdf, "证据清单", "排放口.jpg", evidence[0].sha256[:32])
