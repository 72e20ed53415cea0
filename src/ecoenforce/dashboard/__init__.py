"""The efficiency dashboard (执法效能): an interface that reads through the domain selectors."""
