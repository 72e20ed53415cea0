"""The one file store: what a file is (read from its bytes, never from its name or the sender's claim), the name it
is shown under, and content-addressed blobs that any later change can be detected in.

Blobs live under `settings.FILES_DIR / "blobs" / <sha[:2]> / <sha>`: the name is the SHA-256 of the content, so
the same content is stored once and `blob_verify` re-hashes a file to prove it was not changed. A blob is written
to a temporary file beside the store, fsynced, made mode 0600 and renamed into place in one step, so a reader never
sees half a file and an interrupted write leaves nothing under a blob's name.

Django-light: only `settings.FILES_DIR` and the translated messages.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from ecoenforce.core.errors import NotFound, ValidationFailed

CHUNK = 1024 * 1024
HEAD = 64 * 1024  # what `blob_put` sniffs a streamed file's type from
_SHA = re.compile(r"^[0-9a-f]{64}$")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ISO base media brands (the `ftyp` box at offset 4): what the container holds.
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"avif"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P "}
_QT_BRANDS = {b"qt  "}

# The extension a type is stored and shown with.
EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "image/heic": "heic",
    "image/heif": "heif", "image/avif": "avif", "application/pdf": "pdf", "video/mp4": "mp4",
    "video/quicktime": "mov", "video/webm": "webm", "audio/mp4": "m4a", "audio/mpeg": "mp3", "audio/wav": "wav",
    "audio/amr": "amr", "audio/ogg": "ogg", DOCX: "docx", XLSX: "xlsx",
}


def _zip_type(head: bytes) -> str | None:
    try:  # the whole file: read its directory
        with zipfile.ZipFile(io.BytesIO(head)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        names = None
    if names is not None:
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        return None
    # only the beginning of a longer file: the local headers name the parts written first
    if len(head) < HEAD or b"[Content_Types].xml" not in head:
        return None
    if b"word/" in head:
        return DOCX
    if b"xl/" in head:
        return XLSX
    return None


def sniff_type(head: bytes) -> str | None:
    """The MIME type the bytes are, read from their first bytes (the whole file for Office documents when given),
    or None when it is none of the types the platform keeps. Plain text has no signature: None."""
    head = bytes(head[:]) if not isinstance(head, bytes) else head
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if len(head) >= 12 and head[:4] == b"RIFF":
        if head[8:12] == b"WEBP":
            return "image/webp"
        if head[8:12] == b"WAVE":
            return "audio/wav"
        return None
    if len(head) >= 12 and head[4:8] == b"ftyp":
        major = head[8:12]
        size = int.from_bytes(head[:4], "big")
        brands = {major} | {head[i:i + 4] for i in range(16, min(size, len(head), 64), 4)}
        if major in _HEIC_BRANDS or (major in _HEIF_BRANDS and brands & _HEIC_BRANDS):
            return "image/heic"
        if major == b"avif":
            return "image/avif"
        if major in _HEIF_BRANDS:
            return "image/heif"
        if major in _M4A_BRANDS:
            return "audio/mp4"
        if major in _QT_BRANDS:
            return "video/quicktime"
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska; the platform keeps WebM only
        return "video/webm" if b"webm" in head[:64] else None
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0
                                   and (head[1] & 0x06) != 0):  # MPEG audio frame sync with a layer set
        return "audio/mpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(head)
    return None


def display_name(name: str, ext: str | None = None) -> str:
    """The sender's file name for display only: no path, no control or reserved characters, at most 100 characters
    before the extension; with `ext`, the extension of what the file is (not what its name claimed)."""
    base = unicodedata.normalize("NFC", Path(str(name or "").replace("\\", "/")).name)
    base = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]", "", base).strip(" .")
    stem, dot, old = base.rpartition(".")
    if not dot:
        stem, old = base, ""
    stem = (stem or "file")[:100]
    suffix = ext if ext is not None else old[:10]
    return f"{stem}.{suffix}" if suffix else stem


# --- content-addressed blobs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Blob:
    sha256: str
    size: int
    content_type: str | None


def blobs_dir() -> Path:
    return Path(settings.FILES_DIR) / "blobs"


def _check_sha(sha: str) -> str:
    sha = str(sha or "").strip().lower()
    if not _SHA.match(sha):
        raise ValidationFailed(_("A SHA-256 is 64 hexadecimal characters."), details={"sha256": [_("Check the value.")]})
    return sha


def blob_path(sha: str) -> Path:
    """Where the blob with this SHA-256 lives (whether or not it exists)."""
    sha = _check_sha(sha)
    return blobs_dir() / sha[:2] / sha


def _chunks(data: bytes | bytearray | memoryview | BinaryIO):
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start:start + CHUNK])
        return
    while True:
        chunk = data.read(CHUNK)
        if not chunk:
            return
        yield chunk


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def blob_put(data: bytes | BinaryIO, *, expected_sha256: str | None = None, max_bytes: int | None = None) -> Blob:
    """Store the content once under its SHA-256 and say what it is. The same content again returns the same blob.
    A declared SHA-256 that the content does not have, or content over `max_bytes`, is refused and nothing kept."""
    expected = _check_sha(expected_sha256) if expected_sha256 is not None else None
    root = blobs_dir()
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest, size = hashlib.sha256(), 0
    head = bytearray()
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=root)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in _chunks(data):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise ValidationFailed(
                        _("The file is larger than %(mb)s MB.") % {"mb": round(max_bytes / (1024 * 1024), 1)},
                        details={"file": [_("Send a smaller file.")]})
                digest.update(chunk)
                if len(head) < HEAD:
                    head += chunk[:HEAD - len(head)]
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        sha = digest.hexdigest()
        if expected is not None and sha != expected:
            raise ValidationFailed(
                _("The file received is not the file declared: its SHA-256 is %(got)s, the declaration says "
                  "%(declared)s. It was not kept. Send the file again.") % {"got": sha, "declared": expected},
                code="hash_mismatch", details={"sha256": [_("Does not match the content.")]})
        whole = bytes(head) if size <= HEAD else None
        kind = sniff_type(whole if whole is not None else bytes(head))
        final = root / sha[:2] / sha
        final.parent.mkdir(exist_ok=True, mode=0o700)
        if final.exists():
            tmp.unlink(missing_ok=True)  # the same content is already kept
        else:
            os.chmod(tmp, 0o600)
            os.replace(tmp, final)
            _fsync_dir(final.parent)
        return Blob(sha256=sha, size=size, content_type=kind)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def blob_open(sha: str) -> BinaryIO:
    """The blob's content for reading; a missing blob is "not found"."""
    path = blob_path(sha)
    try:
        return open(path, "rb")  # noqa: SIM115 — the caller closes it
    except FileNotFoundError:
        raise NotFound(_("The stored file is missing.")) from None


def blob_read(sha: str) -> bytes:
    with blob_open(sha) as fh:
        return fh.read()


def blob_hash(path: Path) -> str | None:
    """The SHA-256 of a stored file, or None when it is missing."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in _chunks(fh):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def blob_verify(sha: str) -> bool:
    """True when the blob is present and its content still hashes to its name."""
    return blob_hash(blob_path(sha)) == _check_sha(sha)


def private_write(path: Path, data: bytes) -> None:
    """Write a new file (never overwrite) readable by the platform's user only, fsynced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
