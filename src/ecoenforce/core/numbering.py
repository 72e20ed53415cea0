"""Official document numbers, e.g. 常环罚〔2026〕12号: one counter per organization, kind and year."""

from __future__ import annotations

from django.db import transaction

from ecoenforce.core.models import DocumentSequence, Organization

# The character(s) each kind of document carries in its number.
DOCUMENT_KINDS = {
    "penalty": "罚",  # 行政处罚决定书
    "notice": "罚告",  # 行政处罚事先告知书
    "filing": "立",  # 立案审批
    "correction": "责改",  # 责令改正违法行为决定书
    "daily_penalty": "按日罚",  # 按日连续处罚决定书
    "hearing": "听通",  # 听证通知书
    "transfer": "移",  # 涉嫌犯罪案件移送书 / 行政拘留案件移送书
}


def document_number_next(*, organization: Organization, kind: str, year: int) -> str:
    """Reserve and return the next number; call inside the transaction that issues the document."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document_number_next must run inside the transaction that issues the document")
    seq, _ = DocumentSequence.objects.select_for_update().get_or_create(
        organization=organization, kind=kind, year=year, defaults={"last": 0}
    )
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"{organization.short_name}环{DOCUMENT_KINDS[kind]}〔{year}〕{seq.last}号"
