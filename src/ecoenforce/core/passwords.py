"""Password rules beyond Django's own (length, similarity, common list, all digits), in settings.AUTH_PASSWORD_VALIDATORS.

They follow the usual rule of Chinese government systems (等级保护 2.0: length plus at least three kinds of
characters) and close the hole that rule leaves: the passwords people pick to satisfy it — a common word,
a name or the organisation's initials with a year and a symbol (Admin@123, Changzhou2026!, Qwer@1234).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Letters people wrap in digits and symbols to pass a complexity rule (lower case, letters only).
PREDICTABLE_WORDS = frozenset({
    "admin", "administrator", "root", "user", "test", "guest", "demo", "system", "sys", "manager", "super",
    "password", "passwd", "pass", "pwd", "mima", "login", "welcome", "hello", "letmein", "changeme", "default",
    "qwerty", "qwer", "qwe", "asdf", "asd", "zxcv", "zxc", "qaz", "wsx", "qazwsx", "abc", "abcd", "abcde", "abcdef",
    "aaa", "aa", "a", "q", "p", "pw", "iloveyou", "woaini", "love", "china", "zhongguo", "beijing",
    "changzhou", "cz", "jiangsu", "js", "huanbao", "hb", "zhifa", "zf", "hjzf", "sthj", "shengtai", "huanjing",
    "zhangsan", "lisi", "wangwu", "ecoenforce", "enforce", "eco",
})


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        return sum((
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ))

    def validate(self, password: str, user=None) -> None:
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "Your password must mix at least %(n)d kind of characters: lower-case letters, upper-case letters, "
            "digits, symbols.",
            "Your password must mix at least %(n)d kinds of characters: lower-case letters, upper-case letters, "
            "digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


class PredictablePatternValidator:
    """Refuse a common word, keyboard row or local name padded with digits and symbols (Admin@123, Cz2026!!)."""

    def validate(self, password: str, user=None) -> None:
        letters = re.sub(r"[^a-z]", "", password.lower())
        if letters in PREDICTABLE_WORDS or _is_run(password.lower()):
            raise ValidationError(
                _("This password follows a pattern that is guessed first: a common word, name or keyboard row "
                  "with digits and symbols added. Use several unrelated words or a longer phrase."),
                code="password_predictable",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be a common word, name or keyboard row with digits and symbols added.")


def _is_run(text: str) -> bool:
    """A password that is one keyboard or alphabet run, possibly repeated (1qaz2wsx3edc, abcdefgh12)."""
    rows = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz",
            "1qaz2wsx3edc4rfv5tgb", "qazwsxedcrfvtgbyhn")
    stripped = re.sub(r"[^a-z0-9]", "", text)
    if len(stripped) < 6:
        return False
    return any(stripped in row * 2 or stripped in row[::-1] * 2 for row in rows)
