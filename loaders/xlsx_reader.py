"""Reading .xlsx workbooks (the one module that imports python-calamine, chosen for speed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from python_calamine import CalamineWorkbook


def cell_text(value: object) -> str:
    """A cell as the text a user typed: integral floats lose their ``.0``.

    >>> cell_text(321000.0), cell_text(None), cell_text(" 是 "), cell_text(2.5)
    ('321000', '', '是', '2.5')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def sheet_names(path: Path) -> list[str]:
    """The names of the workbook's sheets, in order."""
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def iter_sheet(path: Path, name: str) -> Iterator[list[str]]:
    """The rows of one sheet as lists of cell texts, starting with the header row."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name)
    for row in sheet.iter_rows():
        yield [cell_text(v) for v in row]
