"""Pure HJ 212 (2005/2017/2025) codec: framing, CRC, parse/encode, readings. No Django, no I/O."""

from .codes import CODE_MAP_2005, DATA_FLAGS, DATA_KINDS, normalise_code
from .cp import CpItem, encode_cp, parse_cp
from .crc import crc, crc_hex, crc_reference
from .decoder import FrameDecoder, RawFrame, Rejection
from .encode import (
    answer_data,
    answer_execution,
    answer_notify,
    answer_request,
    build_segment,
    encode_packet,
    make_qn,
    set_time,
)
from .errors import HJ212Error
from .framing import Frame, encode_frame, split_frame
from .packet import CST, Header, Packet, parse, parse_header, parse_segment
from .readings import Reading, packet_readings
from .reassembly import Assembled, Reassembler
from .sm4 import decrypt_cp, encrypt_cp

__all__ = [
    "CODE_MAP_2005", "CST", "DATA_FLAGS", "DATA_KINDS", "Assembled", "CpItem", "Frame", "FrameDecoder",
    "HJ212Error", "Header", "Packet", "RawFrame", "Reading", "Reassembler", "Rejection", "answer_data",
    "answer_execution", "answer_notify", "answer_request", "build_segment", "crc", "crc_hex", "crc_reference",
    "decrypt_cp", "encode_cp", "encode_frame", "encode_packet", "encrypt_cp", "make_qn", "normalise_code",
    "packet_readings", "parse", "parse_cp", "parse_header", "parse_segment", "set_time", "split_frame",
]  # fmt: skip
