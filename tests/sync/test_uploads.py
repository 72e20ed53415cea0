"""Issue 9 item 3, bad input: an upload cut half-way resumes from the server's offset and is kept once under its
SHA-256; a retried or overlapping chunk is harmless; a chunk beyond the offset is refused with where to resume; a
file whose hash does not match its declaration is refused (translated) and the session starts again; another
person's upload is "not found"; the partial data is private and goes when the upload completes or expires."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ecoenforce.core.files import blob_path, blob_verify
from ecoenforce.core.models import AuditEvent
from ecoenforce.sync.models import UploadSession
from ecoenforce.sync.services import partial_path

pytestmark = pytest.mark.django_db
PHOTO = b"\xff\xd8\xff\xe0" + os.urandom(1_300_000)  # a JPEG's signature, then 1.3 MB
SHA = hashlib.sha256(PHOTO).hexdigest()
CHUNK = 512 * 1024


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


def _client(user, lang: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client


def _start(client, data=PHOTO, sha=SHA):
    return client.post("/api/v1/uploads", {"sha256": sha, "size": len(data), "filename": "../IMG_0001.jpg"},
                       content_type="application/json")


def _put(client, upload_id, offset, data):
    return client.put(f"/api/v1/uploads/{upload_id}/chunks?offset={offset}", data,
                      content_type="application/octet-stream")


def test_an_upload_cut_half_way_resumes_from_the_servers_offset(inspector_wj, django_capture_on_commit_callbacks):
    phone = _client(inspector_wj)
    started = _start(phone)
    assert started.status_code == 201
    upload = started.json()
    assert upload["received"] == 0 and upload["filename"] == "IMG_0001.jpg"
    assert _put(phone, upload["id"], 0, PHOTO[:CHUNK]).json()["received"] == CHUNK
    # The connection drops half-way through the second chunk: only part of it arrived (a shorter body).
    assert _put(phone, upload["id"], CHUNK, PHOTO[CHUNK:CHUNK + 200_000]).json()["received"] == CHUNK + 200_000
    path = partial_path(UploadSession.objects.get(pk=upload["id"]))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The phone comes back: starting the same file again resumes the same session, and says where to go on.
    again = _start(phone)
    assert again.status_code == 200 and again.json()["id"] == upload["id"]
    resume_at = phone.get(f"/api/v1/uploads/{upload['id']}").json()["received"]
    assert resume_at == CHUNK + 200_000
    # The phone resends its whole second chunk (it does not know what arrived): the overlap is written once.
    assert _put(phone, upload["id"], CHUNK, PHOTO[CHUNK:2 * CHUNK]).json()["received"] == 2 * CHUNK
    # A chunk sent before, retried after a lost answer: ignored.
    assert _put(phone, upload["id"], 0, PHOTO[:CHUNK]).json()["received"] == 2 * CHUNK
    # Completing early is refused with what has arrived.
    early = phone.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert early.status_code == 409 and "have arrived" in early.json()["message"]
    assert _put(phone, upload["id"], 2 * CHUNK, PHOTO[2 * CHUNK:]).json()["received"] == len(PHOTO)
    with django_capture_on_commit_callbacks(execute=True):
        done = phone.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["state"], body["sha256"], body["content_type"]) == ("complete", SHA, "image/jpeg")
    assert blob_path(SHA).read_bytes() == PHOTO and blob_verify(SHA)
    assert not path.exists()  # the partial data went with the completion
    assert phone.post(f"/api/v1/uploads/{upload['id']}/complete").json()["state"] == "complete"  # idempotent
    assert UploadSession.objects.count() == 1
    assert AuditEvent.objects.filter(action="upload.complete").count() == 1


def test_a_chunk_beyond_the_offset_is_refused_with_where_to_resume(inspector_wj):
    phone = _client(inspector_wj)
    upload = _start(phone).json()
    refused = _put(phone, upload["id"], CHUNK, PHOTO[CHUNK:2 * CHUNK])
    assert refused.status_code == 409
    assert refused.json()["message"] == "The server has 0 bytes of this file; send the chunk that starts there."
    past_end = _put(phone, upload["id"], len(PHOTO) - 10, PHOTO[-10:] + b"extra")
    assert past_end.status_code == 422
    assert phone.get(f"/api/v1/uploads/{upload['id']}").json()["received"] == 0


def test_a_file_that_is_not_the_one_declared_is_refused_and_the_session_starts_again(inspector_wj):
    phone = _client(inspector_wj, "zh-hans")
    upload = _start(phone).json()
    tampered = PHOTO[:-1] + b"\x00"
    for offset in range(0, len(tampered), CHUNK):
        assert _put(phone, upload["id"], offset, tampered[offset:offset + CHUNK]).status_code == 200
    refused = phone.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert refused.status_code == 422
    assert refused.json()["code"] == "hash_mismatch" and "不是所声明的文件" in refused.json()["message"]
    assert not blob_path(SHA).exists() and not blob_path(hashlib.sha256(tampered).hexdigest()).exists()
    state = phone.get(f"/api/v1/uploads/{upload['id']}").json()
    assert (state["state"], state["received"]) == ("open", 0)
    assert AuditEvent.objects.filter(action="upload.mismatch").count() == 1


def test_another_persons_upload_is_not_found(inspector_wj, inspector2_wj):
    upload = _start(_client(inspector_wj)).json()
    other = _client(inspector2_wj)
    for response in (other.get(f"/api/v1/uploads/{upload['id']}"), _put(other, upload["id"], 0, PHOTO[:10]),
                     other.post(f"/api/v1/uploads/{upload['id']}/complete"), other.get("/api/v1/uploads/not-a-uuid")):
        assert response.status_code == 404
    # The same file started by the other person is their own session.
    assert _start(other).json()["id"] != upload["id"]


def test_bad_declarations_are_refused_with_the_field(inspector_wj):
    phone = _client(inspector_wj)
    response = phone.post("/api/v1/uploads", {"sha256": "abc", "size": 0}, content_type="application/json")
    assert response.status_code == 422 and sorted(response.json()["details"]) == ["sha256", "size"]


def test_cleanup_expires_unfinished_uploads_and_removes_their_data(inspector_wj):
    phone = _client(inspector_wj)
    upload = _start(phone).json()
    _put(phone, upload["id"], 0, PHOTO[:CHUNK])
    session = UploadSession.objects.get(pk=upload["id"])
    path = partial_path(session)
    assert path.exists()
    UploadSession.objects.filter(pk=session.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("sync_cleanup")
    assert UploadSession.objects.get(pk=session.pk).state == "expired" and not path.exists()
    gone = _put(phone, upload["id"], CHUNK, PHOTO[CHUNK:2 * CHUNK])
    assert gone.status_code == 409 and "expired" in gone.json()["message"]
    assert _start(phone).json()["id"] != upload["id"]  # a new session for the same file
