"""Property tests: random bytes only ever give typed rejections; encode -> parse round-trips; CRC forms agree."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoenforce.monitoring.hj212 import (
    CpItem,
    FrameDecoder,
    HJ212Error,
    RawFrame,
    Rejection,
    build_segment,
    crc,
    crc_reference,
    encode_cp,
    encode_frame,
    parse,
)
from ecoenforce.monitoring.hj212.errors import ALL_CODES

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

frame_like = st.one_of(
    st.binary(max_size=600),
    st.builds(
        lambda a, b: a + b,
        st.sampled_from([b"##", b"##0100", b"##0010QN=", b"##9999"]),
        st.binary(max_size=300),
    ),
    st.builds(lambda seg, cut: encode_frame(seg)[:cut], st.text(max_size=200), st.integers(0, 220)),
)


@FAST
@given(frame_like, st.booleans())
def test_parse_random_bytes_raises_only_typed_errors(data, strict):
    try:
        parse(data, strict=strict)
    except HJ212Error as exc:
        assert exc.code in ALL_CODES and exc.message


@FAST
@given(st.lists(frame_like, max_size=6), st.lists(st.integers(1, 64), min_size=1, max_size=20))
def test_decoder_never_raises_and_stays_bounded(chunks, sizes):
    dec = FrameDecoder(max_segment=1024)
    stream = b"".join(chunks)
    pos, i = 0, 0
    while pos < len(stream):
        n = sizes[i % len(sizes)]
        for item in dec.feed(stream[pos : pos + n]):
            assert isinstance(item, RawFrame | Rejection)
            if isinstance(item, Rejection):
                assert item.error.code in ALL_CODES
        assert dec.buffered <= 1024 + 1024 + 12
        pos, i = pos + n, i + 1
    dec.close()
    assert dec.buffered == 0


@FAST
@given(st.binary(max_size=2000))
def test_fast_crc_equals_the_standards_code(data):
    assert crc(data) == crc_reference(data)


name = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,7}(-(Rtd|Avg|Flag|ZsRtd|Cou|RS))?", fullmatch=True)
value = st.from_regex(r"[A-Za-z0-9.\-]{0,12}", fullmatch=True)
groups = st.lists(st.lists(st.builds(CpItem, name, value), min_size=1, max_size=4), max_size=6)
token = st.from_regex(r"[A-Za-z0-9_]{1,24}", fullmatch=True)


@FAST
@given(
    qn=st.from_regex(
        r"20[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9][0-9]{3}",
        fullmatch=True,
    ),  # fmt: skip
    st_=st.sampled_from(["21", "22", "31", "32", "91"]),
    cn=st.from_regex(r"[0-9]{4}", fullmatch=True),
    pw=token,
    mn=token,
    flag=st.sampled_from([4, 5, 8, 9]),
    cp=groups,
)
def test_encode_parse_round_trip_strict(qn, st_, cn, pw, mn, flag, cp):
    body = encode_cp(cp)
    frame = encode_frame(build_segment(qn=qn, st=st_, cn=cn, pw=pw, mn=mn, flag=flag, cp=body))
    packet = parse(frame, strict=True)
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn, packet.flag) == (qn, st_, cn, pw, mn, flag)
    assert [list(g) for g in packet.groups] == [list(g) for g in cp]
    assert parse(frame) == packet  # lenient agrees on well-formed input
    assert packet.frame.declared_crc == f"{crc(frame[6:-6]):04X}"


@FAST
@given(pnum=st.integers(1, 20), data=st.data())
def test_split_flags_round_trip(pnum, data):
    pno = data.draw(st.integers(1, pnum))
    seg = build_segment(qn="20260101000000000", st="32", cn="2061", pw="1", mn="M", flag=7, pnum=pnum, pno=pno,
                        cp="DataTime=20260101000000")  # fmt: skip
    packet = parse(encode_frame(seg), strict=True)
    assert (packet.pnum, packet.pno, packet.split, packet.ack_required, packet.version) == (
        pnum,
        pno,
        True,
        True,
        1,
    )


@FAST
@given(
    qn=token,
    pw=token,
    mn=token,
    flag=st.one_of(st.none(), st.integers(0, 255)),
    cn=st.sampled_from([b"9013", b"9014"]),
)
def test_hot_path_answer_equals_the_plain_encoder(qn, pw, mn, flag, cn):
    from ecoenforce.monitoring.hj212.encode import answer_for_header

    fields = [f"QN={qn}", "ST=91", f"CN={cn.decode()}", f"PW={pw}", f"MN={mn}"]
    if flag is not None:
        fields.append(f"Flag={flag & ~3}")
    expected = encode_frame(";".join(fields) + ";CP=&&&&")
    assert answer_for_header(qn.encode(), pw.encode(), mn.encode(), flag, cn) == expected
