"""Spool records -> lake rows, vectorised: the CP areas of a whole batch are split with pyarrow compute.

Per frame, Python does only the cheap part (framing + CRC, header tokens, a few checks); the CP areas of every
frame that passes go to pyarrow as one string array and are split into groups, items, names and values in C++;
numpy then keeps the first item per (frame, factor, suffix) and pivots them into one row per reading. A frame
the fast path is not sure of (non-printable or non-ASCII bytes, a lenient header, split packets, RF, SM4,
unterminated CP, ...) goes through the reference per-frame parser (`reference_rows`, the codec's own
parse_segment + packet_readings), so both give exactly the same rows (tests/monitoring/test_lake_parse.py).
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..gateway.spool import ACCEPTED, SpoolRecord
from ..hj212 import HJ212Error, packet_readings, parse_header, parse_segment, split_frame
from ..hj212 import errors as E
from ..hj212.codes import DATA_KINDS, normalise_code
from ..hj212.crc import crc
from ..hj212.packet import parse_time14
from ..hj212.readings import NUMERIC_SUFFIXES, TEXT_SUFFIXES, _number
from ..hj212.sm4 import looks_encrypted
from .schema import DATA_TZ, SCHEMA, TEXT_COLUMNS, VALUE_COLUMNS

KeyFn = Callable[[str], bytes | None]
MAX_SEGMENT = 1 << 16
# ## + length + header of Name=value; tokens (no space, ',', '=', '&' or control byte in a value) + CP=&& + body of
# printable ASCII + && + upper-case CRC + CR LF: the frames the vectorised path takes (the rest: reference_rows)
_FRAME = re.compile(rb"##([0-9]{4})((?:[A-Za-z][A-Za-z0-9_]*=[^=;,& \x00-\x1f\x7f-\xff]*;)+)CP=&&([\x20-\x7e]*)&&"
                    rb"([0-9A-F]{4})\r\n\Z")  # fmt: skip
_SUFFIXES = pa.array([*NUMERIC_SUFFIXES, *TEXT_SUFFIXES])
_N_NUMERIC = len(NUMERIC_SUFFIXES)
_COLUMNS = [*NUMERIC_SUFFIXES.values(), *TEXT_SUFFIXES.values()]
_PLAIN_NUMBER = r"^[+-]?[0-9]{1,15}(\.[0-9]{1,15})?$"  # cast by Arrow; anything else goes through _number
_SPLIT_EQ = operator.methodcaller("split", "=", 1)
_ROW_TYPES = {f.name: f.type for f in SCHEMA}
ORDER = (
    "_order"  # (record index << 20) + reading index: spool order, then the order readings appear in a frame
)


class Counts:
    """What parsing a batch found besides rows (the loader adds these to its report)."""

    __slots__ = ("errors", "frames_without_readings")

    def __init__(self) -> None:
        self.errors: Counter = Counter()
        self.frames_without_readings = 0


def reference_rows(record: SpoolRecord, sm4_key: KeyFn | None, overrides, counts: Counts) -> list[dict]:
    """Readings of one accepted frame as lake rows through the codec's per-frame parser (the reference)."""
    try:
        frame = split_frame(record.raw, max_segment=MAX_SEGMENT)
        key = None
        if sm4_key is not None:
            header = parse_header(frame.segment)
            key = sm4_key(header.mn.decode(errors="replace")) if header is not None else None
        packet = parse_segment(frame.segment, sm4_key=key, frame=frame)
        readings = packet_readings(packet, overrides=overrides)
    except HJ212Error as exc:
        counts.errors[exc.code] += 1
        return []
    if not readings:
        counts.frames_without_readings += 1
    received = datetime.fromtimestamp(record.received_at, UTC)
    rows = []
    for r in readings:
        row = {"mn": r.mn, "st": r.st, "cn": r.cn, "kind": r.data_kind, "pollutant": r.pollutant,
               "pollutant_raw": r.pollutant_raw, "data_time": r.data_time, "backfill": r.backfill, "qn": packet.qn,
               "received_at": received, "segment": record.segment, "offset": record.offset, "sha256": record.sha256}  # fmt: skip
        for column in VALUE_COLUMNS:
            row[column] = r.values.get(column)
        for column in TEXT_COLUMNS:
            row[column] = r.texts.get(column)
        rows.append(row)
    return rows


