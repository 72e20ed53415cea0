"""Labelled monitoring scenarios: simulated points with injected behaviours and their ground truth."""

from .generator import Scenario, generate, write_lake
from .offclock import generate_offclock

__all__ = ["Scenario", "generate", "generate_offclock", "write_lake"]
