"""social app."""
