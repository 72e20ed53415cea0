"""The enforcement-item catalogue (执法事项目录): versioned matters, their diff, Excel import/export."""
