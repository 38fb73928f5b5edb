"""Writing workbooks and reports as .xlsx (the one module that imports openpyxl)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font

Sheet = tuple[Sequence[str], Iterable[Sequence[object]]]
# openpyxl stores a string starting with "=" as a formula and an error code ("#N/A") as
# an error: such cells are written as text instead, so that a name or a duty text from a
# workbook (=HYPERLINK("http://…")) never becomes a live formula in a report or a draft.
_NOT_TEXT = frozenset(ERROR_CODES)


def _as_text(sheet: object, value: object) -> object:
    if isinstance(value, str) and (value.startswith("=") or value in _NOT_TEXT):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return "" if value is None else value


def write_xlsx(path: str | Path, sheets: Mapping[str, Sheet], *, bold_header: bool = True) -> None:
    """Write one sheet per entry ``name -> (header, rows)``; streams, so large rows are fine.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.xlsx")
    >>> write_xlsx(p, {"agencies": (["id", "name"], [["A01", "市政府办公室"]])})
    >>> os.path.getsize(p) > 0
    True
    """
    book = Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        if bold_header:
            cells = []
            for value in header:
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s" if isinstance(value, str) else cell.data_type
                cell.font = Font(bold=True)
                cells.append(cell)
            sheet.append(cells)
        else:
            sheet.append([_as_text(sheet, v) for v in header])
        for row in rows:
            sheet.append([_as_text(sheet, v) for v in row])
    tmp = Path(str(path) + ".part")
    book.save(tmp)
    tmp.replace(path)
