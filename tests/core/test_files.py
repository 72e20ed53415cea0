"""core.files: content sniffing, display names and the content-addressed blob store."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile

import pytest

from ecoenforce.core.errors import NotFound, ValidationFailed
from ecoenforce.core.files import (
    DOCX,
    XLSX,
    blob_open,
    blob_path,
    blob_put,
    blob_verify,
    blobs_dir,
    display_name,
    sniff_type,
)


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path):
    settings.FILES_DIR = tmp_path / "files"
    return settings.FILES_DIR


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(("head", "kind"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"GIF89a\x01\x00", "image/gif"),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
    (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1miaf", "image/heif"),
    (b"%PDF-1.7\n", "application/pdf"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41", "video/mp4"),
    (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  ", "video/quicktime"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom", "audio/mp4"),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"),
    (b"ID3\x04\x00\x00\x00\x00", "audio/mpeg"),
    (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"),
    (b"#!AMR\n\x3c", "audio/amr"),
    (b"OggS\x00\x02", "audio/ogg"),
    (b"plain words are not a file type", None),
    (b"", None),
    (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska", None),
])
def test_sniff_reads_the_bytes(head, kind):
    assert sniff_type(head) == kind


def test_office_documents_are_told_apart_and_a_bare_zip_is_not_one():
    assert sniff_type(_zip(["[Content_Types].xml", "word/document.xml"])) == DOCX
    assert sniff_type(_zip(["[Content_Types].xml", "xl/workbook.xml"])) == XLSX
    assert sniff_type(_zip(["a.txt"])) is None
    assert sniff_type(b"PK\x03\x04broken") is None


def test_display_name_drops_paths_and_control_characters():
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\张三\\现场照片.JPG", "jpg") == "现场照片.jpg"
    assert display_name("a\x00b<c>.pdf") == "abc.pdf"
    assert display_name("", "pdf") == "file.pdf"
    assert display_name("report.exe", "pdf") == "report.pdf"
    assert len(display_name("x" * 300 + ".png")) == 104


def test_blob_put_stores_once_by_content_private_and_verifiable():
    data = b"\xff\xd8\xff\xe0" + os.urandom(3 * 1024 * 1024)  # spans several chunks
    sha = hashlib.sha256(data).hexdigest()
    blob = blob_put(data, expected_sha256=sha.upper())
    assert (blob.sha256, blob.size, blob.content_type) == (sha, len(data), "image/jpeg")
    path = blob_path(sha)
    assert path == blobs_dir() / sha[:2] / sha
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = blob_put(io.BytesIO(data))  # a stream, the same content: the same blob, no error
    assert again == blob
    assert [p.name for p in path.parent.iterdir()] == [sha]
    assert not [p for p in blobs_dir().iterdir() if p.is_file()]  # no temporary file left behind
    with blob_open(sha) as fh:
        assert fh.read() == data
    assert blob_verify(sha)


def test_a_declared_hash_that_does_not_match_keeps_nothing():
    with pytest.raises(ValidationFailed) as refused:
        blob_put(b"%PDF-1.4 evidence", expected_sha256="0" * 64)
    assert "SHA-256" in str(refused.value.message)
    assert [p for p in blobs_dir().rglob("*") if p.is_file()] == []
    with pytest.raises(ValidationFailed):
        blob_put(b"x", expected_sha256="not-a-hash")


def test_over_the_cap_keeps_nothing():
    with pytest.raises(ValidationFailed):
        blob_put(b"x" * 2048, max_bytes=1024)
    assert [p for p in blobs_dir().rglob("*") if p.is_file()] == []


def test_a_changed_or_missing_blob_fails_verification():
    blob = blob_put(b"%PDF-1.4 original")
    path = blob_path(blob.sha256)
    os.chmod(path, 0o600)
    path.write_bytes(b"%PDF-1.4 changed!")
    assert not blob_verify(blob.sha256)
    path.unlink()
    assert not blob_verify(blob.sha256)
    with pytest.raises(NotFound):
        blob_open(blob.sha256)


def test_blob_path_refuses_anything_but_a_hash():
    with pytest.raises(ValidationFailed):
        blob_path("../../etc/passwd")
