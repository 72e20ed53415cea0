"""Masking of personal data for public pages (pure: no Django).

`mask_free_text` is the one function every free-text field passes through before it reaches the public portal
(case titles, decision texts, entity-side text, round result notes). It finds personal numbers the way people
actually write them — mobile numbers with spaces, dashes or dots, a +86 / 86 / 0086 prefix, full-width digits
(１３８…), landlines with an area code (0519-8888 1234, (0519)88881234, with an extension), 18- and 15-digit ID
numbers (also grouped), bank-card numbers (Luhn-valid), e-mail addresses, vehicle plates, and numbers announced
by a word (电话/手机/联系方式/QQ/微信 …) — and masks them, keeping the shape readable.

It leaves alone what the public must read: decision and case numbers, dates and times, amounts, credit codes
(统一社会信用代码, even all-digit ones: they fail the ID number's date and checksum), permit numbers, monitoring
device numbers (MN), concentrations, coordinates, postal codes and short service numbers such as 12369.
`tests/core/test_core_masking_corpus.py` holds the real-world formats it must catch and the ones it must keep.
"""

from __future__ import annotations

import datetime as dt
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


# --- finding numbers as people write them ---------------------------------------------------------------------

# Full-width forms (０-９, Ａ-Ｚ, ａ-ｚ, ＋－（）．＠ and the ideographic space) map one-to-one onto ASCII, so the
# patterns run on a normalised copy and the masks are applied at the same positions of the original text.
_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_DASHES = {ord(c): ord("-") for c in "‐‑‒–—―－"}


def _normalise(text: str) -> str:
    return text.translate(_HALF).translate(_DASHES)


_SEP = r"[ \-.]?"  # one separator people put between digit groups
_MOBILE = re.compile(
    r"(?<![\w.+])"  # not inside a longer number, word or decimal
    r"(?P<prefix>(?:\+|00)?86[ \-]?|\(\+?86\)[ \-]?)?"
    rf"(?P<num>1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}})"
    r"(?![\w])",
    re.ASCII,
)
_LANDLINE = re.compile(
    r"(?<![\w.+])"
    r"(?P<prefix>(?:\+|00)?86[ \-]?)?"
    r"(?P<area>\(0\d{2,3}\)|0\d{2,3})[ \-]?"
    r"(?P<local>[2-9]\d{2,3}[ \-]?\d{4})"
    r"(?P<ext>(?:[ ]?(?:转|-|ext\.?|x)[ ]?\d{1,5})?)"
    r"(?![\w])",
    re.ASCII,
)
_ID18 = re.compile(
    r"(?<![\w])(?P<num>[1-9]\d{5}[ ]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ ]?\d{3}[\dXx])(?![\w])",
    re.ASCII,
)
_ID15 = re.compile(
    r"(?<![\w])(?P<num>[1-9]\d{5}[ ]?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ ]?\d{3})(?![\w])",
    re.ASCII,
)
_CARD = re.compile(
    r"(?<![\w.])(?P<num>[3-6]\d{3}(?:[ \-]?\d{4}){2}[ \-]?\d{4}(?:[ \-]?\d{1,3})?|[3-6]\d{15,18})(?![\w])",
    re.ASCII,
)
_EMAIL = re.compile(r"(?P<user>[A-Za-z0-9._%+\-]+)@(?P<domain>[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)", re.ASCII)
# Provinces' one-character abbreviations on plates, then the city letter, then five (six for new-energy) signs.
_PLATE = re.compile(
    r"(?P<head>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z])[·.\s]?"
    r"(?P<tail>[A-HJ-NP-Z0-9]{5,6})(?![A-Za-z0-9])",
    re.ASCII,
)
# A number announced by a word: "电话：88881234", "QQ 123456789", "微信号：zhang_san88".
_ANNOUNCED = re.compile(
    r"(?<![A-Za-z])(?P<word>电话号码|联系电话|电话|手机号码|手机号|手机|联系方式|座机|固话|tel|Tel|TEL|phone|Phone"
    r"|QQ号码|QQ号|QQ|qq号|qq|微信号码|微信号|微信|WeChat|wechat)"
    r"(?P<gap>\s*[:：]?\s*(?:是|为)?\s*)"
    r"(?P<value>[A-Za-z][A-Za-z0-9_\-]{5,19}|\d[\d \-]{4,14}\d)",
    re.ASCII,
)


