"""Tip tracking codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits of chance,
shown in groups of four; what is stored is their SHA-256, so nobody reading the database can follow a tip.

Pure: no Django.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12


def code_new() -> str:
    """A fresh random code (the caller checks it is not taken)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normalize(text: str) -> str | None:
    """The code as typed (any case, with spaces or dashes) or None if it cannot be one."""
    cleaned = "".join(ch for ch in str(text or "").upper() if ch not in " -_\t")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def code_hash(code: str) -> str:
    """What the database keeps of a code."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def code_display(code: str) -> str:
    """ABCD-EFGH-JKMN: easy to read back over the phone."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
