"""Masking of personal data for public pages (pure)."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u4e00-\u9fff]")


def mask_person_name(name: str) -> str:
    """张三丰 → 张**; John Smith → J*** S****; empty stays empty."""
    name = name.strip()
    if not name:
        return ""
    if _CJK.search(name):
        return name[0] + "*" * max(1, len(name) - 1)
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())


def mask_id_number(value: str) -> str:
    """An ID card or phone number keeps its first 3 and last 4 characters."""
    value = value.strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")


def mask_free_text(text: str, *, names: list[str] = ()) -> str:
    """Mask phone numbers, ID-card numbers and the given personal names wherever they appear in text."""
    text = _ID_CARD.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, mask_person_name(name))
    return text
