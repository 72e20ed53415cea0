"""Official case documents as PDF (行政处罚决定书), rendered with a CJK serif font so Chinese prints exactly."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from ecoenforce.cases.discretion import explanation_lines
from ecoenforce.cases.models import Case
from ecoenforce.core.errors import ApplicationError

# Debian's fonts-noto-cjk; index 2 of the collection is Simplified Chinese.
DEFAULT_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
SC_INDEX = 2


class DocumentUnavailable(ApplicationError):
    """The server cannot render official documents (no CJK font installed)."""

    status = 503


@dataclass(frozen=True)
class DecisionDocument:
    """The paragraphs of a penalty decision, in order (what the PDF prints)."""

    issuer: str
    title: str
    number: str
    party: list[str]
    body: list[str]
    penalty: list[str]  # the fine and the article cited
    discretion: list[str]  # how the fine was set (裁量说明), in Chinese
    payment: str
    rights: str
    signature: list[str]


# 行政处罚法 art. 67 (pay within 15 days) and art. 72 (3 % a day, at most the fine).
PAYMENT = ("当事人应当自收到本决定书之日起十五日内缴纳罚款（《中华人民共和国行政处罚法》第六十七条）。"
           "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款，加处罚款的数额不超出罚款的数额（第七十二条）。")


# 行政复议法 art. 20 (60 days), 行政诉讼法 art. 46 (6 months), 行政处罚法 art. 73 (no suspension).
RIGHTS = ("当事人如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，"
          "或者自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。"
          "申请行政复议或者提起行政诉讼的，不停止本决定的执行。")


def _discretion_paragraphs(case: Case) -> list[str]:
    """裁量说明: the itemized explanation of the fine in Chinese, and why a different fine was imposed."""
    if not case.discretion:
        return []
    version = case.discretion.get("version")
    head = f"裁量说明（自由裁量基准第{version}版）：" if version else "裁量说明："
    lines = [head] + [f"{i}. {text}" for i, text in enumerate(explanation_lines(case.discretion, language="zh-hans"), 1)]
    if case.fine_deviation_reason:
        lines.append(f"未按裁量计算罚款（{case.fine_computed}元）作出处罚的理由：{case.fine_deviation_reason}")
    return lines


def decision_document(case: Case) -> DecisionDocument:
    """Compose the decision's text from the case record (no rendering)."""
    entity = case.entity
    decided = case.decided_on
    return DecisionDocument(
        issuer=case.organization.name,
        title="行政处罚决定书",
        number=case.decision_number,
        party=[
            f"当事人：{entity.name}",
            f"统一社会信用代码：{entity.uscc}",
            f"地址：{entity.address}",
            f"法定代表人：{entity.legal_representative}",
        ],
        body=[p for p in case.decision_text.splitlines() if p.strip()],
        penalty=[line for line in (
            f"处罚依据：{case.legal_basis}" if case.legal_basis else "",
            f"罚款金额：人民币{case.fine_amount}元" if case.fine_amount is not None else "",
        ) if line],
        discretion=_discretion_paragraphs(case),
        payment=(PAYMENT if case.fine_amount else ""),
        rights=RIGHTS,
        signature=[case.organization.name, f"{decided.year}年{decided.month}月{decided.day}日" if decided else ""],
    )


def decision_pdf(case: Case) -> bytes:
    """Render the decision as an A4 PDF."""
    font = Path(getattr(settings, "PDF_CJK_FONT", "") or DEFAULT_FONT)
    if not font.exists():
        raise DocumentUnavailable(_("Official documents cannot be printed: the Chinese font is not installed on the "
                                    "server. Ask the administrator to install the fonts-noto-cjk package."))
    if not case.decision_number:
        raise ApplicationError(_("This case has no decision yet: the document is issued with the decision."))
    doc = decision_document(case)
    pdf = FPDF(format="A4")
    pdf.set_margins(28, 30, 26)
    pdf.add_font("serif", fname=str(font), collection_font_number=SC_INDEX)
    pdf.add_page()
    pdf.set_font("serif", size=18)
    pdf.multi_cell(0, 11, doc.issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=22)
    pdf.multi_cell(0, 14, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=12)
    pdf.multi_cell(0, 9, doc.number, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("serif", size=14)
    for line in doc.party:
        pdf.multi_cell(0, 9, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for paragraph in [*doc.body, *doc.penalty]:
        pdf.multi_cell(0, 9, "　　" + paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if doc.discretion:
        pdf.set_font("serif", size=11)
        for line in doc.discretion:
            pdf.multi_cell(0, 7, "　　" + line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        pdf.set_font("serif", size=14)
    for paragraph in [doc.payment, doc.rights]:
        if paragraph:
            pdf.multi_cell(0, 9, "　　" + paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    pdf.ln(12)
    for line in doc.signature:
        pdf.multi_cell(0, 9, line, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
