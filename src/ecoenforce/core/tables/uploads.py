"""The size cap on every way a file comes in: the request itself (an upload handler that stops reading past the
cap, so a huge body never reaches memory or disk), a page or API file field, and a path given on the command line."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from ecoenforce.core.errors import ValidationFailed
from ecoenforce.core.tables.reader import MAX_BYTES, TableRefused, file_too_large


class CappedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: a file larger than MAX_BYTES is dropped while it streams in (Django reads and
    discards the rest of the body) and the request is marked, so the view can say why the file is missing."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > MAX_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file


def _refused(refusal: TableRefused) -> ValidationFailed:
    return ValidationFailed(f"{refusal.problem} {refusal.action}", details={"file": [refusal.problem]})


def upload_read(request: HttpRequest, upload: object | None, *, max_bytes: int = MAX_BYTES) -> bytes | None:
    """The bytes of an uploaded file (request.FILES item or ninja UploadedFile); None when no file was sent;
    ValidationFailed (translated) when it is over the cap, whether the handler stopped it or it is merely large."""
    if upload is None:
        if getattr(request, "upload_too_large", False):
            raise _refused(file_too_large(max_bytes))
        return None
    if upload.size is not None and upload.size > max_bytes:
        raise _refused(file_too_large(max_bytes))
    return upload.read()


def path_read(path: str | Path, *, max_bytes: int = MAX_BYTES) -> bytes:
    """A file named on the command line, refused before reading when it is over the cap (ValidationFailed), or when
    it cannot be read."""
    from django.utils.translation import gettext as _

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _refused(file_too_large(max_bytes))
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise ValidationFailed(_("Cannot read %(file)s: %(why)s") % {"file": path, "why": exc.strerror or exc}) from None
    if len(data) > max_bytes:  # it grew while we looked
        raise _refused(file_too_large(max_bytes))
    return data
