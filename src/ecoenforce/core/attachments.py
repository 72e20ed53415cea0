"""Files people attach to a record (patrol photos, findings, referral answers): the type read from the content, never
from the name; a size cap per file and a count cap per record; stored under `FILES_DIR/<area>/<record>/` by random
names, mode 0600. `attachments_check` refuses the whole lot with every problem named before anything is written;
`attachment_write` writes one file; a caller removes what it wrote when its transaction fails (`attachments_discard`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.files import HEAD, sniff_type

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
DOCUMENT_TYPES = {**IMAGE_TYPES, "application/pdf": "pdf"}
MAX_FILE_BYTES = 5 * 1024 * 1024


def content_type_of(data: bytes) -> str | None:
    """What the bytes are, by the one sniffer (`core.files.sniff_type`); callers accept only their `allowed` types."""
    return sniff_type(data[:HEAD])


def attachments_check(files: Sequence[bytes], *, allowed: dict[str, str] = IMAGE_TYPES, max_count: int = 5,
                      max_bytes: int = MAX_FILE_BYTES, field: str = "photos") -> list[tuple[bytes, str]]:
    """(data, content type) of each file, or ValidationFailed naming every file that is refused and why."""
    problems: list[str] = []
    if len(files) > max_count:
        problems.append(_("Attach at most %(n)d files.") % {"n": max_count})
    kinds = ", ".join(sorted({ext.upper() for ext in allowed.values()}))
    checked = []
    for number, data in enumerate(files, start=1):
        if len(data) > max_bytes:
            problems.append(_("File %(n)d is larger than %(mb)d MB. Attach a smaller one.")
                            % {"n": number, "mb": max_bytes // (1024 * 1024)})
            continue
        kind = content_type_of(data)
        if kind not in allowed:
            problems.append(_("File %(n)d is not one of the accepted kinds (%(kinds)s): its content says otherwise, "
                              "whatever its name.") % {"n": number, "kinds": kinds})
            continue
        checked.append((data, kind))
    if problems:
        raise ValidationFailed(" ".join(problems), details={field: problems})
    return checked


def files_root(area: str) -> Path:
    return Path(settings.FILES_DIR) / area


def attachment_write(*, area: str, owner: object, data: bytes, content_type: str) -> str:
    """Write one checked file under `FILES_DIR/<area>/<owner>/`; returns the stored name (relative to the area)."""
    ext = DOCUMENT_TYPES.get(content_type, "bin")
    (files_root(area) / str(owner)).mkdir(parents=True, exist_ok=True)
    stored = f"{owner}/{secrets.token_hex(16)}.{ext}"
    fd = os.open(files_root(area) / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return stored


def attachments_discard(*, area: str, stored: Sequence[str]) -> None:
    """Remove files written for a record whose transaction failed (a file without its row is never served)."""
    for name in stored:
        (files_root(area) / name).unlink(missing_ok=True)


def attachment_path(*, area: str, stored: str) -> Path:
    return files_root(area) / stored
