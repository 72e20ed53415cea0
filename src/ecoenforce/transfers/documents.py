"""The transfer letter (涉嫌环境犯罪案件移送书 / 行政拘留案件移送书) as PDF, on the same fpdf2 + Noto Serif CJK stack
as the penalty decision."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from ecoenforce.cases.documents import DEFAULT_FONT, SC_INDEX, DocumentUnavailable
from ecoenforce.core.errors import ApplicationError
from ecoenforce.transfers.labels import DOCUMENTS, hit_text
from ecoenforce.transfers.models import CaseFacts, Transfer

TITLES = {Transfer.Kind.CRIMINAL: "涉嫌环境犯罪案件移送书", Transfer.Kind.DETENTION: "环境违法适用行政拘留案件移送书"}
DOCUMENT_ZH = {
    "transfer_letter": "案件移送书及移送材料清单", "investigation_report": "案件调查报告",
    "records": "现场检查（勘察）笔录、调查询问笔录、采样记录及现场勘验图", "seized_items": "涉案物品清单",
    "photos_video": "现场照片、录像资料及清单", "monitoring_reports": "监测、检验报告及认定意见",
    "penalty_decision": "行政处罚决定书",
}


def transfer_lines(transfer: Transfer) -> dict:
    """The letter's parts, in Chinese (what the PDF prints)."""
    from django.utils import translation

    case, entity = transfer.case, transfer.case.entity
    facts = CaseFacts.objects.filter(case=case).first()
    with translation.override("zh-hans"):
        grounds = [f"{h['article']}：{hit_text(h)}" for h in (facts.hits if facts else [])]
    if transfer.kind == Transfer.Kind.CRIMINAL:
        basis = ("根据《中华人民共和国刑法》第三百三十八条、《最高人民法院 最高人民检察院关于办理环境污染刑事案件适用法律"
                 "若干问题的解释》（法释〔2023〕7号）及《环境保护行政执法与刑事司法衔接工作办法》的规定，现将该案移送你单位，"
                 "请依法审查，并将审查结果书面告知我单位。")
    else:
        basis = ("根据《中华人民共和国环境保护法》第六十三条及《行政主管部门移送适用行政拘留环境违法案件暂行办法》的规定，"
                 "现将该案移送你单位，请依法处理，并将处理结果书面告知我单位。")
    sent = transfer.documents or [code for code, _label, required in DOCUMENTS if required]
    decided = timezone.localdate(transfer.decided_at) if transfer.decided_at else timezone.localdate()
    return {
        "issuer": case.organization.name, "title": TITLES[transfer.kind], "number": transfer.number,
        "addressee": f"{transfer.police_unit or '（公安机关）'}：",
        "body": [f"{entity.name}（统一社会信用代码：{entity.uscc}）涉嫌环境违法一案（案号：{case.number}），"
                 f"经我单位调查，{case.title}。", *([p for p in case.facts.splitlines() if p.strip()][:6])],
        "grounds": grounds, "basis": basis,
        "materials": [f"{i}. {DOCUMENT_ZH[c]}" for i, c in enumerate(sent, 1)],
        "copy": "抄送：同级人民检察院",
        "signature": [case.organization.name, f"{decided.year}年{decided.month}月{decided.day}日"],
    }


def transfer_pdf(transfer: Transfer) -> bytes:
    """Render the transfer letter as an A4 PDF (issued once the transfer is approved)."""
    font = Path(getattr(settings, "PDF_CJK_FONT", "") or DEFAULT_FONT)
    if not font.exists():
        raise DocumentUnavailable(_("Official documents cannot be printed: the Chinese font is not installed on the "
                                    "server. Ask the administrator to install the fonts-noto-cjk package."))
    if not transfer.number:
        raise ApplicationError(_("The transfer letter is issued once the leader approves the transfer."))
    doc = transfer_lines(transfer)
    pdf = FPDF(format="A4")
    pdf.set_margins(28, 30, 26)
    pdf.add_font("serif", fname=str(font), collection_font_number=SC_INDEX)
    pdf.add_page()
    pdf.set_font("serif", size=18)
    pdf.multi_cell(0, 11, doc["issuer"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=22)
    pdf.multi_cell(0, 14, doc["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=12)
    pdf.multi_cell(0, 9, doc["number"], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("serif", size=14)
    pdf.multi_cell(0, 9, doc["addressee"], new_x="LMARGIN", new_y="NEXT")
    for paragraph in doc["body"]:
        pdf.multi_cell(0, 9, "　　" + paragraph, new_x="LMARGIN", new_y="NEXT")
    if doc["grounds"]:
        pdf.multi_cell(0, 9, "　　经核查，该案涉及以下情形：", new_x="LMARGIN", new_y="NEXT")
        for line in doc["grounds"]:
            pdf.multi_cell(0, 9, "　　" + line, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 9, "　　" + doc["basis"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 9, "附：移送材料清单", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=12)
    for line in doc["materials"]:
        pdf.multi_cell(0, 8, "　　" + line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("serif", size=14)
    for line in doc["signature"]:
        pdf.multi_cell(0, 9, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("serif", size=12)
    pdf.multi_cell(0, 8, doc["copy"], new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
