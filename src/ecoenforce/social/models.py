"""Models of the social app (none yet: see the open issues)."""
