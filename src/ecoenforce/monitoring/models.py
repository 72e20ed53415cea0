"""Models of the monitoring app (none yet: see the open issues)."""
