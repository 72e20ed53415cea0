"""Off-site supervision desk: emission limits, rule runs and the warnings operators work."""
