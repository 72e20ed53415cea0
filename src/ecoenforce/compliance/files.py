"""The firm's evidence files for rectification tasks, kept in the platform's one file store (`core.files`): at most
MAX_FILES per submission, MAX_FILE_BYTES each, the type read from the content (PDF, JPEG, PNG, Word .docx — the
types a firm's explanation is sent in), shown under the sender's cleaned name with the extension of what the file
is, stored once by its SHA-256 (`blob_put`: mode 0600, written whole or not at all) and served only through
`selectors.rectification_file_for_user`, which opens the blob the row names."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.utils.translation import gettext as _

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.files import DOCX, EXTENSIONS, blob_path, blob_put, display_name, sniff_type

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
ACCEPTED = frozenset({"application/pdf", "image/jpeg", "image/png", DOCX})


def files_check(files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes, str]]:
    """(display name, bytes, content type) of each file, or ValidationFailed naming every refused one."""
    problems: list[str] = []
    if len(files) > MAX_FILES:
        problems.append(_("Send at most %(n)d files.") % {"n": MAX_FILES})
    checked = []
    for name, data in files:
        shown = Path(str(name or "")).name[:100]
        if len(data) > MAX_FILE_BYTES:
            problems.append(_("%(name)s is larger than %(mb)d MB. Send a smaller scan or split it.")
                            % {"name": shown, "mb": MAX_FILE_BYTES // (1024 * 1024)})
            continue
        kind = sniff_type(data)
        if kind not in ACCEPTED:
            problems.append(_("%(name)s is not a PDF, JPEG, PNG or Word (.docx) file. Save it in one of these "
                              "formats and send it again.") % {"name": shown})
            continue
        checked.append((display_name(name, EXTENSIONS[kind]), data, kind))
    if problems:
        raise ValidationFailed(" ".join(problems), details={"attachments": problems})
    return checked


def file_write(data: bytes) -> str:
    """Keep the bytes in the blob store; their SHA-256 (the name they are stored and verified under)."""
    return blob_put(data, max_bytes=MAX_FILE_BYTES).sha256


def file_path(stored: str) -> Path | None:
    """The blob a row names, when it is there."""
    try:
        path = blob_path(stored)
    except Exception:  # noqa: BLE001 - not a SHA-256: nothing to serve
        return None
    return path if path.is_file() else None