def _fast_frame(raw: bytes, sm4_key: KeyFn | None) -> tuple[dict, bytes] | None:
    """(header fields, CP body) when the frame is plain enough for the vectorised path, else None.

    Plain: '##' + 4-digit length equal to the segment's + segment + upper-case CRC that verifies + CR LF;
    printable ASCII only; ';'-separated Name=value header with no space, ',' or second '='; no duplicate, PNUM,
    PNO or RF field; CN four digits, MN non-empty, Flag absent or 0..255; CP=&&...&& ; not SM4-encrypted.
    Everything else is exactly what the reference parser's lenient paths exist for.
    """
    m = _FRAME.match(raw)
    if m is None or int(m[1]) != len(raw) - 12 or int(m[4], 16) != crc(raw[6:-6]):
        return None
    header = m[2].decode("ascii")
    fields = dict(map(_SPLIT_EQ, header[:-1].split(";")))
    if len(fields) != header.count(";"):
        return None  # a field twice
    cn, mn, flag = fields.get("CN"), fields.get("MN"), fields.get("Flag")
    if cn is None or len(cn) != 4 or not cn.isdigit() or not mn:
        return None
    if "PNUM" in fields or "PNO" in fields or "RF" in fields:
        return None
    if flag is not None and (not flag.isdigit() or int(flag) > 255):
        return None
    if sm4_key is not None and sm4_key(mn) is not None and looks_encrypted(m[3].decode("ascii")):
        return None
    return fields, m[3]


def _np(array) -> np.ndarray:
    """An Arrow array (or chunked array) without nulls as numpy."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.to_numpy(zero_copy_only=False)


def _numbers(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(float64, is-null) for CP value texts with exactly the reference's _number semantics."""
    plain = pc.fill_null(pc.match_substring_regex(values, _PLAIN_NUMBER), False)
    out = _np(
        pc.fill_null(pc.cast(pc.if_else(plain, values, pa.scalar("0", values.type)), pa.float64()), 0.0)
    ).copy()
    null = ~_np(plain)
    other = np.flatnonzero(null)
    if len(other):
        texts = values.take(pa.array(other)).to_pylist()
        cache: dict = {}
        for i, text in zip(other, texts, strict=True):
            if text not in cache:
                cache[text] = _number(text)
            value = cache[text]
            if value is not None:
                out[i], null[i] = value, False
    return out, null


def _strings(
    buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, valid: np.ndarray | None = None
) -> pa.Array:
    """An Arrow string array of the byte ranges [starts, ends) of `buf` (null where not `valid`)."""
    lengths = (ends - starts).astype(np.int64)
    if valid is not None:
        lengths = np.where(valid, lengths, 0)
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])
    # The buffer positions to gather, as one running sum: +1 within a string, a jump to its start where one
    # begins (cheaper than arange + repeat of each string's shift, which were a third of the loader's parse).
    step = np.ones(total, np.int64)
    filled = lengths > 0
    if total:
        first, begin, end = offsets[:-1][filled], starts.astype(np.int64)[filled], ends.astype(np.int64)[filled]
        step[first[0]] = begin[0]
        step[first[1:]] = begin[1:] - end[:-1] + 1
    data = buf[np.cumsum(step)]
    bitmap = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    nulls = 0 if valid is None else int(np.count_nonzero(~valid))
    return pa.Array.from_buffers(pa.large_string(), len(lengths), [bitmap, pa.py_buffer(offsets),
                                                                  pa.py_buffer(data)], null_count=nulls)  # fmt: skip


