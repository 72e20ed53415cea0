"""compliance app."""
