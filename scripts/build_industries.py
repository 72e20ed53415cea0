"""Build the vendored industry seed from the bureau's reference table (GB/T 4754-2017 + 2019 permit catalogue).

    python scripts/build_industries.py ../shared/data/reference/industries.csv > src/ecoenforce/registry/seed/industries.json
Each row keeps its source and confidence tags, so an administrator can see what was confirmed.
"""

from __future__ import annotations

import csv
import json
import sys


def main(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        rows = [
            {
                "code": r["gbt4754_code"].strip(),
                "name_zh": r["name_zh"].strip(),
                "name_en": r["name_en"].replace("[own translation]", "").strip(),
                "division_name_zh": r["division_name_zh"].strip(),
                "permit_class_rule": r["permit_class_rule"].strip(),
                "typical_online_factors": r["typical_online_factors"].strip(),
                "source": r["source"].strip(),
            }
            for r in csv.DictReader(fh)
        ]
    json.dump({"source": "GB/T 4754-2017 and 《固定污染源排污许可分类管理名录（2019年版）》, as tabulated with sources per row",
               "industries": rows}, sys.stdout, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
