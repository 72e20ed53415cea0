"""The two pools of double-random supervision from a bureau's spreadsheets: regulated entities and inspectors."""
