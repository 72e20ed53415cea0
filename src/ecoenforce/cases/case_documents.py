"""The case's other official documents as PDF, on the same fpdf2 + Noto Serif CJK stack as the decision
(`cases.documents`): 立案审批表, 行政处罚事先告知书, 听证通知书, 送达回证, and each round's 按日连续处罚决定书.

Each document is composed from the case record as a `CaseDocument` (title, number, paragraphs, form rows; no
rendering, testable as text) and rendered by `render_pdf`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from ecoenforce.cases.daily_penalty import Finding, round_penalty
from ecoenforce.cases.documents import DEFAULT_FONT, PAYMENT, RIGHTS, SC_INDEX, DocumentUnavailable
from ecoenforce.cases.models import Case, CorrectionOrder, Hearing
from ecoenforce.cases.workflow import NOTICE_PERIOD_WORKING_DAYS
from ecoenforce.core.audit import audit_timeline
from ecoenforce.core.errors import ApplicationError, NotFound

# The penalties besides the fine, as the documents print them (the labels' Chinese part; documents are Chinese only).
PENALTY_KINDS_ZH = {"confiscation": "没收违法所得、非法财物", "correction": "责令改正", "restrict": "限制生产、停产整治",
                    "close": "责令停业、关闭", "revoke": "吊销许可证", "detention": "移送公安机关拘留",
                    "seizure": "查封、扣押"}
SERVICE_METHODS_ZH = {"direct": "直接送达", "post": "邮寄送达", "electronic": "电子送达（经当事人同意）",
                      "public_notice": "公告送达"}


@dataclass(frozen=True)
class CaseDocument:
    """What a document prints: the issuer, title and number, the addressee, paragraphs, a form (label, value rows),
    and the signature lines."""

    issuer: str
    title: str
    number: str
    addressee: str = ""
    paragraphs: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


def _zh_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"


def _event(case: Case, action: str):
    return next((e for e in reversed(list(audit_timeline(obj=case))) if e.action == action), None)


def filing_document(case: Case) -> CaseDocument:
    """立案审批表: the case as proposed, and the leader's approval opinion (once given)."""
    entity = case.entity
    approval = _event(case, "case.approve_filing")
    handlers = "、".join(f"{h.display_name}（执法证号{h.certificate_no}）" for h in case.handlers.all())
    return CaseDocument(
        issuer=case.organization.name, title="立案审批表", number=case.number,
        rows=[("案由", case.title), ("当事人", entity.name), ("统一社会信用代码", entity.uscc),
              ("地址", entity.address), ("法定代表人", entity.legal_representative or ""),
              ("案件来源", case.source or ""), ("违法事实摘要", case.facts or ""), ("承办人", handlers),
              ("审批意见", approval.reason if approval else "（待审批）"),
              ("审批人", approval.actor_label if approval else ""),
              ("立案日期", _zh_date(case.filed_on) if approval else "")],
        signature=[case.organization.name])


def advance_notice_document(case: Case) -> CaseDocument:
    """行政处罚事先告知书 (行政处罚法 arts. 44, 45, 63, 64): the facts, the proposed penalty, the rights to state, defend
    and ask for a hearing within 5 working days."""
    if case.notice_served_on is None:
        raise ApplicationError(_("The advance notice has not been served yet."))
    proposed = case.proposal or {}
    amount = proposed.get("fine") or case.fine_computed
    penalties = [f"罚款人民币{amount}元" if amount else "罚款"] + [
        PENALTY_KINDS_ZH[k] for k in proposed.get("kinds", []) if k in PENALTY_KINDS_ZH]
    fine = "；".join(penalties)
    return CaseDocument(
        issuer=case.organization.name, title="行政处罚事先告知书", number=case.notice_number,
        addressee=f"{case.entity.name}：",
        paragraphs=[
            f"经查，你单位涉嫌{case.title.removeprefix(case.entity.name).removesuffix('案') or case.title}。{case.facts}",
            f"以上事实有现场检查笔录、调查询问笔录等证据为证。依据{case.legal_basis or '有关法律法规'}的规定，"
            f"本机关拟对你单位作出如下行政处罚：{fine}。",
            "根据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条、第六十四条的规定，你单位有权进行陈述和申辩；"
            f"对上述拟作出的行政处罚，你单位有权要求举行听证。你单位如要求听证，应当在收到本告知书之日起"
            f"{NOTICE_PERIOD_WORKING_DAYS}个工作日内（即{_zh_date(case.notice_period_ends)}前）向本机关提出；"
            "逾期未提出陈述、申辩或者听证要求的，视为放弃上述权利。本机关不因你单位的陈述、申辩而给予更重的处罚。",
        ],
        rows=[("联系人", "、".join(h.display_name for h in case.handlers.all())),
              ("联系地址", case.organization.name)],
        signature=[case.organization.name, _zh_date(case.notice_served_on)])


