"""The lake on S3-compatible object storage (moto's local S3 server): the loader writes, readers and rules read.

Everything is compared with the same work on a local lake folder.
"""

import random
import socket
from datetime import timedelta

import pyarrow.fs as pafs
import pytest
from test_lake_recovery import _frames, _keys, _rows, _spool

from ecoenforce.monitoring.lake import load, read_readings
from ecoenforce.monitoring.lake.checkpoint import Checkpoint
from ecoenforce.monitoring.lake.loader import spool_backlog
from ecoenforce.monitoring.lake.storage import Lake
from ecoenforce.monitoring.rules.policy import RulePolicyValues
from ecoenforce.monitoring.rules.runner import lake_files, run_lake
from ecoenforce.monitoring.scenario import generate, write_lake
from ecoenforce.warnings.inputs.lake_writer import write_rows


@pytest.fixture
def s3(monkeypatch):
    """A moto S3 server on a free loopback port with a bucket `lake`; yields the endpoint."""
    server_mod = pytest.importorskip("moto.server")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"127.0.0.1:{port}"
    pafs.S3FileSystem(endpoint_override=endpoint, scheme="http", region="us-east-1",
                      allow_bucket_creation=True).create_dir("lake")  # fmt: skip
    try:
        yield endpoint
    finally:
        server.stop()


def _uri(endpoint: str, prefix: str) -> str:
    return f"s3://lake/{prefix}?endpoint_override={endpoint}&scheme=http&region=us-east-1"


def test_loader_writes_and_reader_reads_object_storage(tmp_path, s3):
    rng = random.Random(2)
    _spool(tmp_path / "gw1", _frames("A", 150, rng), torn=True)
    _spool(tmp_path / "gw2", _frames("B", 150, rng))
    uri = _uri(s3, "prov")
    for who in ("gw1", "gw2"):
        report = load(tmp_path / who, uri, loader_id=who, max_range_bytes=5000)
        assert report.rows_written and not report.errors
        assert load(tmp_path / who, uri, loader_id=who).ranges == 0  # idempotent
        assert spool_backlog(tmp_path / who, uri, who).frames == 0
        load(tmp_path / who, tmp_path / "local", loader_id=who, max_range_bytes=5000)
    assert _rows(uri) == _rows(tmp_path / "local")
    keys = _keys(uri)
    assert len(keys) == len(set(keys)) > 500
    lake = Lake(uri)
    assert not lake.local and lake.exists("_checkpoint-gw1.json") and lake.exists("_checkpoint-gw2.json")
    assert Checkpoint.load(lake, "_checkpoint-gw1.json").pending is None
    one = read_readings(uri, mn="A3", kind="minute", as_dicts=True)
    assert one and one == read_readings(tmp_path / "local", mn="A3", kind="minute", as_dicts=True)


def test_rules_and_other_writers_on_object_storage(tmp_path, s3):
    sc = generate(n_points=4, days=3, seed=7, inject_share=1.0, lookalike_share=0.0)
    write_lake(sc, tmp_path / "local")
    uri = _uri(s3, "rules")
    lake = Lake(uri)
    pafs.copy_files(str(tmp_path / "local"), lake.root, destination_filesystem=lake.fs)
    start, end = sc.start, sc.start + timedelta(hours=sc.hours)
    assert len(lake_files(uri, start, end)) == len(lake_files(tmp_path / "local", start, end)) > 0
    local_events = run_lake(tmp_path / "local", start, end, sc.limits, RulePolicyValues())
    assert local_events
    assert run_lake(uri, start, end, sc.limits, RulePolicyValues()) == local_events
    # electricity/video readings written by the platform land on the same storage, once per batch
    rows = read_readings(tmp_path / "local", kind="hour", as_dicts=True)[:5]
    for row in rows:
        row["mn"] = "E" + row["mn"][1:]
    first = write_rows(uri, rows)
    assert write_rows(uri, rows) == first and all(lake.exists(f) for f in first)
    assert len(read_readings(uri, mn=rows[0]["mn"], kind="hour")) == sum(r["mn"] == rows[0]["mn"] for r in rows)
