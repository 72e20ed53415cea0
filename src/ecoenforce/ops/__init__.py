"""Operations: the supervised process tree (`ecoenforce up`), the rule-run schedule and `ecoenforce status`."""
