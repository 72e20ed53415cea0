"""Duties and accountability (执法责任): duty requirements, and scorecards of units and inspectors on the seven
dimensions, every number drilling down to the records behind it."""
