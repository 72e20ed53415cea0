"""Resumable uploads: open (or resume) a session, append chunks at the offset the server has, complete into the
content-addressed store (core.files.blob_put, which re-hashes against the declaration), clean up what expired.

Chunks are appended strictly in order: a chunk at the offset already received is written; one wholly before it was
already stored and is ignored (a retried request); one that overlaps only its tail is written from the server's
offset; one beyond it is refused with the offset to resume from. Nothing half-written is ever a blob.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecoenforce.core.access import STAFF_ROLES, require_role
from ecoenforce.core.audit import audit_record
from ecoenforce.core.errors import ApplicationError, InvalidTransition, NotFound, ValidationFailed
from ecoenforce.core.files import blob_put, display_name
from ecoenforce.core.models import User
from ecoenforce.sync.models import UploadSession

MAX_UPLOAD_BYTES = 500 * 1024 * 1024  # one file: a long on-site video at phone quality
MAX_CHUNK_BYTES = 2 * 1024 * 1024  # below Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): a chunk is read whole
MAX_OPEN_SESSIONS = 200  # per person: a day's photos, video and audio with room to spare
SESSION_LIFETIME = dt.timedelta(days=7)  # a phone may stay out of signal for days
_SHA = re.compile(r"^[0-9a-f]{64}$")


class OffsetConflict(ApplicationError):
    """A chunk beyond what the server has: the client resumes from `received`."""

    status = 409
    code = "OffsetConflict"


def uploads_dir() -> Path:
    return Path(settings.FILES_DIR) / "uploads"


def partial_path(session: UploadSession) -> Path:
    return uploads_dir() / session.pk.hex


def _check_declaration(sha256: object, size: object) -> tuple[str, int]:
    errors: dict[str, list[str]] = {}
    sha = str(sha256 or "").strip().lower()
    if not _SHA.match(sha):
        errors["sha256"] = [_("Give the file's SHA-256 as 64 hexadecimal characters.")]
    try:
        n = int(size)
    except (TypeError, ValueError):
        n = -1
    if n < 1 or n > MAX_UPLOAD_BYTES:
        errors["size"] = [_("Give the file's size in bytes, from 1 to %(mb)d MB.")
                          % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], details=errors)
    return sha, n


def _session_id(upload_id: object) -> uuid.UUID:
    try:
        return upload_id if isinstance(upload_id, uuid.UUID) else uuid.UUID(str(upload_id))
    except ValueError:
        raise NotFound() from None  # a malformed id is "not found", like another person's


def _lock(*, owner: User, upload_id: object) -> UploadSession:
    session = UploadSession.objects.select_for_update().filter(pk=_session_id(upload_id), owner=owner).first()
    if session is None:
        raise NotFound()
    return session


def _expire_if_due(session: UploadSession, now: dt.datetime) -> None:
    if session.state == UploadSession.State.OPEN and session.expires_at <= now:
        session.state = UploadSession.State.EXPIRED
        session.save(update_fields=["state"])
        partial_path(session).unlink(missing_ok=True)


@transaction.atomic
def upload_open(*, actor: User, sha256: object, size: object, filename: str = "",
                content_type: str = "") -> tuple[UploadSession, bool]:
    """A session for this file: the person's open session for the same SHA-256 is resumed (same id, the bytes
    already received kept) rather than a second one opened. Returns (session, created)."""
    require_role(actor, STAFF_ROLES)
    sha, n = _check_declaration(sha256, size)
    now = timezone.now()
    existing = UploadSession.objects.select_for_update().filter(owner=actor, sha256=sha,
                                                                state=UploadSession.State.OPEN).first()
    if existing is not None:
        _expire_if_due(existing, now)
    if existing is not None and existing.state == UploadSession.State.OPEN:
        if existing.size != n:
            raise ValidationFailed(_("An upload of this file is already open with another size (%(size)d bytes). "
                                     "The same SHA-256 is the same file: declare its real size.")
                                   % {"size": existing.size}, details={"size": [_("Check the value.")]})
        existing.expires_at = now + SESSION_LIFETIME
        existing.save(update_fields=["expires_at"])
        return existing, False
    if UploadSession.objects.filter(owner=actor, state=UploadSession.State.OPEN).count() >= MAX_OPEN_SESSIONS:
        raise ValidationFailed(_("You have %(n)d unfinished uploads. Finish or let them expire before starting "
                                 "more.") % {"n": MAX_OPEN_SESSIONS})
    name = display_name(str(filename or ""))[:200]
    try:
        with transaction.atomic():
            session = UploadSession.objects.create(owner=actor, sha256=sha, size=n, filename=name,
                                                   content_type=str(content_type or "")[:100],
                                                   expires_at=now + SESSION_LIFETIME)
    except IntegrityError:  # the same file opened at the same moment by another request of this person
        return UploadSession.objects.get(owner=actor, sha256=sha, state=UploadSession.State.OPEN), False
    audit_record(actor=actor, obj=session, action="upload.open",
                 after={"sha256": sha, "size": n, "filename": name})
    return session, True


def upload_get(*, actor: User, upload_id: object) -> UploadSession:
    """The person's own upload session (another person's is "not found")."""
    session = UploadSession.objects.filter(pk=_session_id(upload_id), owner=actor).first()
    if session is None:
        raise NotFound()
    return session


@transaction.atomic
def upload_chunk_put(*, actor: User, upload_id: object, offset: object, data: bytes) -> UploadSession:
    """Append one chunk at `offset` (see the module's rules); returns the session with the bytes now received."""
    session = _lock(owner=actor, upload_id=upload_id)
    _expire_if_due(session, timezone.now())
    if session.state == UploadSession.State.COMPLETE:
        return session  # a chunk retried after completion: everything is already kept
    if session.state != UploadSession.State.OPEN:
        raise InvalidTransition(_("This upload expired and its partial data was removed. Start the upload again."))
    try:
        start = int(offset)
    except (TypeError, ValueError):
        start = -1
    if start < 0:
        raise ValidationFailed(_("Give the chunk's offset in the file, from 0."), details={"offset": [_("Required.")]})
    if len(data) > MAX_CHUNK_BYTES:
        raise ValidationFailed(_("A chunk may hold at most %(kb)d KB. Send smaller chunks.")
                               % {"kb": MAX_CHUNK_BYTES // 1024}, details={"body": [_("Too large.")]})
    if not data:
        raise ValidationFailed(_("The chunk is empty."), details={"body": [_("Required.")]})
    if start + len(data) > session.size:
        raise ValidationFailed(_("The chunk goes past the end of the file as declared (%(size)d bytes).")
                               % {"size": session.size}, details={"offset": [_("Check the value.")]})
    if start > session.received:
        raise OffsetConflict(_("The server has %(received)d bytes of this file; send the chunk that starts there.")
                             % {"received": session.received}, details={"received": [str(session.received)]})
    end = start + len(data)
    if end <= session.received:
        return session  # sent before (a retry after a lost answer): already stored
    tail = data[session.received - start:]
    path = partial_path(session)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.pwrite(fd, tail, session.received)
        os.fsync(fd)
    finally:
        os.close(fd)
    session.received = end
    session.save(update_fields=["received"])
    return session


def upload_complete(*, actor: User, upload_id: object) -> UploadSession:
    """Re-hash what arrived and store it as a blob under its SHA-256. A mismatch with the declaration is refused with
    the reason; the partial data is dropped and the session starts again from 0 (the phone still has the file): the
    reset is committed (and audited) before the refusal is raised."""
    session, mismatch = _upload_complete(actor=actor, upload_id=upload_id)
    if mismatch is not None:
        declared, got = mismatch
        raise ValidationFailed(
            _("The file received is not the file declared: its SHA-256 is %(got)s, the declaration says %(declared)s. "
              "Nothing was kept; send the file again from the start.") % {"got": got, "declared": declared},
            code="hash_mismatch", details={"sha256": [_("Does not match the content.")]})
    return session


@transaction.atomic
def _upload_complete(*, actor: User, upload_id: object) -> tuple[UploadSession, tuple[str, str] | None]:
    session = _lock(owner=actor, upload_id=upload_id)
    _expire_if_due(session, timezone.now())
    if session.state == UploadSession.State.COMPLETE:
        return session, None
    if session.state != UploadSession.State.OPEN:
        raise InvalidTransition(_("This upload expired and its partial data was removed. Start the upload again."))
    if session.received < session.size:
        raise InvalidTransition(_("Only %(received)d of %(size)d bytes have arrived. Send the rest, then complete.")
                                % {"received": session.received, "size": session.size},
                                details={"received": [str(session.received)]})
    path = partial_path(session)
    with open(path, "r+b") as fh:
        fh.truncate(session.size)  # bytes written past `received` by an interrupted request are not the file's
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    got = digest.hexdigest()
    if got != session.sha256:
        declared = session.sha256
        transaction.on_commit(lambda: path.unlink(missing_ok=True))
        session.received = 0
        session.save(update_fields=["received"])
        audit_record(actor=actor, obj=session, action="upload.mismatch", after={"declared": declared, "got": got})
        return session, (declared, got)
    with open(path, "rb") as fh:
        blob = blob_put(fh, expected_sha256=session.sha256)
    session.state, session.completed_at = UploadSession.State.COMPLETE, timezone.now()
    session.content_type = blob.content_type or session.content_type
    session.save(update_fields=["state", "completed_at", "content_type"])
    audit_record(actor=actor, obj=session, action="upload.complete",
                 after={"sha256": blob.sha256, "size": blob.size, "content_type": blob.content_type})
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return session, None


def uploads_cleanup(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Expire open sessions past their time and remove their partial data, and any partial file without an open
    session (an interrupted completion). Returns the counts."""
    now = now or timezone.now()
    expired = 0
    for session in UploadSession.objects.filter(state=UploadSession.State.OPEN, expires_at__lte=now):
        with transaction.atomic():
            locked = UploadSession.objects.select_for_update().get(pk=session.pk)
            _expire_if_due(locked, now)
            expired += locked.state == UploadSession.State.EXPIRED
    orphans = 0
    root = uploads_dir()
    if root.is_dir():
        open_ids = {s.hex for s in UploadSession.objects.filter(state=UploadSession.State.OPEN)
                    .values_list("pk", flat=True)}
        for path in root.iterdir():
            if path.is_file() and path.name not in open_ids:
                path.unlink(missing_ok=True)
                orphans += 1
    return {"expired": expired, "orphans": orphans}
