"""Codec behaviour: readings, 2005 code map, lenient defects, decoder streaming, SM4, reassembly, answers."""

from datetime import datetime

import pytest
from hj212_data import sample_lines

from ecoenforce.monitoring.hj212 import (
    CST,
    FrameDecoder,
    HJ212Error,
    RawFrame,
    Reassembler,
    Rejection,
    answer_data,
    answer_notify,
    answer_request,
    build_segment,
    decrypt_cp,
    encode_frame,
    encrypt_cp,
    packet_readings,
    parse,
    set_time,
)


def _frame(line: int) -> bytes:
    return (sample_lines()[line - 1] + "\r\n").encode()


def test_readings_of_a_2005_flue_gas_frame_use_2017_codes():
    readings = packet_readings(parse(_frame(8)))
    by_code = {r.pollutant: r for r in readings}
    assert sorted(by_code) == sorted(
        ["a01012", "a01013", "a01014", "a19001", "a01011", "a00000", "a34013", "a21026", "a21002"]
    )
    so2 = by_code["a21026"]
    assert (so2.pollutant_raw, so2.data_kind, so2.cn, so2.mn) == ("02", "realtime", "2011", "TY0102183V0001")
    assert so2.data_time == datetime(2018, 3, 15, 13, 44, tzinfo=CST)
    assert dict(so2.values) == {"rtd": 20.34, "zs_rtd": 51.0317}
    assert so2.flag == "N"


def test_readings_of_2005_water_minute_data():
    readings = packet_readings(parse(_frame(15)))
    cod = next(r for r in readings if r.pollutant == "w01018")
    assert (cod.pollutant_raw, cod.data_kind) == ("011", "minute")
    assert dict(cod.values) == {"min": 999.99, "avg": 999.99, "max": 999.99, "cou": 54.59}
    assert [r.pollutant for r in readings] == ["w00000", "w01018", "w21003"]


def test_status_readings_and_ms_datatime():
    status = packet_readings(parse(_frame(31)))
    assert [(r.pollutant, r.data_kind, dict(r.values)) for r in status] == [
        ("SB1", "status", {"rs": 1.0}),
        ("SB2", "status", {"rs": 1.0}),
    ]
    ms = packet_readings(parse(_frame(4)))
    assert ms[0].data_time == datetime(2016, 8, 24, 0, 38, 17, tzinfo=CST)


def test_non_data_cn_has_no_readings_and_missing_datatime_is_typed():
    assert packet_readings(parse(_frame(10))) == []
    seg = build_segment(
        qn="20240101000000000", st="32", cn="2051", pw="1", mn="M1", flag=5, cp="w01018-Avg=1"
    )
    with pytest.raises(HJ212Error) as info:
        packet_readings(parse(encode_frame(seg)))
    assert info.value.code == "MISSING_FIELD"


def test_lenient_defects_table():
    seg = "ST=32;CN=2011;PW=123456;MN=LD130133000015;CP=&&DataTime=20160824003817;B01-Rtd=36.91&&"
    good = encode_frame(seg)
    # wrong declared length but the CRC of the actual segment verifies
    wrong_len = b"##0999" + good[6:]
    assert parse(wrong_len).frame.warnings == (
        "LENGTH_MISMATCH: declared 0999, actual 86; CRC of actual verifies",
    )
    with pytest.raises(HJ212Error) as info:
        parse(wrong_len, strict=True)
    assert info.value.code == "LENGTH_MISMATCH"
    # garbage before ##, NUL padding after CR LF
    noisy = parse(b"Hour" + good + b"\x00" * 1000)
    assert noisy.frame.warnings == (
        "GARBAGE: skipped 4 bytes before '##'",
        "TRAILING_BYTES: ignored 1000 NUL bytes",
    )
    # fields out of order, ',' for ';', epoch-ms QN
    odd = "QN=1617936069734,MN=X1;ST=21;CN=2011;PW=1;CP=&&DataTime=20210101000000,w01018-Rtd=1;&&"
    packet = parse(encode_frame(odd))
    assert (packet.qn, packet.mn, packet.st, packet.cn, packet.pw) == (
        "1617936069734",
        "X1",
        "21",
        "2011",
        "1",
    )
    assert packet.warnings == (
        "MISSING_FLAG: no Flag field",
        "QN_EPOCH_MS: QN is a 13-digit epoch-milliseconds value",
    )
    assert [r.values for r in packet_readings(packet)] == [{"rtd": 1.0}]
    with pytest.raises(HJ212Error) as info:
        parse(encode_frame(odd), strict=True)
    assert info.value.code == "BAD_SEPARATOR"


