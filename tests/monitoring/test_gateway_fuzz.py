"""Hypothesis against a live gateway subprocess: whatever a peer sends, the next honest device is answered."""

import os
import socket
import subprocess
import sys

import pytest
from gw_helpers import upload
from hj212_data import REPO_ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoenforce.monitoring.hj212 import FrameDecoder, RawFrame, parse


@pytest.fixture(scope="module")
def gateway_port(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gwfuzz")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecoenforce.monitoring.gateway.cli", "--host", "127.0.0.1", "--port", "0",
         "--spool", str(tmp / "spool"), "--rate", "100000", "--burst", "100000"],
        stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}, text=True,
    )  # fmt: skip
    line = proc.stdout.readline()
    assert line.startswith("LISTENING")
    yield int(line.split()[2])
    proc.terminate()
    assert proc.wait(20) == 0  # it survived everything and shut down cleanly


def _answer_qn(port: int, qn: str) -> str | None:
    """Send one honest upload on a fresh connection; the QN of the 9014 received (None if none within 2 s)."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(upload(qn=qn))
        decoder = FrameDecoder()
        while True:
            data = sock.recv(4096)
            if not data:
                return None
            for item in decoder.feed(data):
                if isinstance(item, RawFrame):
                    return parse(item.raw).qn


chunks = st.lists(
    st.one_of(
        st.binary(max_size=2000),
        st.builds(lambda n, tail: b"##%04d" % n + tail, st.integers(0, 9999), st.binary(max_size=200)),
        st.builds(lambda cut: upload()[:cut], st.integers(0, 120)),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks)
def test_hostile_bytes_never_stop_the_gateway(gateway_port, payload):
    with socket.create_connection(("127.0.0.1", gateway_port), timeout=2) as sock:
        for chunk in payload:
            try:
                sock.sendall(chunk)
            except OSError:
                break  # the gateway hung up on us: allowed
    assert _answer_qn(gateway_port, "20260101000000123") == "20260101000000123"
