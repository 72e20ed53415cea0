"""Unified social credit code validation (GB 32100-2015), pure: stdnum's check plus the embedded org-code check."""

from __future__ import annotations

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_char_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def org_code_check_char(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation-code body."""
    total = sum(_org_char_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def uscc_problem(code: str) -> str | None:
    """None if the code is valid, otherwise a short reason key: 'length', 'format', 'checksum', 'org_checksum'."""
    code = code.strip().upper()
    if len(code) != 18:
        return "length"
    try:
        stdnum_uscc.validate(code)
    except StdnumError as exc:
        return "checksum" if type(exc).__name__ == "InvalidChecksum" else "format"
    if org_code_check_char(code[8:16]) != code[16]:
        return "org_checksum"
    return None


def uscc_make(prefix8: str, org_body8: str) -> str:
    """Build a valid code from the first 8 characters and an organisation-code body (used by the demo seed)."""
    body17 = prefix8 + org_body8 + org_code_check_char(org_body8)
    return body17 + stdnum_uscc.calc_check_digit(body17)
