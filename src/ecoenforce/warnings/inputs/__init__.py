"""Electricity and video inputs: validated payloads written into the lake under their own kinds."""