def _id_date_ok(digits: str) -> bool:
    """True if the birth date inside an ID number (15 or 18 digits) is a real day in the past."""
    try:
        if len(digits) == 18:
            born = dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
        else:
            born = dt.date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    except ValueError:
        return False
    return dt.date(1880, 1, 1) <= born <= dt.date.today()


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _uscc_ok(code: str) -> bool:
    """True if an 18-sign code carries a valid credit-code check sign (GB 32100-2015): it is a firm, not a person."""
    code = code.upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _star_digits(text: str, keep_head: int, keep_tail: int, *, check_letter: bool = False) -> str:
    """Replace the digits of `text` by * except the first `keep_head` and last `keep_tail`; separators stay.

    `check_letter`: the text is an ID number, whose last sign may be X.
    """
    positions = [i for i, ch in enumerate(text) if ch.isdigit() or (check_letter and ch in "Xx")]
    hidden = set(positions[keep_head : len(positions) - keep_tail] if keep_tail else positions[keep_head:])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


class _Masker:
    """Collects non-overlapping spans to mask on the normalised text, then applies them to the original."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.norm = _normalise(original)
        self.spans: list[tuple[int, int, str]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _r in self.spans)

    def add(self, start: int, end: int, replacement_of_norm) -> None:
        if start < end and self.free(start, end):
            # Mask the original characters (full-width stays full-width where it is kept).
            original = self.original[start:end]
            masked = replacement_of_norm(self.norm[start:end])
            out = "".join(
                o if m == n else m for o, m, n in zip(original, masked, self.norm[start:end], strict=True)
            )
            self.spans.append((start, end, out))

    def result(self) -> str:
        text = self.original
        for start, end, replacement in sorted(self.spans, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text


def mask_free_text(text: str, *, names: list[str] = ()) -> str:
    """Mask personal numbers (phones, IDs, cards, e-mail, plates) and the given names wherever they appear."""
    if not text:
        return text or ""
    if _MAYBE.search(text):
        masked = _mask_numbers(text)
    else:
        masked = text  # no digit, no @, no plate: nothing for the number patterns (the common note)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        masked = masked.replace(name, mask_person_name(name))
    return masked


# Anything the number patterns could match starts with a digit (ASCII or full-width), an @ or a plate's province.
_MAYBE = re.compile(r"[0-9０-９@]|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-ZＡ-Ｚ]")


def _mask_numbers(text: str) -> str:
    m = _Masker(text)
    for pattern in (_ID18, _ID15):
        for hit in pattern.finditer(m.norm):
            digits = re.sub(r"\D", "", hit.group("num")[:-1]) + hit.group("num")[-1]
            if _id_date_ok(digits) and not (len(digits) == 18 and _uscc_ok(digits)):
                m.add(hit.start("num"), hit.end("num"), lambda s: _star_digits(s, 6, 4, check_letter=True))
    for hit in _CARD.finditer(m.norm):
        digits = re.sub(r"\D", "", hit.group("num"))
        if 16 <= len(digits) <= 19 and _luhn_ok(digits):
            m.add(hit.start("num"), hit.end("num"), lambda s: _star_digits(s, 4, 4))
    for hit in _MOBILE.finditer(m.norm):
        start = hit.start("prefix") if hit.group("prefix") else hit.start("num")
        prefix_len = hit.end("prefix") - start if hit.group("prefix") else 0
        m.add(start, hit.end("num"), lambda s, p=prefix_len: s[:p] + _star_digits(s[p:], 3, 4))
    for hit in _LANDLINE.finditer(m.norm):
        local_start = hit.start("local")
        m.add(
            local_start,
            hit.end("ext") if hit.group("ext") else hit.end("local"),
            lambda s: _star_digits(s, 0, 2),
        )
    for hit in _EMAIL.finditer(m.norm):
        m.add(hit.start("user"), hit.end("user"), lambda s: s[:1] + "*" * (len(s) - 1))
    for hit in _PLATE.finditer(m.norm):
        m.add(hit.start("tail"), hit.end("tail"), lambda s: "*" * (len(s) - 2) + s[-2:])
    for hit in _ANNOUNCED.finditer(m.norm):
        value = hit.group("value")
        digits = re.sub(r"\D", "", value)
        if value[0].isdigit() and len(digits) < 7 and not hit.group("word").lower().startswith("qq"):
            continue  # 12369, 110: service numbers stay
        m.add(
            hit.start("value"),
            hit.end("value"),
            lambda s: _star_digits(s, 0, 2) if s[0].isdigit() else s[:1] + "*" * (len(s) - 1),
        )
    return m.result()
