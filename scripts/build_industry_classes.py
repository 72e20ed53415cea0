"""Build the vendored list of every GB/T 4754-2017 small class (小类) from the reference table.

    python scripts/build_industry_classes.py ../shared/data/reference/gbt4754_2017_classes.csv \
        > src/ecoenforce/registry/seed/gbt4754_2017_classes.json

The product never reads ../shared at run time: migration registry 0007 loads this file. Each class keeps where it
came from and how sure we are (the table was transcribed from a public copy: 1,380 classes where the official text
lists 1,382), so an administrator can see what to check.
"""

from __future__ import annotations

import csv
import json
import sys

SOURCE = "GB/T 4754-2017 国民经济行业分类, small classes as transcribed from a public copy of the standard"
CONFIDENCE = "transcribed"  # not yet compared line by line with the official text


def main(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        rows = [{"code": r["code"].strip(), "name_zh": r["name"].strip(), "division_name_zh": r["division_name"].strip(),
                 "group_name_zh": r["group_name"].strip(), "section_name_zh": r["section_name"].strip(),
                 "note": r["note"].strip()} for r in csv.DictReader(fh)]
    json.dump({"source": SOURCE, "confidence": CONFIDENCE, "count": len(rows), "classes": rows}, sys.stdout,
              ensure_ascii=False, indent=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
