"""Models of the disclosure app (none yet: see the open issues)."""
