"""The on-site documents as PDF, printable on site: 现场检查（勘察）笔录, 调查询问笔录 and 证据清单 — the same fpdf2 stack
and CJK serif font as the penalty decision (cases/documents.py), with the signatures drawn on the phone."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from ecoenforce.cases.documents import DEFAULT_FONT, SC_INDEX, DocumentUnavailable
from ecoenforce.core.errors import NotFound
from ecoenforce.core.files import blob_read
from ecoenforce.onsite.models import Evidence, InquiryRecord, OnSiteRecord, Signature
from ecoenforce.onsite.rules import COMPLIANT, NOT_APPLICABLE, PROBLEM

RESULT_ZH = {COMPLIANT: "符合", PROBLEM: "存在问题", NOT_APPLICABLE: "不适用"}
KIND_ZH = {"photo": "照片", "video": "视频", "audio": "录音", "document": "书证"}
SOURCE_ZH = {"exif": "取自文件", "device": "取自手机", "none": "不详"}


def _font() -> Path:
    font = Path(getattr(settings, "PDF_CJK_FONT", "") or DEFAULT_FONT)
    if not font.exists():
        raise DocumentUnavailable(_("Official documents cannot be printed: the Chinese font is not installed on the "
                                    "server. Ask the administrator to install the fonts-noto-cjk package."))
    return font


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_margins(22, 22, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("serif", fname=str(_font()), collection_font_number=SC_INDEX)
    pdf.add_page()
    return pdf


def _when(moment) -> str:
    t = timezone.localtime(moment)
    return f"{t.year}年{t.month}月{t.day}日{t.hour}时{t.minute:02d}分"


def _line(pdf: FPDF, text: str, size: int = 12, h: float = 7.5) -> None:
    pdf.set_font("serif", size=size)
    pdf.multi_cell(0, h, text, new_x="LMARGIN", new_y="NEXT")


def _head(pdf: FPDF, issuer: str, title: str, number: str) -> None:
    pdf.set_font("serif", size=15)
    pdf.multi_cell(0, 9, issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=20)
    pdf.multi_cell(0, 12, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=11)
    pdf.multi_cell(0, 7, f"编号：{number}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _issuer(record) -> str:
    org = record.created_by.organization
    return org.name if org is not None else ""


def _times(record) -> list[str]:
    lines = [f"时间：{_when(record.started_at)}至{_when(record.ended_at)}"]
    if record.clock_flagged:
        off = record.clock_offset_seconds
        lines.append(f"（注意：现场设备时钟不可信{f'，偏差约{round(off / 60)}分钟' if off is not None else ''}；"
                     f"平台收到时间：{_when(record.received_at)}）")
    place = record.location or ""
    if record.latitude is not None:
        acc = f"，精度约{round(record.accuracy_m)}米" if record.accuracy_m is not None else ""
        place = f"{place}（北纬{record.latitude}，东经{record.longitude}{acc}）".strip()
    lines.append(f"地点：{place or record.entity.address}")
    return lines


def _signatures(pdf: FPDF, signatures: list[Signature], record) -> None:
    pdf.ln(3)
    role_zh = {Signature.Role.OFFICER: "执法人员", Signature.Role.PARTY: "被检查（询问）人",
               Signature.Role.WITNESS: "见证人"}
    if record.party_refused:
        _line(pdf, "当事人拒绝签名，由见证人签名见证。")
    for sig in signatures:
        label = f"{role_zh[sig.role]}签名：{sig.name}"
        if sig.certificate_no:
            label += f"（执法证号 {sig.certificate_no}）"
        _line(pdf, label)
        try:
            png = blob_read(sig.sha256)
        except NotFound:
            _line(pdf, "（签名图像缺失）", size=10)
            continue
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.image(io.BytesIO(png), x=pdf.l_margin + 10, w=50, h=20, keep_aspect_ratio=True)
        pdf.ln(1)


def onsite_record_pdf(record: OnSiteRecord, items: dict | None = None) -> bytes:
    """现场检查（勘察）笔录 as an A4 PDF."""
    from ecoenforce.onsite.services import checklists_current

    if items is None:
        checklists, _v = checklists_current()
        items = {i.code: i for g in checklists.groups.values() for i in g.items}
    entity = record.entity
    pdf = _pdf()
    _head(pdf, _issuer(record), "现场检查（勘察）笔录", record.number)
    for line in _times(record):
        _line(pdf, line)
    _line(pdf, f"被检查单位：{entity.name}")
    _line(pdf, f"统一社会信用代码：{entity.uscc}　法定代表人：{entity.legal_representative}")
    _line(pdf, f"地址：{entity.address}")
    party = f"现场负责人：{record.party_name}"
    if record.party_post:
        party += f"　职务：{record.party_post}"
    if record.party_id_last4:
        party += f"　身份证号后{len(record.party_id_last4)}位：{record.party_id_last4}"
    _line(pdf, party)
    officers = [s for s in record.signatures.all() if s.role == Signature.Role.OFFICER]
    _line(pdf, "检查人员：" + "，".join(f"{s.name}（执法证号 {s.certificate_no}）" for s in officers))
    _line(pdf, f"告知：我们是{_issuer(record)}的执法人员，已向你出示执法证件。你应当如实回答询问，协助调查，"
               "不得阻挠。你有陈述和申辩的权利；认为执法人员与本案有直接利害关系的，可以申请回避。")
    pdf.ln(2)
    _line(pdf, f"检查情况（检查表第{record.checklist_version}版）：", size=13)
    for f in record.findings:
        item = items.get(f["code"])
        text = item.text if item else f["code"]
        basis = f"（依据：{item.basis}）" if item else ""
        note = f"　{f['note']}" if f.get("note") else ""
        _line(pdf, f"【{f['code']}】{text}：{RESULT_ZH.get(f['result'], f['result'])}{note}{basis}", size=10.5, h=6.2)
    if record.summary:
        pdf.ln(1)
        _line(pdf, f"现场情况：{record.summary}")
    _line(pdf, f"当事人陈述：{record.party_statement or '无'}")
    evidence = list(record.evidence.all())
    if evidence:
        _line(pdf, f"现场取证：共{len(evidence)}件，详见证据清单。")
    _line(pdf, "以上笔录已交被检查人核对（或已向其宣读），确认无误。")
    _signatures(pdf, list(record.signatures.all()), record)
    return bytes(pdf.output())


def inquiry_record_pdf(record: InquiryRecord) -> bytes:
    """调查询问笔录 as an A4 PDF."""
    entity = record.entity
    pdf = _pdf()
    _head(pdf, _issuer(record), "调查询问笔录", record.number)
    for line in _times(record):
        _line(pdf, line)
    person = f"被询问人：{record.interviewee_name}"
    if record.interviewee_post:
        person += f"　职务：{record.interviewee_post}"
    if record.interviewee_id_last4:
        person += f"　身份证号后{len(record.interviewee_id_last4)}位：{record.interviewee_id_last4}"
    _line(pdf, person)
    _line(pdf, f"工作单位：{entity.name}")
    officers = [s for s in record.signatures.all() if s.role == Signature.Role.OFFICER]
    _line(pdf, "询问人：" + "，".join(f"{s.name}（执法证号 {s.certificate_no}）" for s in officers))
    _line(pdf, "告知：我们是生态环境部门的执法人员，已出示执法证件。你应当如实回答询问，不得作伪证；"
               "你有陈述和申辩的权利，认为询问人与本案有直接利害关系的，可以申请回避。")
    pdf.ln(2)
    for pair in record.qa:
        _line(pdf, f"问：{pair['q']}")
        _line(pdf, f"答：{pair['a']}")
    _line(pdf, "以上笔录已交被询问人核对（或已向其宣读），确认与其所述一致。")
    _signatures(pdf, list(record.signatures.all()), record)
    return bytes(pdf.output())


def evidence_list_pdf(*, title_number: str, issuer: str, entity_name: str, evidence: list[Evidence]) -> bytes:
    """证据清单: every item with its kind, file, capture time and place (and where they came from) and its SHA-256."""
    pdf = _pdf()
    _head(pdf, issuer, "证据清单", title_number)
    _line(pdf, f"当事人：{entity_name}")
    _line(pdf, f"共{len(evidence)}件。每件证据以其SHA-256值标识，可用“ecoenforce evidence verify”核验未被改动。",
          size=10.5)
    pdf.ln(2)
    for i, ev in enumerate(evidence, 1):
        when = _when(ev.captured_at) if ev.captured_at else "不详"
        where = f"北纬{ev.latitude}，东经{ev.longitude}" if ev.latitude is not None else "不详"
        _line(pdf, f"{i}. {KIND_ZH.get(ev.kind, ev.kind)}　{ev.original_name or ev.content_type}　"
                   f"{round(ev.size / 1024)} KB", size=11, h=6.5)
        _line(pdf, f"　　拍摄/形成时间：{when}（{SOURCE_ZH[ev.time_source]}）　位置：{where}"
                   f"（{SOURCE_ZH[ev.position_source]}）", size=9.5, h=5.5)
        _line(pdf, f"　　SHA-256：{ev.sha256}", size=8.5, h=5)
        _line(pdf, f"　　提取人：{ev.uploaded_by.display_name}　上传时间：{_when(ev.created_at)}", size=9.5, h=5.5)
        pdf.ln(1)
    pdf.ln(4)
    _line(pdf, "执法人员签名：＿＿＿＿＿＿　＿＿＿＿＿＿　　当事人签名：＿＿＿＿＿＿")
    return bytes(pdf.output())
