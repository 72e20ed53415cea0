"""Finding a region from what a ledger or a person writes: its code, its name, its label (常州市 / 武进区) or the
names run together as addresses write them (常州市武进区, 江苏省常州市武进区). A name that several regions share
(three counties are called 城区) is never resolved by guessing: the caller asks for the code."""

from __future__ import annotations

from collections.abc import Iterable

from ecoenforce.core.models import Region

_DROP = str.maketrans("", "", " \u3000/／·")


def _key(text: str) -> str:
    return (text or "").strip().translate(_DROP)


class RegionIndex:
    """The regions of one jurisdiction, looked up by any of their written forms (load them with parent__parent)."""

    def __init__(self, regions: Iterable[Region]):
        self._by: dict[str, list[Region]] = {}
        for region in regions:
            names = [region.name]
            parent = region.parent if region.parent_id else None
            if parent is not None:
                names.append(parent.name + region.name)
                grand = parent.parent if parent.parent_id else None
                if grand is not None:
                    names.append(grand.name + parent.name + region.name)
            for form in {region.code, *names}:
                bucket = self._by.setdefault(_key(form), [])
                if region not in bucket:
                    bucket.append(region)

    def find(self, text: str) -> list[Region]:
        """Every region `text` may mean; one when it is unambiguous, none when it names nothing here."""
        return list(self._by.get(_key(text), ()))


def ambiguity_text(regions: list[Region]) -> str:
    """The candidates of an ambiguous name, each with its label and code: 阳泉市 / 城区 (140302)、晋城市 / 城区 (140502)."""
    return "、".join(f"{r.path_label} ({r.code})" for r in regions)
