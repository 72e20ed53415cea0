"""monitoring app."""
