"""Benchmark: the portal's masking (`core.masking.mask_free_text`) against the two-regex mask it replaced.

Run: .venv/bin/python bench/masking_speed.py   (prints figures; not a test)

The baseline is the previous implementation (one regex for 11-digit mobiles, one for 18-digit IDs), kept here
verbatim so both run in the same process on the same texts. What this does not prove: page times (a public list
page masks ~4 fields for each of its 30 rows) or anything about texts much longer than a decision.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ecoenforce.core.masking import mask_free_text, mask_person_name  # noqa: E402

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")


def baseline(text: str, *, names: list[str] = ()) -> str:
    text = _ID_CARD.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    text = _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, mask_person_name(name))
    return text


TEXTS = {
    "title (40 chars)": "群众王小明（13812345678）举报刘德明废品回收站露天焚烧",
    "decision (460 chars)": ("经查，你单位（法定代表人：张三丰，电话13912345678）于2026年11月30日22:30超标排放大气污染物，"
                             "化学需氧量138.5 mg/L，统一社会信用代码91320412MA1MXXXX0P，决定罚款人民币50000元。") * 4,
    "no digits (60 chars)": "企业已按要求完成整改，现场检查未发现违法行为，责令其加强日常环境管理。" * 2,
}


def per_call_ms(fn, text: str, n: int) -> float:
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(n):
            fn(text, names=["张三丰"])
        runs.append((time.perf_counter() - t) * 1000 / n)
    return statistics.median(runs)


def main() -> None:
    print(f"{'text':<24}{'baseline ms':>13}{'mask ms':>10}{'ratio':>8}")
    for label, text in TEXTS.items():
        n = 2000 if len(text) < 100 else 500
        base, new = per_call_ms(baseline, text, n), per_call_ms(mask_free_text, text, n)
        print(f"{label:<24}{base:>13.4f}{new:>10.4f}{new / base:>7.1f}×")


if __name__ == "__main__":
    main()
