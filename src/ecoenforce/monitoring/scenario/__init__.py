"""Labelled monitoring scenarios: simulated points with injected behaviours and their ground truth."""

from .generator import Scenario, generate, write_lake

__all__ = ["Scenario", "generate", "write_lake"]
