"""The one safe way to read an uploaded spreadsheet: bounded reader, column layouts, and the import report.

`reader` turns .xlsx/.csv bytes into numbered rows without ever trusting what the file declares (size, dimension);
`layout` finds the header row, maps the file's headers onto a documented column layout and reports unknown
columns; `report` is the row-by-row report every import returns. Every upload path (page, API, CLI) goes through
`uploads` for its size cap.
"""
