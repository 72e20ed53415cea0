"""The CP data-area grammar: groups separated by ';', items by ',', items are name=value (code-suffix names)."""

from __future__ import annotations

from dataclasses import dataclass

from . import errors as E

# Per-factor suffixes (std §6.3.3 and Table 4) plus the facility keys SBxxx-RS / SBxxx-RT.
SUFFIXES = frozenset(
    "Rtd Min Avg Max ZsRtd ZsMin ZsAvg ZsMax Cou Flag EFlag SampleTime Info SN Data DayData NightData RS RT".split()
)


@dataclass(frozen=True, slots=True)
class CpItem:
    """One CP item: `name=value`, or a bare token (value None) that lenient mode keeps rather than drops."""

    name: str
    value: str | None

    @property
    def code(self) -> str | None:
        """Factor/device code of a `code-Suffix` name (e.g. w01018 of w01018-Rtd), else None."""
        code, sep, suffix = self.name.partition("-")
        return code if sep and code and suffix.lstrip("-") in SUFFIXES else None

    @property
    def suffix(self) -> str | None:
        """Suffix of a `code-Suffix` name (the std's "xxxxxx--Avg" erratum tolerated), else None."""
        code, sep, suffix = self.name.partition("-")
        suffix = suffix.lstrip("-")
        return suffix if sep and code and suffix in SUFFIXES else None

    def encode(self) -> str:
        """Render back to the wire form."""
        return self.name if self.value is None else f"{self.name}={self.value}"


Groups = tuple[tuple[CpItem, ...], ...]


def parse_cp(body: str, *, strict: bool = False, offset: int = 0) -> Groups:
    """Parse the text between "CP=&&" and "&&"; `offset` is where `body` starts in the segment, for messages."""
    if strict:
        return _parse_strict(body, offset)
    groups: list[tuple[CpItem, ...]] = []
    for group_text in body.split(";"):
        items = []
        for token in group_text.split(","):
            token = token.strip()
            if not token:
                continue  # empty groups/items: trailing ';' before '&&', "CP=&& &&"
            name, eq, value = token.partition("=")
            items.append(CpItem(name.strip(), value.strip() if eq else None))
        if items:
            groups.append(tuple(items))
    return tuple(groups)


def _parse_strict(body: str, offset: int) -> Groups:
    """The standard's grammar only: every token name=value with a non-empty name, no empty group."""
    if body == "":
        return ()
    groups: list[tuple[CpItem, ...]] = []
    pos = offset
    for group_text in body.split(";"):
        items = []
        for token in group_text.split(","):
            name, eq, value = token.partition("=")
            if not eq and name.isalnum():
                items.append(CpItem(name, None))  # a bare key such as "i13004" (std C.44 query form)
                pos += len(token) + 1
                continue
            if not eq or not name or name != name.strip():
                raise E.HJ212Error(
                    E.BAD_ITEM,
                    f"expected name=value in CP at byte {pos}, found {token!r}",
                    offset=pos,
                    field="CP",
                )
            items.append(CpItem(name, value))
            pos += len(token) + 1
        groups.append(tuple(items))
    return tuple(groups)


def encode_cp(groups: Groups | list[list[CpItem]] | list[dict[str, str]]) -> str:
    """Render groups (CpItem sequences or dicts name -> value) as the CP body, without the && delimiters."""
    rendered = []
    for group in groups:
        if isinstance(group, dict):
            rendered.append(",".join(f"{k}={v}" for k, v in group.items()))
        else:
            rendered.append(",".join(item.encode() for item in group))
    return ";".join(rendered)
