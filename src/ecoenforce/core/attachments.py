"""Files people attach to a record (patrol photos, findings, referral answers): the type read from the content, never
from the name; a size cap per file and a count cap per record. `attachments_check` refuses the whole lot with every
problem named before anything is written; `attachments_store` keeps them in the platform's one file store
(`core.files`, content-addressed blobs), where a record's row names each by its SHA-256 and the view serves it with
`core.files.blob_open`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.files import HEAD, Blob, blob_put, sniff_type

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


def attachments_store(checked: Sequence[tuple[bytes, str]]) -> list[Blob]:
    """Keep each checked file in the one blob store (`core.files.blob_put`: by its SHA-256, mode 0600, written whole
    or not at all). A record names its files by `sha256` and serves them with `blob_open(sha256)`. Nothing is removed
    when the caller's transaction fails: the same content may be another record's file, and a blob no row names is
    never served."""
    return [blob_put(data, max_bytes=MAX_FILE_BYTES) for data, _kind in checked]


def legacy_files_into_blobs(*, area: str, rows: Iterable[tuple[str, str]]) -> list[str]:
    """For the data migrations that retired the per-record layout `FILES_DIR/<area>/<record>/<random>.<ext>`: copy
    each (stored name, recorded SHA-256) into the blob store, checked against the SHA-256 recorded at upload. The old
    files are left where they were (copied, never moved). Returns the problems: a file missing or no longer the one
    received is not copied, so its record answers "not found" rather than serve other bytes."""
    problems = []
    root = Path(settings.FILES_DIR) / area
    for stored, sha in rows:
        path = root / stored
        try:
            with open(path, "rb") as fh:
                blob_put(fh, expected_sha256=sha)
        except FileNotFoundError:
            problems.append(f"{path}: missing")
        except ValidationFailed:
            problems.append(f"{path}: content no longer has the SHA-256 recorded at upload ({sha})")
    return problems
