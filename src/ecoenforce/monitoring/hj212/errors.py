"""Typed rejections of the HJ 212 codec: a stable machine code plus an English message saying what and where."""

from __future__ import annotations

# Stable codes: the UI translates these; never rename one once shipped.
NO_START = "NO_START"  # no "##" where a frame must begin
GARBAGE = "GARBAGE"  # bytes before "##" that are not a frame
BAD_LENGTH_FIELD = "BAD_LENGTH_FIELD"  # the 4 characters after "##" are not decimal digits
TOO_LONG = "TOO_LONG"  # declared or actual data segment above the configured maximum
TRUNCATED = "TRUNCATED"  # the frame ended (or a new "##" began) before length + CRC + CRLF
LENGTH_MISMATCH = "LENGTH_MISMATCH"  # declared length differs from the actual data segment
BAD_CRC_FIELD = "BAD_CRC_FIELD"  # the 4 characters before CRLF are not hex digits
CRC_MISMATCH = "CRC_MISMATCH"  # CRC of the data segment differs from the declared one
LOWERCASE_CRC = "LOWERCASE_CRC"  # strict mode: CRC hex in lower case
MISSING_CRLF = "MISSING_CRLF"  # strict mode: no CR LF after the CRC
TRAILING_BYTES = "TRAILING_BYTES"  # strict mode: bytes after CR LF (e.g. NUL padding)
NOT_TEXT = "NOT_TEXT"  # data segment is not valid UTF-8 text
MISSING_CP = "MISSING_CP"  # no "CP=&&" in the data segment
UNTERMINATED_CP = "UNTERMINATED_CP"  # the CP area does not end with "&&"
MISSING_FIELD = "MISSING_FIELD"  # a mandatory header field is absent
BAD_FIELD = "BAD_FIELD"  # a header field has an invalid value
DUPLICATE_FIELD = "DUPLICATE_FIELD"  # a header field appears twice
FIELD_ORDER = "FIELD_ORDER"  # strict mode: header fields not in the standard's order
BAD_SEPARATOR = "BAD_SEPARATOR"  # strict mode: "," where ";" belongs (or the reverse)
BAD_ITEM = "BAD_ITEM"  # strict mode: a CP token that is not name=value
BAD_PACKET_SPLIT = "BAD_PACKET_SPLIT"  # PNUM/PNO inconsistent with Flag D bit or with each other
DECRYPT_FAILED = "DECRYPT_FAILED"  # SM4-encrypted CP could not be decrypted with the device key

ALL_CODES = frozenset(v for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str))


class HJ212Error(ValueError):
    """A rejection: `code` is stable for translation, `message` says what was expected and where."""

    def __init__(self, code: str, message: str, *, offset: int | None = None, field: str | None = None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.offset = offset
        self.field = field

    def __repr__(self) -> str:
        return f"HJ212Error({self.code!r}, {self.message!r}, offset={self.offset!r}, field={self.field!r})"
