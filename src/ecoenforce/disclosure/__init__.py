"""disclosure app."""