def _trim(solid: np.ndarray | None, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranges without leading/trailing spaces (`solid`: sorted positions of non-space bytes, None if no space)."""
    if solid is None:
        return starts, ends
    first = solid[np.searchsorted(solid, starts).clip(max=len(solid) - 1)]
    last = solid[(np.searchsorted(solid, ends) - 1).clip(min=0)] + 1
    new_starts = np.minimum(np.maximum(first, starts), ends)
    return new_starts, np.maximum(np.minimum(last, ends), new_starts)


def _cp_rows(bodies: list[bytes], meta: dict[str, list], overrides, counts: Counts) -> pa.Table | None:
    """Vectorised CP parse of many frames: the rows, in frame order then the order factors first appear.

    The bodies (printable ASCII) are joined by newlines into one byte buffer; numpy finds the separators, so
    every token is a (start, end) pair: groups by ';', items by ',', name/value at the first '=', spaces trimmed
    as str.strip() would. Only the distinct names are looked at in Python."""
    nframes = len(bodies)
    buf = np.frombuffer(b"\n".join(bodies) + b"\n", np.uint8)
    seps = np.flatnonzero((buf == 59) | (buf == 44) | (buf == 10))  # ; , newline
    newline = buf[seps] == 10
    starts = np.empty_like(seps)
    starts[0], starts[1:] = 0, seps[:-1] + 1
    frame_all = np.zeros(len(seps), np.int64)
    frame_all[1:] = np.cumsum(newline)[:-1]
    spaces = np.flatnonzero(buf != 32) if (buf == 32).any() else None
    starts, ends = _trim(spaces, starts, seps)
    nonempty = ends > starts
    starts, ends, frame_of = starts[nonempty], ends[nonempty], frame_all[nonempty]
    eqs = np.flatnonzero(buf == 61)
    if len(eqs):
        eq = eqs[np.searchsorted(eqs, starts).clip(max=len(eqs) - 1)]
        has_eq = (eq >= starts) & (eq < ends)
    else:
        eq, has_eq = ends, np.zeros(len(starts), bool)
    name_end = np.where(has_eq, eq, ends)
    name_start, name_end = _trim(spaces, starts, name_end)
    value_start, value_end = _trim(spaces, np.where(has_eq, eq + 1, ends), ends)
    names = pc.dictionary_encode(_strings(buf, name_start, name_end))
    name_id = _np(names.indices).astype(np.int64)
    # per distinct name, exactly the codec's split: code-Suffix, "code--Suffix" tolerated
    unique_names = names.dictionary.to_pylist()
    name_code = np.full(len(unique_names), -1, np.int64)
    name_col = np.full(len(unique_names), -1, np.int64)
    code_list: list[str] = []
    code_ids: dict[str, int] = {}
    suffix_col = {suffix: i for i, suffix in enumerate(_SUFFIXES.to_pylist())}
    for i, text in enumerate(unique_names):
        code, sep, suffix = text.partition("-")
        col = suffix_col.get(suffix.lstrip("-"), -1)
        if sep and code and col >= 0:
            name_code[i] = code_ids.setdefault(code, len(code_ids))
            name_col[i] = col
    code_list = list(code_ids)
    dt_name = unique_names.index("DataTime") if "DataTime" in unique_names else -1

    def values(items: np.ndarray) -> pa.Array:
        """Value texts of some items (null for a bare token)."""
        return _strings(buf, value_start[items], value_end[items], has_eq[items])

    # DataTime: the first item so named in the frame; absent or bare -> MISSING_FIELD, not a time -> BAD_FIELD
    data_kind = meta["kind"]
    is_dt = np.flatnonzero(name_id == dt_name) if dt_name >= 0 else np.zeros(0, np.int64)
    dt_frames, first = np.unique(frame_of[is_dt], return_index=True)
    dt_items = is_dt[first]
    dt_values = values(dt_items).to_pylist()
    time_ms = np.zeros(nframes, np.int64)
    dates: list[str | None] = [None] * nframes
    ok = np.zeros(nframes, bool)
    cache: dict[str, tuple[int, str] | None] = {}
    for frame, text in zip(dt_frames.tolist(), dt_values, strict=True):
        if data_kind[frame] is None or text is None:
            continue  # not a data upload; or a bare DataTime, counted as missing below
        parsed = cache.get(text, False)
        if parsed is False:
            when = parse_time14(text)
            parsed = cache[text] = (
                None if when is None else (int(when.timestamp()) * 1000, when.strftime("%Y-%m-%d"))
            )
        if parsed is None:
            counts.errors[E.BAD_FIELD] += 1
            dates[frame] = ""
            continue
        time_ms[frame], dates[frame] = parsed
        ok[frame] = True
    for frame in range(nframes):
        if data_kind[frame] is None:
            counts.frames_without_readings += 1
        elif dates[frame] is None:
            counts.errors[E.MISSING_FIELD] += 1

    # items code-Suffix; text items only with a value
    code_all, column = name_code[name_id], name_col[name_id]
    keep = ok[frame_of] & (column >= 0) & ((column < _N_NUMERIC) | has_eq)
    items = np.flatnonzero(keep)
    if not len(items):
        counts.frames_without_readings += int(np.count_nonzero(ok))
        return None
    frame_of, column, code_id = frame_of[items], column[items], code_all[items]
    ncodes = max(len(code_list), 1)
    # one reading per (frame, code), ordered by its first item; first item wins per (frame, code, column)
    pair = frame_of.astype(np.int64) * ncodes + code_id
    _, pair_first, pair_inv = np.unique(pair, return_index=True, return_inverse=True)
    order = np.argsort(pair_first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    reading_of = rank[pair_inv]
    nreadings = len(order)
    _, cell_first = np.unique(pair * len(_COLUMNS) + column, return_index=True)
    r_item = pair_first[order]  # first item of each reading, in reading order
    r_frame = frame_of[r_item]
    with_rows = np.zeros(nframes, bool)
    with_rows[r_frame] = True
    counts.frames_without_readings += int(np.count_nonzero(ok & ~with_rows))

    cols: dict[str, pa.Array] = {}
    cell_col = column[cell_first]
    for c, col_name in enumerate(_COLUMNS):
        cells = cell_first[cell_col == c]
        target = reading_of[cells]
        if c < _N_NUMERIC:
            numbers, null = _numbers(values(items[cells])) if len(cells) else (np.zeros(0), np.zeros(0, bool))
            out = np.zeros(nreadings)
            mask = np.ones(nreadings, bool)
            out[target], mask[target] = numbers, null
            cols[col_name] = pa.array(out, pa.float64(), mask=mask)
        else:
            idx = np.zeros(nreadings, np.int64)
            present = np.zeros(nreadings, bool)
            idx[target], present[target] = items[cells], True
            cols[col_name] = _strings(buf, value_start[idx], value_end[idx], present).cast(pa.string())
    raw_code = [code_list[c] for c in code_id[r_item].tolist()]
    st = meta["st"]
    pollutants: dict[tuple, str] = {}
    pollutant = []
    for frame, raw in zip(r_frame.tolist(), raw_code, strict=True):
        key = (st[frame], raw)
        p = pollutants.get(key)
        if p is None:
            p = pollutants[key] = normalise_code(st[frame], raw, overrides)
        pollutant.append(p)
    take = pa.array(r_frame)

    def per_frame(name: str, values) -> pa.Array:
        """A frame-level column spread over the frame's readings."""
        return pa.array(values, _ROW_TYPES.get(name, pa.string())).take(take)

    within = np.arange(nreadings) - np.searchsorted(r_frame, r_frame, side="left")  # r_frame is ascending
    data_time = pa.array(time_ms[r_frame], pa.int64()).cast(pa.timestamp("ms", tz=DATA_TZ))
    arrays = {
        "mn": per_frame("mn", meta["mn"]), "st": per_frame("st", st), "cn": per_frame("cn", meta["cn"]),
        "pollutant": pa.array(pollutant, pa.string()), "pollutant_raw": pa.array(raw_code, pa.string()),
        "data_time": data_time, **cols, "backfill": pa.array(np.zeros(nreadings, bool)),
        "qn": per_frame("qn", meta["qn"]), "received_at": per_frame("received_at", meta["received_at"]),
        "segment": per_frame("segment", meta["segment"]), "offset": per_frame("offset", meta["offset"]),
        "sha256": per_frame("sha256", meta["sha256"]),
    }  # fmt: skip
    table = pa.table([arrays[f.name] for f in SCHEMA], schema=SCHEMA)
    extra = {
        "kind": per_frame("kind", data_kind),
        "date": pa.array(dates, pa.string()).take(take),
        ORDER: pa.array((np.asarray(meta["index"], np.int64)[r_frame] << 20) + within, pa.int64()),
    }
    for name_, arr in extra.items():
        table = table.append_column(name_, arr)
    return table


def rows_table(
    records: Iterable[SpoolRecord], sm4_key: KeyFn | None, overrides: Mapping | None, counts: Counts
) -> tuple[pa.Table, int]:
    """(rows of the accepted records as one table in spool order, records seen). Columns: SCHEMA + kind, date,
    and ORDER (record index << 20 + reading index) for the loader's keep-first dedup."""
    fast: list[tuple[int, SpoolRecord, dict, bytes]] = []
    slow: list[dict] = []
    n = 0
    for n, record in enumerate(records, 1):  # noqa: B007 - n is the count after the loop
        if record.kind != ACCEPTED:
            continue
        parsed = _fast_frame(record.raw, sm4_key)
        if parsed is not None:
            fast.append((n, record, *parsed))
            continue
        for j, row in enumerate(reference_rows(record, sm4_key, overrides, counts)):
            row["date"] = row["data_time"].strftime("%Y-%m-%d")
            row[ORDER] = (n << 20) + j
            slow.append(row)
    schema = SCHEMA.append(pa.field("kind", pa.string())).append(pa.field("date", pa.string()))
    schema = schema.append(pa.field(ORDER, pa.int64()))
    tables = []
    if fast:
        fields = [f[2] for f in fast]
        meta = {"mn": [f["MN"] for f in fields], "st": [f.get("ST") for f in fields],
                "cn": [f["CN"] for f in fields], "kind": [DATA_KINDS.get(f["CN"]) for f in fields],
                "qn": [f.get("QN") for f in fields], "index": [f[0] for f in fast],
                "received_at": [datetime.fromtimestamp(f[1].received_at, UTC) for f in fast],
                "segment": [f[1].segment for f in fast], "offset": [f[1].offset for f in fast],
                "sha256": [f[1].sha256 for f in fast]}  # fmt: skip
        fast_table = _cp_rows([f[3] for f in fast], meta, overrides, counts)
        if fast_table is not None:
            tables.append(fast_table)
    if slow:
        tables.append(pa.Table.from_pylist(slow, schema=schema))
    if not tables:
        return schema.empty_table(), n
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables)
    if len(tables) > 1:
        table = table.sort_by(ORDER)
    return table, n