def hearing_notice_document(case: Case) -> CaseDocument:
    """听证通知书 (行政处罚法 art. 64): the time and place, at least 7 (working) days ahead, and the party's rights."""
    hearing = Hearing.objects.filter(case=case).select_related("host").first()
    if hearing is None or hearing.hearing_on is None:
        raise ApplicationError(_("No hearing notice has been served for this case."))
    return CaseDocument(
        issuer=case.organization.name, title="听证通知书", number=hearing.notice_number,
        addressee=f"{case.entity.name}：",
        paragraphs=[
            f"根据你单位于{_zh_date(hearing.requested_on)}提出的听证要求，本机关决定于{_zh_date(hearing.hearing_on)}"
            f"在{hearing.place}就{case.title}举行听证。",
            "听证由本机关指定的非本案调查人员主持。你单位可以亲自参加听证，也可以委托一至二人代理；"
            "认为主持人与本案有直接利害关系的，有权申请回避。请携带身份证明、授权委托书及有关证据材料按时参加。"
            "无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利。",
            "听证不收取费用（《中华人民共和国行政处罚法》第六十四条）。",
        ],
        signature=[case.organization.name, _zh_date(hearing.notice_served_on)])


def service_receipt_document(case: Case) -> CaseDocument:
    """送达回证: the document served (the decision), its number, how, when and to whom."""
    if case.decision_served_on is None:
        raise ApplicationError(_("The decision has not been served yet."))
    return CaseDocument(
        issuer=case.organization.name, title="送达回证", number="",
        rows=[("送达文书", f"行政处罚决定书（{case.decision_number}）"), ("受送达人", case.entity.name),
              ("送达地点", case.entity.address), ("送达方式", SERVICE_METHODS_ZH.get(case.service_method, "")),
              ("收件人", case.service_recipient), ("送达日期", _zh_date(case.decision_served_on)),
              ("送达人", "、".join(h.display_name for h in case.handlers.all())), ("备注", "")],
        signature=[case.organization.name])


DAILY_BASIS = ("《中华人民共和国环境保护法》第五十九条、《环境保护主管部门实施按日连续处罚办法》（环境保护部令第28号）"
               "第五条、第十三条、第十七条、第十九条")
DAILY_FINDINGS_ZH = {Finding.NOT_CORRECTED: "仍在继续实施违法排放污染物行为",
                     Finding.REFUSED: "拒绝、阻挠本机关复查"}


def _day_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1)


