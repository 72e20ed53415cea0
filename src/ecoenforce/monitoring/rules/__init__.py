"""Off-site supervision rules: pure Ibis expressions over lake readings (DuckDB by default, Spark at scale)."""

from .catalogue import RULES, rule_names
from .policy import RulePolicyValues

__all__ = ["RULES", "RulePolicyValues", "rule_names"]
