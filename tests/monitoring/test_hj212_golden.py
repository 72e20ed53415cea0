"""Golden tests: every real frame in samples.txt and every std Appendix C example, with exact values."""

import pytest
from hj212_data import sample_lines, std_examples

from ecoenforce.monitoring.hj212 import HJ212Error, crc, crc_hex, crc_reference, parse, split_frame
from ecoenforce.monitoring.hj212.crc import crc_table, plausible_crc

STD_1C80 = (
    b"QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
)
STD_2200 = b"QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&&&"


@pytest.mark.parametrize("impl", [crc, crc_table, crc_reference])
def test_crc_vectors_from_the_standards(impl):
    assert impl(STD_1C80) == 0x1C80
    assert impl(STD_2200) == 0x2200
    assert impl(b"") == 0xFFFF


def test_crc_is_not_modbus_and_has_plausible_low_byte():
    assert crc_hex(STD_1C80) == "1C80"  # Modbus would give 0759
    assert plausible_crc(0x1C80) and plausible_crc(0x2200)
    assert not plausible_crc(0x5678)


# line, QN, ST, CN, PW, MN, Flag, revision by Flag, A bit, groups, items
VALID = [
    (1, "20160801085857223", "32", "1062", "100000", "010000A8900016F000169DC0", 5, "2017", True, 1, 1),
    (2, "20240601085857223", "32", "1011", "123456", "010000A8900016F000169DC0", 9, "2025", True, 0, 0),
    (4, None, "32", "2011", "123456", "LD130133000015", None, "2005", False, 4, 6),
    (5, None, "32", "2011", "000000", "LD130133000015", None, "2005", False, 4, 6),
    (7, "20220513162608370", "22", "2051", "123456", "JLYP01_AIR01_0001", 4, "2017", False, 12, 23),
    (8, "20180315134456001", "31", "2011", "123456", "TY0102183V0001", None, "2005", False, 10, 22),
    (9, "20240123123950241", "31", "2011", "123456", "81733553216103", 4, "2017", False, 8, 15),
    (10, "20200623122504356", "31", "2081", "123456", "88888880000001", 5, "2017", True, 2, 2),
    (11, "20180519013039400", "32", "2061", "123456", "88888880000020", 3, "2005", True, 1, 2),
    (12, "20180914090600630", "31", "2011", "123456", "010AQMS01000GD0201804060", 4, "2017", False, 10, 19),
    (13, "20190430101750562", "21", "3020", "624930", "A140100_2006", 9, "2025", True, 5, 13),
    (14, "20201030000000437", "21", "2061", "123456", "NM100000_0005", 9, "2025", True, 16, 31),
    (15, None, "32", "2051", "123456", "12091200160055", None, "2005", False, 4, 13),
    (16, None, "31", "2011", "123456", "88888880000001", None, "2005", False, 13, 22),
    (18, "20260706103512345", "21", "2011", "123456", "A110000_0001", 9, "2025", True, 6, 11),
    (19, "20260706103512345", "91", "9014", "123456", "A110000_0001", 8, "2025", False, 0, 0),
    (21, "20210412154520280", "21", "2011", "123456", "DXCBZ000000005", 5, "2017", True, 6, 11),
    (22, "20210412154520280", "21", "9014", "123456", "DXCBZ000000005", 5, "2017", True, 0, 0),
    (23, "20210412153445863", "21", "2081", "123456", "DXCBZ000000005", 5, "2017", True, 2, 2),
    (24, "1617936069734", "21", "1011", "123456", "DXCBZ000000005", 5, "2017", True, 1, 1),
    (25, "1617936069734", "21", "9011", "123456", "DXCBZ000000005", 5, "2017", True, 1, 1),
    (26, "1617936069734", "21", "1011", "123456", "DXCBZ000000005", 5, "2017", True, 1, 1),
    (27, "1617936069734", "21", "9012", "123456", "DXCBZ000000005", 5, "2017", True, 1, 1),
    (28, "1617937097417", "21", "1012", "123456", "DXCBZ000000005", 5, "2017", True, 2, 2),
    (29, "20210407112025761", "21", "1013", "123456", "DXCBZ000000005", 5, "2017", True, 1, 1),
    (30, "20210407112025762", "21", "9021", "123456", "DXCBZ000000005", 5, "2017", True, 0, 0),
    (31, "20210407112025768", "21", "2021", "123456", "DXCBZ000000005", 5, "2017", True, 3, 3),
]


def _naive_items(frame: str) -> list[tuple[str, str | None]]:
    """Independent oracle for CP items: cut between CP=&& and the last &&, split on ; and , then =."""
    body = frame[frame.index("CP=&&") + 5 : frame.rindex("&&")]
    out = []
    for token in body.replace(",", ";").split(";"):
        if token:
            name, eq, value = token.partition("=")
            out.append((name, value if eq else None))
    return out


def test_the_sample_file_has_27_valid_frames():
    assert len(VALID) == 27