def test_decoder_handles_sticky_half_and_garbage():
    frames = [_frame(n) for n in (1, 7, 31)]
    stream = b"junk" + frames[0] + frames[1] + b"\x00\x00" + frames[2]
    dec = FrameDecoder()
    out = []
    for i in range(0, len(stream), 7):  # half packets
        out += dec.feed(stream[i : i + 7])
    out += dec.close()
    assert [type(x) for x in out] == [Rejection, RawFrame, RawFrame, RawFrame]
    assert out[0].error.code == "GARBAGE" and out[0].raw == b"junk"
    assert [x.raw for x in out[1:]] == frames
    assert [x.offset for x in out[1:]] == [4, 4 + len(frames[0]), 6 + len(frames[0]) + len(frames[1])]


def test_decoder_bad_frames_then_resync():
    dec = FrameDecoder()
    stream = _frame(3) + b"##12ab" + b"##0050QN=1" + _frame(1)
    out = dec.feed(stream) + dec.close()
    codes = [x.error.code if isinstance(x, Rejection) else "FRAME" for x in out]
    assert codes == ["CRC_MISMATCH", "BAD_LENGTH_FIELD", "GARBAGE", "TRUNCATED", "FRAME"]
    assert out[0].error.message == "declared 4980, computed 3C00 over 136 bytes"


def test_decoder_buffer_is_bounded_without_start_or_terminator():
    dec = FrameDecoder(max_segment=1024)
    out = []
    for _ in range(100):
        out += dec.feed(b"x" * 10_000)
        assert dec.buffered <= 1024
    assert {x.error.code for x in out} == {"GARBAGE"}
    out = dec.feed(b"##0100" + b"y" * 5000)
    assert [x.error.code for x in out] == ["TRUNCATED", "GARBAGE"]
    assert out[0].error.message == "no CR LF within 1036 bytes of the frame start at byte 1000000"
    assert dec.buffered < 1200


def test_sm4_known_answer_gbt_32907():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    plain = key.decode("latin-1")
    assert encrypt_cp("", key) == ""
    from ecoenforce.monitoring.hj212.sm4 import _cipher

    enc = _cipher(key).encryptor()
    assert (enc.update(key) + enc.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    assert len(plain) == 16


def test_sm4_round_trip_and_2025_parse():
    key = b"0" * 16
    plain = "DataTime=20260101000000;w01018-Rtd=12.5,w01018-Flag=N"
    cipher = encrypt_cp(plain, key)
    assert len(cipher) == 96 + 5  # 53 bytes = 3 blocks as hex + a 5-byte clear tail
    assert cipher.endswith("lag=N") and decrypt_cp(cipher, key) == plain
    seg = build_segment(
        qn="20260101000000000", st="32", cn="2011", pw="123456", mn="M25", flag=9, rf=1, cp=cipher
    )
    packet = parse(encode_frame(seg), sm4_key=key)
    assert packet.encrypted and packet.backfill and packet.get("w01018-Rtd") == "12.5"
    assert packet_readings(packet)[0].backfill is True
    with pytest.raises(HJ212Error) as info:
        parse(encode_frame(seg), sm4_key=b"1" * 16)
    assert (info.value.code, info.value.message) == (
        "DECRYPT_FAILED",
        "decrypted CP is not UTF-8 text (wrong key?)",
    )


def test_reassembly_by_mn_cn_datatime_pnum():
    def part(pno, qn, cp):
        return parse(encode_frame(build_segment(qn=qn, st="32", cn="2061", pw="1", mn="M", flag=7, pnum=2, pno=pno,
                                                cp="DataTime=20160801080000;" + cp)))  # fmt: skip

    r = Reassembler(timeout=10)
    assert r.add(part(2, "20160801085857535", "w01018-Avg=40.1"), now=0.0) is None
    assert r.add(part(2, "20160801085857535", "w01018-Avg=40.1"), now=1.0) is None  # duplicate
    done = r.add(part(1, "20160801085857534", "w00000-Avg=17.5"), now=2.0)
    assert done.key == ("M", "2061", "20160801080000", 2)
    assert [g[0].name for g in done.groups] == ["DataTime", "w00000-Avg", "w01018-Avg"]
    assert r.add(part(1, "20160801085857536", "w00000-Avg=1"), now=3.0) is None
    expired = r.expire(now=20.0)
    assert [p.missing for p in expired] == [[2]] and len(r) == 0


def test_answers():
    up = parse(_frame(21))
    assert answer_data(up) == encode_frame(
        "QN=20210412154520280;ST=91;CN=9014;PW=123456;MN=DXCBZ000000005;Flag=4;CP=&&&&"
    )
    notify = parse(_frame(29))
    assert answer_notify(notify) == encode_frame(
        "QN=20210407112025761;ST=91;CN=9013;PW=123456;MN=DXCBZ000000005;Flag=4;CP=&&&&"
    )
    assert answer_request(notify, 3) == encode_frame(
        "QN=20210407112025761;ST=91;CN=9011;PW=123456;MN=DXCBZ000000005;Flag=4;CP=&&QnRtn=3&&"
    )
    st = set_time(notify, datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=CST))
    assert st == encode_frame(
        "QN=20260102030405678;ST=21;CN=1012;PW=123456;MN=DXCBZ000000005;Flag=5;"
        "CP=&&PolId=w01018;SystemTime=20260102030405&&"
    )
    sample_2025_ack = parse(_frame(18))
    assert b"Flag=8;" in answer_data(sample_2025_ack)
    no_flag = parse(_frame(4))
    assert answer_data(no_flag) == encode_frame("ST=91;CN=9014;PW=123456;MN=LD130133000015;CP=&&&&")


