"""The rule catalogue: name → function, in the order the runner applies them."""

from __future__ import annotations

from collections.abc import Callable

from . import concentration as c
from . import electricity as e
from . import integrity as i

RULES: dict[str, Callable] = {
    "exceedance": c.exceedance,
    "flag_abuse": c.flag_abuse,
    "zs_inconsistent": c.zs_inconsistent,
    "flatline": i.flatline,
    "zero_negative": i.zero_negative,
    "abrupt_drop": i.abrupt_drop,
    "outage": i.outage,
    "flow_zero": i.flow_zero,
    "cou_inconsistent": i.cou_inconsistent,
    "identical_trends": i.identical_trends,
    "treatment_off": e.treatment_off,
    "treatment_idling": e.treatment_idling,
}
NEEDS_LIMITS = frozenset({"exceedance", "flag_abuse", "zs_inconsistent"})


def rule_names() -> list[str]:
    """Rule names in catalogue order."""
    return list(RULES)
