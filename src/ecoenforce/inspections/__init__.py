"""inspections app."""
