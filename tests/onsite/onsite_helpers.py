"""Helpers for the on-site tests: signatures drawn as PNGs, a checklist answered item by item."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from ecoenforce.onsite.checklists import DEFAULTS, Checklists


def signature_png(text: str = "张三", blank: bool = False) -> bytes:
    img = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    if not blank:
        ImageDraw.Draw(img).line([(10, 80), (60, 20), (120, 70), (200, 15), (280, 60)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def all_compliant(entity, problem: str | None = None) -> dict:
    _group, items = Checklists.from_values(DEFAULTS).items_for(entity.industry.code if entity.industry_id else None)
    out = {i.code: {"result": "compliant", "note": ""} for i in items}
    if problem:
        out[problem] = {"result": "problem", "note": "现场发现旁路阀门开启，废气未经处理直排"}
    return out
