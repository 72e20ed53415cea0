"""A documented column layout read from a bureau's own spreadsheet: find the header row, map its headers, say
which columns are missing and which are not recognised (with the nearest known header), then number the rows.

Real ledgers carry title rows above the header ("2025年武进区重点排污单位名录", the unit, the date), a 序号
column, and headers that differ a little from the template ("企业名称", "信用等级"). Headers match ignoring case,
spaces, underscores and a bracketed unit ("年排放量（吨）" = "年排放量"); each column may list aliases.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ecoenforce.core.tables.reader import MAX_ROWS, TITLE_ROWS, TableRefused, read_rows
from ecoenforce.core.tables.report import ImportReport

# Headers that number or annotate rows; never imported and not worth a notice.
IGNORED_HEADERS = {"序号", "序", "no", "no.", "#", "行号"}
STRONG_LIKENESS = 0.75  # above this (or one header containing the other) a missing column is named as the likely one
WEAK_LIKENESS = 0.5


@dataclass(frozen=True)
class Column:
    """One column: its key (the English header), its Chinese header, whether it is required, a hint, an example and
    other headers that mean the same column."""

    key: str
    zh: str
    required: bool
    hint: str | Promise
    example: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """Rows as {column key: text}, each with its spreadsheet row number."""

    rows: list[tuple[int, dict[str, str]]]
    headers: dict[str, str]  # column key → the header as written in the file
    header_row: int = 1
    unknown: list[str] = field(default_factory=list)  # headers in the file that no column takes


def normalise_header(text: str) -> str:
    """Lower-case, without spaces and without a bracketed unit, so small spelling differences still match."""
    text = re.sub(r"[（(].*?[）)]", "", str(text)).strip().lower()
    return re.sub(r"[\s_\-]+", "_", text).strip("_")


def header_map(columns: Sequence[Column]) -> dict[str, str]:
    """Normalised header → column key, for the Chinese and English headers and every alias."""
    mapping: dict[str, str] = {}
    for column in columns:
        for text in (column.key, column.zh, *column.aliases):
            mapping.setdefault(normalise_header(text), column.key)
    return mapping


def _header_index(rows: list[tuple[int, list[str]]], mapping: dict[str, str]) -> int:
    """The row (among the first few) that names the most known columns; the first row when none names any."""
    best, best_score = 0, 0
    for index, (_n, row) in enumerate(rows[: TITLE_ROWS + 1]):
        score = len({mapping[h] for h in map(normalise_header, row) if h in mapping})
        if score > best_score:
            best, best_score = index, score
    return best


def _likeness(a: str, b: str) -> float:
    if len(a) >= 2 and len(b) >= 2 and (a in b or b in a):
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def _nearest(header: str, columns: Sequence[Column], present: set[str]) -> tuple[Column | None, float]:
    """The absent column whose headers look most like `header`, with how alike (0–1)."""
    wanted = normalise_header(header)
    best, score = None, 0.0
    for column in columns:
        if column.key in present:
            continue
        for text in (column.zh, column.key, *column.aliases):
            likeness = _likeness(wanted, normalise_header(text))
            if likeness > score:
                best, score = column, likeness
    return (best, score) if score >= WEAK_LIKENESS else (None, score)


def read_table(*, data: bytes, filename: str, columns: Sequence[Column], report: ImportReport,
               max_rows: int = MAX_ROWS, template: str = "", one_of: tuple[str, str] | None = None) -> Table | None:
    """The file's rows keyed by column, or None with the problems added to `report` (unreadable or too large file,
    missing or probably misnamed columns). Unrecognised columns that resemble nothing are noted, not refused.
    `template` says where the person finds the layout (e.g. "download the template"); `one_of` names two optional
    columns of which the file must have at least one."""
    template = template or _("download the template to see every column")
    try:
        raw = read_rows(data, filename, max_rows=max_rows).rows
    except TableRefused as refused:
        report.add(0, "", refused.problem, refused.action)
        return None
    if not raw:
        report.add(0, "", _("The file is empty."), _("Fill in the template: a header row, then one row per record."))
        return None
    mapping = header_map(columns)
    index = _header_index(raw, mapping)
    header_row, header = raw[index]
    keys: list[str | None] = []
    headers: dict[str, str] = {}
    for text in header:
        key = mapping.get(normalise_header(text))
        if key is not None and key in headers:
            report.add(header_row, text, _("Two columns are headed as '%(zh)s'.") % {"zh": headers[key]},
                       _("Keep one of them and delete or rename the other."))
            key = None
        keys.append(key)
        if key is not None:
            headers[key] = text
    for column in columns:
        if column.required and column.key not in headers:
            report.add(header_row, column.zh, _("The column is missing."),
                       _("Add a column headed '%(zh)s' (or '%(key)s'); %(where)s.")
                       % {"zh": column.zh, "key": column.key, "where": template})
    if one_of and not set(one_of) & headers.keys():
        first, second = (next(c for c in columns if c.key == key) for key in one_of)
        report.add(header_row, first.zh, _("The column is missing."),
                   _("Add a column headed '%(a)s' (%(akey)s) or '%(b)s' (%(bkey)s).")
                   % {"a": first.zh, "akey": first.key, "b": second.zh, "bkey": second.key})
    unknown = []
    for text, key in zip(header, keys, strict=True):
        if key is not None or not text or normalise_header(text) in IGNORED_HEADERS or text in headers.values():
            continue
        unknown.append(text)
        column, likeness = _nearest(text, columns, set(headers))
        if column is not None and likeness >= STRONG_LIKENESS:
            report.add(header_row, text, _("The column '%(h)s' is not one of the layout's; it looks like '%(zh)s', "
                                           "which the file does not have.") % {"h": text, "zh": column.zh},
                       _("If this is the '%(zh)s' column (%(hint)s), rename its header to '%(zh)s'; otherwise give it another "
                         "name. Nothing is imported until then.") % {"hint": column.hint, "zh": column.zh})
        elif column is not None:
            report.note(header_row, text, _("The column is not imported (not one of the layout's)."),
                        _("If this is the '%(zh)s' column (%(hint)s), rename its header to '%(zh)s' and upload the file "
                          "again.") % {"hint": column.hint, "zh": column.zh})
        else:
            report.note(header_row, text, _("The column is not imported (not one of the layout's)."),
                        _("Nothing to do if it is not needed; %(where)s.") % {"where": template})
    body = raw[index + 1:]
    if len(body) > max_rows:
        report.add(0, "", _("The file has more than %(n)d rows.") % {"n": max_rows},
                   _("Split it into files of at most %(n)d rows and import them one after the other.") % {"n": max_rows})
    if not report.ok:
        return None
    rows = [(n, {k: (row[i] if i < len(row) else "") for i, k in enumerate(keys) if k}) for n, row in body]
    report.rows = len(rows)
    return Table(rows=rows, headers=headers, header_row=header_row, unknown=unknown)
