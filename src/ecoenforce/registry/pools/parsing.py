"""Cell parsers shared by the pool imports: yes/no, permit class, credit grade, numbers, code lists (pure)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

YES = {"是", "y", "yes", "true", "1", "√", "✓", "有"}
NO = {"否", "n", "no", "false", "0", "×", "无", "不是"}

PERMIT_CLASSES = {
    "重点管理": "key", "重点": "key", "key": "key",
    "简化管理": "simplified", "简化": "simplified", "simplified": "simplified",
    "登记管理": "registration", "登记": "registration", "registration": "registration",
    "无": "none", "不需要": "none", "none": "none", "无需许可": "none",
}

CREDIT_GRADES = {
    "绿": "green", "绿色": "green", "诚信": "green", "环保诚信": "green", "green": "green",
    "蓝": "blue", "蓝色": "blue", "良好": "blue", "环保良好": "blue", "blue": "blue",
    "黄": "yellow", "黄色": "yellow", "警示": "yellow", "环保警示": "yellow", "yellow": "yellow",
    "红": "red", "红色": "red", "不良": "red", "环保不良": "red", "red": "red",
    "黑": "black", "黑色": "black", "严重失信": "black", "black": "black",
}


class CellError(ValueError):
    """A cell that cannot be read; the caller turns it into a translated report line."""


def yes_no(text: str, *, empty: bool | None) -> bool | None:
    """是/否, yes/no, 1/0 → bool; empty → `empty`."""
    value = text.strip().lower()
    if not value:
        return empty
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(text)


def permit_class(text: str) -> str:
    """重点管理/简化管理/登记管理/无 (or the English keys) → the stored value."""
    value = PERMIT_CLASSES.get(text.strip().lower())
    if value is None:
        raise CellError(text)
    return value


def credit_grade(text: str) -> str:
    """A credit grade in Chinese or English → the stored value; empty stays empty."""
    if not text.strip():
        return ""
    value = CREDIT_GRADES.get(text.strip().lower())
    if value is None:
        raise CellError(text)
    return value


def decimal_or_none(text: str) -> Decimal | None:
    """A non-negative number with at most 2 decimals, or None when empty."""
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise CellError(text) from None
    if value < 0 or not value.is_finite():
        raise CellError(text)
    return value.quantize(Decimal("0.01"))


def code_list(text: str) -> list[str]:
    """Codes separated by ; ， , 、 or spaces, upper-cased, in order, without repeats."""
    seen: list[str] = []
    for part in re.split(r"[;；,，、\s]+", text.strip().upper()):
        if part and part not in seen:
            seen.append(part)
    return seen
