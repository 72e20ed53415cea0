"""The demo city: `ecoenforce demo` seeds 常州市 with a year of realistic enforcement history."""
