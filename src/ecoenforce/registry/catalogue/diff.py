"""A readable diff between two catalogue versions, pure: matters added, removed and changed field by field."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal


@dataclass(frozen=True)
class MatterRow:
    """A matter as the diff and the Excel files see it."""

    code: str
    name: str
    kind: str
    law: str
    article: str
    basis_text: str
    level: str
    penalty_kinds: tuple[str, ...] = ()
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    fine_rule: str = ""
    text_verified: bool = False


COMPARED = [f.name for f in fields(MatterRow) if f.name != "code"]
TEXT_FIELDS = {"name", "basis_text", "fine_rule"}  # long texts get an inline diff


@dataclass(frozen=True)
class FieldChange:
    """One changed field; texts carry segments (op, text) with op in equal/delete/insert for highlighting."""

    field: str
    old: object
    new: object
    segments: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MatterChange:
    """A matter present in both versions whose fields differ."""

    code: str
    name: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class CatalogueDiff:
    """What an annual revision changed."""

    added: tuple[MatterRow, ...]
    removed: tuple[MatterRow, ...]
    changed: tuple[MatterChange, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def text_segments(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """Character-level segments (Chinese has no spaces between words) of how `old` became `new`."""
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", old[a1:a2]))
            continue
        if op in ("delete", "replace"):
            out.append(("delete", old[a1:a2]))
        if op in ("insert", "replace"):
            out.append(("insert", new[b1:b2]))
    return tuple(out)


def catalogue_diff(old: Iterable[MatterRow], new: Iterable[MatterRow]) -> CatalogueDiff:
    """Compare two versions by matter code; lists come out in code order."""
    before = {m.code: m for m in old}
    after = {m.code: m for m in new}
    added = tuple(after[c] for c in sorted(after.keys() - before.keys()))
    removed = tuple(before[c] for c in sorted(before.keys() - after.keys()))
    changed, unchanged = [], 0
    for code in sorted(before.keys() & after.keys()):
        a, b = before[code], after[code]
        changes = []
        for name in COMPARED:
            x, y = getattr(a, name), getattr(b, name)
            if x != y:
                segments = text_segments(x, y) if name in TEXT_FIELDS else ()
                changes.append(FieldChange(name, x, y, segments))
        if changes:
            changed.append(MatterChange(code, b.name, tuple(changes)))
        else:
            unchanged += 1
    return CatalogueDiff(added, removed, tuple(changed), unchanged)
