"""Resumable uploads (/api/v1/uploads): a phone sends a photo, a video or a recording in chunks, picks up where the
server stopped after an interruption, and completes it into the evidence store by its SHA-256.

1. `POST /uploads` with the file's SHA-256, size and name → the session (the same file's open session is resumed).
2. `PUT /uploads/{id}/chunks?offset=N` with the raw bytes (application/octet-stream, at most 2 MB a chunk).
3. `GET /uploads/{id}` → `received`: where to resume after an interruption.
4. `POST /uploads/{id}/complete` → the server re-hashes the file; on success the blob's SHA-256 is what the evidence
   refers to (on-site record API); on a mismatch the refusal says so and the session starts again from 0.

Every write may carry an `Idempotency-Key` header (sync.idempotency): a replay gets the first answer.
"""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Router, Schema, Status

from ecoenforce.sync import services
from ecoenforce.sync.models import UploadSession

router = Router(tags=["uploads"])


class UploadIn(Schema):
    sha256: str = Field(..., max_length=64, description="SHA-256 of the whole file, 64 hex characters")
    size: int = Field(..., description="the file's size in bytes")
    filename: str = Field("", max_length=200)
    content_type: str = Field("", max_length=100, description="what the phone says it is (the server reads the bytes)")


class UploadOut(Schema):
    id: uuid.UUID
    sha256: str
    size: int
    received: int
    state: str
    filename: str
    content_type: str
    chunk_max: int
    expires_at: dt.datetime
    completed_at: dt.datetime | None

    @staticmethod
    def from_model(s: UploadSession) -> UploadOut:
        return UploadOut(id=s.pk, sha256=s.sha256, size=s.size, received=s.received, state=s.state,
                         filename=s.filename, content_type=s.content_type, chunk_max=services.MAX_CHUNK_BYTES,
                         expires_at=s.expires_at, completed_at=s.completed_at)


CHUNK_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


@router.post("", response={201: UploadOut, 200: UploadOut},
             summary="Start an upload, or resume the open one of the same file")
def upload_start(request, payload: UploadIn):
    session, created = services.upload_open(actor=request.user, sha256=payload.sha256, size=payload.size,
                                            filename=payload.filename, content_type=payload.content_type)
    return Status(201 if created else 200, UploadOut.from_model(session))


@router.get("/{upload_id}", response=UploadOut, summary="Where an upload stands (the offset to resume from)")
def upload_status(request, upload_id: str):
    return UploadOut.from_model(services.upload_get(actor=request.user, upload_id=upload_id))


@router.put("/{upload_id}/chunks", response=UploadOut, openapi_extra=CHUNK_BODY,
            summary="Send the bytes that start at `offset` (raw body)")
def upload_chunk(request, upload_id: str, offset: int):
    session = services.upload_chunk_put(actor=request.user, upload_id=upload_id, offset=offset, data=request.body)
    return UploadOut.from_model(session)


@router.post("/{upload_id}/complete", response=UploadOut,
             summary="Check the SHA-256 and keep the file in the evidence store")
def upload_finish(request, upload_id: str):
    return UploadOut.from_model(services.upload_complete(actor=request.user, upload_id=upload_id))
