"""The firm's evidence files for rectification tasks: at most MAX_FILES per submission, MAX_FILE_BYTES each, the
type read from the content (PDF, JPEG, PNG, Word .docx — `warnings.notices.content_type_of`, the notices' rule),
written under `FILES_DIR/rectifications/<task id>/` by a random name, mode 0600, served only through
`selectors.rectification_file_for_user`."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.warnings.notices import TYPES, content_type_of

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024


def files_dir() -> Path:
    return Path(settings.FILES_DIR) / "rectifications"


def _clean_name(name: str, ext: str) -> str:
    base = unicodedata.normalize("NFC", Path(str(name or "")).name)
    base = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]", "", base).strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{(stem or 'file')[:100]}.{ext}"


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
        kind = content_type_of(data)
        if kind is None:
            problems.append(_("%(name)s is not a PDF, JPEG, PNG or Word (.docx) file. Save it in one of these "
                              "formats and send it again.") % {"name": shown})
            continue
        checked.append((_clean_name(name, TYPES[kind]), data, kind))
    if problems:
        raise ValidationFailed(" ".join(problems), details={"attachments": problems})
    return checked


def file_write(task_id: int, data: bytes, kind: str) -> tuple[str, str]:
    """Write the bytes; (stored name, sha256)."""
    folder = files_dir() / str(task_id)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{task_id}/{secrets.token_hex(16)}.{TYPES[kind]}"
    fd = os.open(files_dir() / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return stored, hashlib.sha256(data).hexdigest()


def files_remove(stored: list[str]) -> None:
    for name in stored:
        (files_dir() / name).unlink(missing_ok=True)


def file_path(stored: str) -> Path | None:
    path = (files_dir() / stored).resolve()
    return path if files_dir().resolve() in path.parents and path.is_file() else None