def test_parse_cli_prints_the_breakdown(capsys):
    from ecoenforce.monitoring.hj212.cli import main

    assert main(["parse", sample_lines()[30]]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["length   declared 118, actual 118", "CRC      declared A001, computed A001 -> OK"]
    assert "Flag     5 = version 1 (2017), A=1 (answer wanted), D=0 (split)" in out
    assert "  [2] SB1-RS = 1" in out
    assert out[-1] == "reading  status SB2 (SB2) @ 2021-04-07 11:20:00 rs=1.0 flag=None"
    assert main(["parse", sample_lines()[2]]) == 1
    assert capsys.readouterr().out == "REJECTED CRC_MISMATCH: declared 4980, computed 3C00 over 136 bytes\n"


def test_decoder_accepts_frames_without_crlf_when_their_crc_verifies():
    one, two = _frame(1), _frame(21)
    dec = FrameDecoder()
    out = dec.feed(one[:-2] + two + one[:-2] + b"**" + two[:-2])
    assert [x.raw for x in out] == [one[:-2], two, one[:-2]]
    assert out[0].frame.warnings == ("MISSING_CRLF: no CR LF after the CRC",)
    assert dec.feed(b"") == [] and dec.buffered == len(two) - 2 + 2  # a quiet line: wait, then flush()
    flushed = dec.flush()
    assert [(type(x).__name__, x.raw) for x in flushed] == [("Rejection", b"**"), ("RawFrame", two[:-2])]
    assert flushed[0].error.message == f"expected '##' at byte {2 * len(one) - 4 + len(two)}, skipped 2 bytes"


def test_code_map_is_keyed_by_system_code_and_overridable():
    from ecoenforce.monitoring.hj212 import normalise_code

    assert normalise_code("31", "01") == "a34013"  # flue gas: particulate
    assert normalise_code("32", "001") == "w01001"  # wastewater: pH
    assert normalise_code("32", "01") == "01"  # a gas code means nothing on a water outlet
    assert normalise_code("22", "B00008") == "B00008"
    assert normalise_code("22", "B00008", {("22", "B00008"): "a21005"}) == "a21005"
    readings = packet_readings(parse(_frame(12)), overrides={("31", "B00008"): "x00008"})
    assert sorted(r.pollutant for r in readings if r.pollutant_raw.startswith("B0")) == ["B00009", "x00008"]


def test_hot_path_header_agrees_with_the_full_parser_on_errata():
    from hj212_data import std_examples

    from ecoenforce.monitoring.hj212 import parse_header, split_frame

    for _, _, text in std_examples():
        frame = split_frame(text + "\r\n")
        full, fast = parse(text + "\r\n"), parse_header(frame.segment)
        assert (fast.qn, fast.st, fast.cn, fast.pw, fast.mn, fast.flag) == (
            full.qn.encode(), full.st.encode(), full.cn.encode(), full.pw.encode(), full.mn.encode(), full.flag
        )  # fmt: skip
    for line in sample_lines():
        try:
            full = parse(line + "\r\n")
        except HJ212Error:  # the 4 bad samples
            continue
        fast = parse_header(full.frame.segment)
        assert (fast.mn, fast.cn, fast.flag) == (full.mn.encode(), full.cn.encode(), full.flag)
