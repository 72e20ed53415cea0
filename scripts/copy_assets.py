"""Copy the pinned npm front-end assets into static/vendor (run by `make assets`; nothing is fetched at run time)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
DEST = ROOT / "src" / "ecoenforce" / "static" / "vendor"

FILES = {
    "@tabler/core/dist/css/tabler.min.css": "tabler/tabler.min.css",
    # The source maps the minified files name: collectstatic's manifest refuses a reference to a missing file.
    "@tabler/core/dist/css/tabler.min.css.map": "tabler/tabler.min.css.map",
    "@tabler/core/dist/js/tabler.min.js": "tabler/tabler.min.js",
    "@tabler/core/dist/js/tabler.min.js.map": "tabler/tabler.min.js.map",
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    # on-site signatures (issue 9), the offline outbox's IndexedDB wrapper, and maps on our own boundaries (issue 12)
    "signature_pad/dist/signature_pad.umd.min.js": "signature_pad/signature_pad.umd.min.js",
    "signature_pad/dist/signature_pad.umd.min.js.map": "signature_pad/signature_pad.umd.min.js.map",
    "idb/build/umd.js": "idb/idb.umd.js",
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.js.map": "leaflet/leaflet.js.map",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
    "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
    "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
}


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print("missing npm files (run `npm ci` first):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for src, dst in FILES.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    print(f"copied {len(FILES)} asset files into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
