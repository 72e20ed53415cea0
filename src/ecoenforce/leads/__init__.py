"""leads app."""
