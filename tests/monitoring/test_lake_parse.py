"""The loader's vectorised CP parse gives exactly the rows of the codec's per-frame parser (the reference).

Frames: the real samples and the standard's examples (as received and re-framed with a good CRC so that their CP
areas take the fast path), the simulator's frames, and a few thousand random malformed CP areas.
"""

import random
from datetime import datetime, timedelta

import pyarrow as pa
import pytest
from hj212_data import sample_lines, std_examples

from ecoenforce.monitoring.gateway.simulator import frame_cp
from ecoenforce.monitoring.gateway.spool import ACCEPTED, REJECTED, SpoolRecord
from ecoenforce.monitoring.hj212 import CST, build_segment, encode_frame, encrypt_cp, split_frame
from ecoenforce.monitoring.lake.parse import ORDER, Counts, _fast_frame, reference_rows, rows_table
from ecoenforce.monitoring.lake.schema import SCHEMA

KEY = bytes(range(16))


def _record(i: int, raw: bytes, kind: int = ACCEPTED) -> SpoolRecord:
    return SpoolRecord("seg-0000000001.hjs", i * 1000, kind, 1_767_225_600.123456 + i * 0.0137, f"{i:064x}", "", "",
                       raw, 1000)  # fmt: skip


def _reference(records, sm4_key=None, overrides=None):
    counts = Counts()
    rows = []
    for record in records:
        if record.kind == ACCEPTED:
            for row in reference_rows(record, sm4_key, overrides, counts):
                row["date"] = row["data_time"].strftime("%Y-%m-%d")
                rows.append(row)
    schema = SCHEMA.append(pa.field("kind", pa.string())).append(pa.field("date", pa.string()))
    return pa.Table.from_pylist(rows, schema=schema).to_pylist(), counts  # as the old loader wrote them


def _check(raws, sm4_key=None, overrides=None, *, min_fast=0):
    records = [_record(i, raw) for i, raw in enumerate(raws)]
    expected, ref_counts = _reference(records, sm4_key, overrides)
    counts = Counts()
    table, n = rows_table(records, sm4_key, overrides, counts)
    assert n == len(records)
    got = table.drop_columns([ORDER]).to_pylist()
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g == e
    assert (dict(counts.errors), counts.frames_without_readings) == (
        dict(ref_counts.errors),
        ref_counts.frames_without_readings,
    )
    fast = sum(_fast_frame(raw, sm4_key) is not None for raw in raws)
    assert fast >= min_fast
    return got


def _reframed(frame: str) -> bytes | None:
    """The frame's data segment with a correct length and CRC (None when it has no segment at all)."""
    try:
        return encode_frame(split_frame(frame.encode(), max_segment=1 << 16).segment)
    except Exception:  # noqa: BLE001 - framing defects are the point of some samples
        return None


def test_real_frames_as_received_and_reframed():
    frames = [line for line in sample_lines() if line.startswith("##")] + [f for _, _, f in std_examples()]
    raws = [(f + "\r\n").encode() for f in frames]
    raws += [r for r in (_reframed(f + "\r\n") for f in frames) if r is not None]
    rows = _check(raws, min_fast=10)
    assert rows  # the samples carry readings


def test_simulator_frames_minute_hour_realtime():
    rng = random.Random(3)
    when = datetime(2026, 11, 30, 23, 58, tzinfo=CST)
    raws = []
    for i in range(300):
        cn = ("2011", "2051", "2061", "2031")[i % 4]
        cp = frame_cp(cn, when + timedelta(minutes=i), i % 3 == 0, rng)
        raws.append(encode_frame(build_segment(qn="20261130235800001", st="32" if i % 3 == 0 else "31", cn=cn,
                                               pw="123456", mn=f"SIM{i % 7:08d}", flag=5, cp=cp)))  # fmt: skip
    raws.append(raws[5])  # a retransmission: both rows are kept here, the loader's dedup drops the second
    rows = _check(raws, min_fast=len(raws))
    assert {r["date"] for r in rows} == {"2026-11-30", "2026-12-01"}


TOKENS = ["DataTime", "=", "=", ";", ";", ",", ",", ",", "-", "--", " ", "w01018", "a21026", "011", "B01", "Rtd",
          "Avg", "Min", "Flag", "EFlag", "Info", "SN", "SampleTime", "Cou", "RS", "ZsAvg", "abc", "1.5", "+3", "-0",
          "1e5", "inf", "nan", "1_0", ".5", "5.", "0x10", "N", "20260102080000", "2026013201", "  ", "信息", "\t",
          "99999999999999999999.5", "1e400"]  # fmt: skip


