"""Models of the compliance app (none yet: see the open issues)."""