def daily_penalty_document(case: Case, order: CorrectionOrder) -> CaseDocument:
    """按日连续处罚决定书 of one round (EPL art. 59; Order 28 arts. 13, 17, 19): the original decision, the order to
    correct and its service, the covert re-inspection that found the violation going on, the days counted from the day
    after the service to the re-inspection, the original fine per day and the total — computed by
    `cases.daily_penalty`, the same arithmetic as the round's record — the legal basis, payment and the rights."""
    if not order.decision_number or order.reinspected_on is None or order.finding not in DAILY_FINDINGS_ZH:
        raise ApplicationError(_("This round gave no daily penalty, so it has no daily penalty decision."))
    fine = case.fine_amount
    days, total = round_penalty(original_fine=fine, served_on=order.served_on, reinspected_on=order.reinspected_on,
                                finding=Finding(order.finding))
    entity = case.entity
    start, end = _day_after(order.served_on), order.reinspected_on
    original = f"{case.decision_number}《行政处罚决定书》"
    return CaseDocument(
        issuer=case.organization.name, title="按日连续处罚决定书", number=order.decision_number,
        addressee=f"{entity.name}：",
        paragraphs=[
            f"当事人：{entity.name}；统一社会信用代码：{entity.uscc}；地址：{entity.address}；"
            f"法定代表人：{entity.legal_representative or ''}。",
            f"本机关于{_zh_date(case.decided_on)}作出{original}（以下简称原处罚决定），因你单位{case.title}，"
            f"依据{case.legal_basis or '有关法律法规'}对你单位处以罚款人民币{fine}元；"
            f"并于{_zh_date(order.served_on)}向你单位送达{order.number}《责令改正违法行为决定书》，责令你单位立即改正违法行为。",
            f"本机关于{_zh_date(order.reinspected_on)}对你单位进行复查（暗查），发现你单位{DAILY_FINDINGS_ZH[Finding(order.finding)]}。"
            f"{order.notes}以上行为属于拒不改正违法行为（《环境保护主管部门实施按日连续处罚办法》第十三条）。",
            f"依据{DAILY_BASIS}的规定，本机关决定对你单位实施按日连续处罚：计罚日数自责令改正违法行为决定书送达之日的次日"
            f"（{_zh_date(start)}）起，至复查发现违法排放污染物行为之日（{_zh_date(end)}）止，共计{days}日；"
            f"按照原处罚决定的罚款数额每日罚款人民币{fine}元，罚款总额为人民币{total}元。",
            PAYMENT,
            RIGHTS,
        ],
        rows=[("原处罚决定", f"{original}（{_zh_date(case.decided_on)}）"), ("原处罚罚款数额", f"人民币{fine}元"),
              ("责令改正决定书", f"{order.number}（{_zh_date(order.served_on)}送达，第{order.round_no}轮）"),
              ("复查日期", _zh_date(order.reinspected_on)), ("计罚期间", f"{_zh_date(start)}至{_zh_date(end)}"),
              ("计罚日数", f"{days}日"), ("按日罚款数额", f"人民币{fine}元/日"),
              ("罚款总额", f"人民币{total}元（{fine}元 × {days}日）"), ("法律依据", DAILY_BASIS)],
        signature=[case.organization.name, _zh_date(order.reinspected_on)])


def daily_penalty_round(case: Case, round_no: object) -> CorrectionOrder:
    """The case's round `round_no` (not found otherwise)."""
    order = case.correction_orders.filter(round_no=round_no).first() if str(round_no).isdigit() else None
    if order is None:
        raise NotFound()
    return order


COMPOSERS = {"filing": filing_document, "advance_notice": advance_notice_document,
             "hearing_notice": hearing_notice_document, "service_receipt": service_receipt_document}


def case_document(case: Case, kind: str) -> CaseDocument:
    """Compose the document `kind` (a key of COMPOSERS) of the case."""
    composer = COMPOSERS.get(kind)
    if composer is None:
        raise NotFound()
    return composer(case)


def render_pdf(doc: CaseDocument) -> bytes:
    """Render a composed document as an A4 PDF with the CJK serif font."""
    font = Path(getattr(settings, "PDF_CJK_FONT", "") or DEFAULT_FONT)
    if not font.exists():
        raise DocumentUnavailable(_("Official documents cannot be printed: the Chinese font is not installed on the "
                                    "server. Ask the administrator to install the fonts-noto-cjk package."))
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 28, 25)
    pdf.add_font("serif", fname=str(font), collection_font_number=SC_INDEX)
    pdf.add_page()
    pdf.set_font("serif", size=18)
    pdf.multi_cell(0, 11, doc.issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=22)
    pdf.multi_cell(0, 14, doc.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=12)
    if doc.number:
        pdf.multi_cell(0, 9, doc.number, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("serif", size=14)
    if doc.addressee:
        pdf.multi_cell(0, 9, doc.addressee, new_x="LMARGIN", new_y="NEXT")
    for paragraph in doc.paragraphs:
        pdf.multi_cell(0, 9, "　　" + paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    if doc.rows:
        pdf.set_font("serif", size=12)
        with pdf.table(col_widths=(32, 128), text_align=("CENTER", "LEFT"), line_height=8,
                       first_row_as_headings=False) as table:
            for label, value in doc.rows:
                row = table.row()
                row.cell(label)
                row.cell(value or " ")
        pdf.set_font("serif", size=14)
    pdf.ln(12)
    for line in doc.signature:
        pdf.multi_cell(0, 9, line, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