@pytest.mark.parametrize("row", VALID, ids=[f"line{r[0]}" for r in VALID])
def test_valid_sample_parses_to_its_fields(row):
    line, qn, st, cn, pw, mn, flag, revision, ack, n_groups, n_items = row
    frame = sample_lines()[line - 1]
    packet = parse(frame + "\r\n")
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn, packet.flag) == (qn, st, cn, pw, mn, flag)
    assert (packet.revision, packet.ack_required) == (revision, ack)
    assert (len(packet.groups), len(packet.items())) == (n_groups, n_items)
    assert [(i.name, i.value) for i in packet.items()] == _naive_items(frame)
    declared = frame[-4:]
    assert packet.frame.declared_crc == declared
    assert packet.frame.computed_crc == int(declared, 16)
    assert packet.frame.declared_length == packet.frame.actual_length == int(frame[2:6])


BAD = {
    3: ("CRC_MISMATCH", "declared 4980, computed 3C00 over 136 bytes"),
    6: (
        "LENGTH_MISMATCH",
        "declared length 0215, actual data segment 271 bytes (bytes 6..276); CRC declared FBB0, computed 74C0 over 271 bytes",
    ),
    17: (
        "LENGTH_MISMATCH",
        "declared length 0428, actual data segment 431 bytes (bytes 6..436); CRC declared 0B40, computed B8C1 over 431 bytes",
    ),
    20: (
        "LENGTH_MISMATCH",
        "declared length 0190, actual data segment 159 bytes (bytes 6..164); CRC declared 5678, computed 4DC0 over 159 bytes",
    ),
}


@pytest.mark.parametrize("line", sorted(BAD))
@pytest.mark.parametrize("strict", [False, True])
def test_bad_sample_gives_its_precise_diagnostic(line, strict):
    with pytest.raises(HJ212Error) as info:
        parse(sample_lines()[line - 1] + "\r\n", strict=strict)
    assert (info.value.code, info.value.message) == BAD[line]
    assert str(info.value) == f"{BAD[line][0]}: {BAD[line][1]}"


def test_lower_case_crc_is_lenient_only():
    frame = sample_lines()[4] + "\r\n"
    assert parse(frame).frame.warnings == ("LOWERCASE_CRC: 1dc0",)
    with pytest.raises(HJ212Error) as info:
        parse(frame, strict=True)
    assert info.value.code == "LOWERCASE_CRC"


STRICT_DEFECTS = {  # std example line -> strict rejection code (the '#!' lines carry the std's own errata)
    22: "BAD_ITEM", 24: None, 25: "BAD_ITEM", 27: "BAD_ITEM", 29: "BAD_ITEM", 31: "BAD_SEPARATOR",
    33: "BAD_ITEM", 35: "BAD_ITEM", 37: "BAD_SEPARATOR", 39: None, 44: None, 58: "BAD_ITEM", 60: "BAD_ITEM",
    61: "BAD_ITEM", 63: "BAD_SEPARATOR", 70: "BAD_SEPARATOR", 72: "BAD_ITEM", 73: "BAD_ITEM", 74: "BAD_ITEM",
    75: "BAD_ITEM",
}  # fmt: skip


@pytest.mark.parametrize("line,defective,frame", std_examples(), ids=[f"line{x[0]}" for x in std_examples()])
def test_std_appendix_c_examples(line, defective, frame):
    lenient = parse(frame + "\r\n")
    assert lenient.frame.crc_ok and lenient.warnings == ()
    assert lenient.cn == frame.split("CN=")[1][:4]
    if not defective:
        assert parse(frame + "\r\n", strict=True) == lenient
        return
    expected = STRICT_DEFECTS[line]
    if expected is None:  # defects only in the '…' of a value, which the grammar allows
        assert parse(frame + "\r\n", strict=True).cn == lenient.cn
    else:
        with pytest.raises(HJ212Error) as info:
            parse(frame + "\r\n", strict=True)
        assert info.value.code == expected


def test_std_errata_are_read_leniently():
    by_line = {no: f for no, _, f in std_examples()}
    missing_semicolon = parse(by_line[31] + "\r\n")  # "Flag=5CP="
    assert (missing_semicolon.flag, missing_semicolon.get("SB1-RT")) == (5, "1.1")
    comma = parse(by_line[37] + "\r\n")  # "QN=…534,ST=32"
    assert (comma.qn, comma.st) == ("20160801085857534", "32")
    truncated_mn = parse(by_line[63] + "\r\n")  # "MN=010000A8900016Flag=5"
    assert (truncated_mn.mn, truncated_mn.flag) == ("010000A8900016", 5)
    bare = parse(by_line[58] + "\r\n")
    assert [(i.name, i.value) for i in bare.items()] == [
        ("DataTime", "20100301145000"),
        ("PolId", "w01018"),
        ("i11001//", None),
    ]


def test_split_frame_reports_offsets():
    with pytest.raises(HJ212Error) as info:
        split_frame(b"##01a0QN=1;CP=&&&&0000\r\n")
    assert (info.value.code, info.value.offset, info.value.field) == ("BAD_LENGTH_FIELD", 2, "LENGTH")
    assert info.value.message == "expected 4 decimal digits of length at byte 2, found b'01a0'"