def _random_cp(rng: random.Random) -> str:
    head = rng.choice(["DataTime=20260102080000;", "DataTime=20260102235959123;", "", "DataTime=2026;",
                       "DataTime;", "DataTime=20261301000000;", " DataTime = 20260103000000 ;", "x=1;"])  # fmt: skip
    return head + "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 30)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_malformed_cp_areas(seed):
    rng = random.Random(seed)
    raws = []
    for i in range(1500):
        cn = rng.choice(["2011", "2051", "2061", "2031", "2021", "2041", "9014", "1011"])
        st = rng.choice(["32", "31", "22", None])
        seg = build_segment(qn=rng.choice(["20260101000000001", None, "1767225600000"]), st=st, cn=cn, pw="123456",
                            mn=f"DEV{i % 5}", flag=rng.choice([5, 4, None]), cp=_random_cp(rng))  # fmt: skip
        raws.append(encode_frame(seg))
    rows = _check(raws, overrides={("32", "abc"): "w99999"}, min_fast=700)
    assert rows


def test_headers_and_framing_off_the_fast_path_still_match():
    cp = "DataTime=20260102080000;w01018-Avg=41.5,w01018-Flag=N"
    plain = build_segment(qn="20260101000000001", st="32", cn="2061", pw="123456", mn="DEV1", flag=5, cp=cp)
    raws = [
        encode_frame(plain),
        encode_frame(plain).replace(b"\r\n", b""),  # missing CR LF
        encode_frame(plain)[:-6] + encode_frame(plain)[-6:-2].lower() + b"\r\n",  # lower-case CRC
        encode_frame(plain.replace("Flag=5;", "Flag=5,")),  # ',' in the header
        encode_frame(plain.replace("Flag=5;", "Flag=7;PNUM=2;PNO=1;")),  # split packet
        encode_frame(plain.replace("Flag=5;", "Flag=9;RF=1;")),  # 2025 back-fill
        encode_frame(plain.replace("Flag=5;", "Flag=999;")),  # bad Flag
        encode_frame(plain.replace("CN=2061;", "CN=2061;CN=2051;")),  # duplicate field
        encode_frame(plain.removesuffix("&&")),  # unterminated CP
        encode_frame(plain.replace("41.5", "41\x005")),  # NUL inside
        encode_frame(plain.replace("MN=DEV1", "MN=")),  # empty MN
        encode_frame(
            build_segment(
                qn="20260101000000001",
                st="32",
                cn="2061",
                pw="123456",
                mn="DEV2",
                flag=9,
                cp=encrypt_cp(cp, KEY),
            )
        ),  # SM4 (fast path refuses it)  # fmt: skip
        b"##0010garbage\r\n",
    ]
    _check(raws, sm4_key=lambda mn: KEY if mn == "DEV2" else None, min_fast=1)


def test_only_accepted_records_and_spool_order_with_mixed_paths():
    cp = "DataTime=20260102080000;w01018-Avg=41.5"
    fast = encode_frame(build_segment(qn="1", st="32", cn="2061", pw="1", mn="DEV1", flag=5, cp=cp))
    slow = encode_frame(
        build_segment(qn="2", st="32", cn="2061", pw="1", mn="DEV2", flag=5, cp=cp + ",信息-Info=好")
    )
    records = [_record(0, slow), _record(1, fast), _record(2, fast, REJECTED), _record(3, slow)]
    table, n = rows_table(records, None, None, Counts())
    assert n == 4
    assert [(r["mn"], r["pollutant"], r["offset"]) for r in table.to_pylist()] == [
        ("DEV2", "w01018", 0), ("DEV2", "信息", 0), ("DEV1", "w01018", 1000), ("DEV2", "w01018", 3000),
        ("DEV2", "信息", 3000),
    ]  # fmt: skip


def test_the_string_builder_gathers_exactly_the_byte_ranges():
    """`_strings` (one running sum of jumps instead of arange + repeat): any ranges, empty ones, overlapping ones,
    out of order, with and without a validity mask, are the slices of the buffer they name."""
    import numpy as np

    from ecoenforce.monitoring.lake.parse import _strings

    rng = np.random.default_rng(7)
    for trial in range(2000):
        n = int(rng.integers(0, 9))
        buf = np.frombuffer(bytes(rng.integers(33, 127, 48, dtype=np.uint8)), np.uint8)
        starts = rng.integers(0, 48, n)
        ends = np.minimum(starts + rng.integers(0, 6, n), 48)
        valid = rng.random(n) < 0.7 if trial % 2 else None
        want = [None if valid is not None and not valid[i] else bytes(buf[starts[i]:ends[i]]).decode()
                for i in range(n)]  # fmt: skip
        assert _strings(buf, starts, ends, valid).to_pylist() == want
