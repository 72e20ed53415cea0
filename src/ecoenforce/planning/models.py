"""Models of the planning app (none yet: see the open issues)."""
