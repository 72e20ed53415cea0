"""Draw the installable web app's icons (the favicon's leaf-over-shield mark) as PNGs with Pillow:
`static/ecoenforce/icons/icon-192.png`, `icon-512.png` and `maskable-512.png` (the mark inside the safe zone).

    .venv/bin/python scripts/make_pwa_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "src" / "ecoenforce" / "static" / "ecoenforce" / "icons"
GREEN, PALE, WHITE = (31, 122, 58), (191, 232, 201), (255, 255, 255)


def _cubic(p0, p1, p2, p3, n=24):
    for i in range(n + 1):
        t = i / n
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
        yield (a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0], a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1])


def _mark(draw: ImageDraw.ImageDraw, scale: float, dx: float, dy: float) -> None:
    def s(p):
        return (dx + p[0] * scale, dy + p[1] * scale)

    # favicon.svg: M16 44 C16 26 28 14 50 13 c1 20 -10 33 -28 33 c-2 0 -4 0 -6 -2 z
    leaf = list(_cubic((16, 44), (16, 26), (28, 14), (50, 13)))
    leaf += list(_cubic((50, 13), (51, 33), (40, 46), (22, 46)))
    leaf += list(_cubic((22, 46), (20, 46), (18, 46), (16, 44)))
    draw.polygon([s(p) for p in leaf], fill=WHITE)
    vein = [s(p) for p in _cubic((19, 45), (26, 35), (33, 28), (43, 21))]
    draw.line(vein, fill=GREEN, width=max(2, round(3.2 * scale)), joint="curve")
    x0, y0 = s((14, 50))
    x1, y1 = s((50, 54))
    draw.rounded_rectangle((x0, y0, x1, y1), radius=2 * scale, fill=PALE)


def icon(size: int, *, maskable: bool = False) -> Image.Image:
    image = Image.new("RGB" if maskable else "RGBA", (size, size), GREEN if maskable else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if not maskable:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size * 14 / 64, fill=GREEN)
        _mark(draw, size / 64, 0, 0)
    else:  # the mark within the central 80 % (the safe zone a launcher may crop to a circle)
        inner = size * 0.8
        _mark(draw, inner / 64, (size - inner) / 2, (size - inner) / 2)
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon(192).save(OUT / "icon-192.png", optimize=True)
    icon(512).save(OUT / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(OUT / "maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
