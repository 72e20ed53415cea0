"""onsite app: the on-site record (现场检查笔录), the inquiry record (调查询问笔录) and their evidence."""
