"""Build the bundled example workbooks of the fictional city 江海市 (329900) from their CSV.

The data lives in two CSV workbooks, the source of truth: ``examples/city/`` (the baseline)
and ``examples/city-draft/`` (a draft 三定 re-mandating the 市大数据管理局 and the
市大数据管理中心), one ``<表名>.csv`` per table. ``python examples/build_city.py`` writes
them out as ``examples/city.xlsx`` and ``examples/city-draft.xlsx``: one sheet per table in
the contract's order, integer columns as numbers. ``examples/README.md`` says which rows
are planted for which rule.
"""

from __future__ import annotations

import csv
from pathlib import Path

from govkg.loaders.contract import TABLES, Kind
from govkg.loaders.xlsx_writer import write_xlsx

EXAMPLES_DIR = Path(__file__).resolve().parent
# CSV folder (the source) -> the .xlsx written from it
WORKBOOKS = {
    EXAMPLES_DIR / "city": EXAMPLES_DIR / "city.xlsx",
    EXAMPLES_DIR / "city-draft": EXAMPLES_DIR / "city-draft.xlsx",
}

Sheets = dict[str, tuple[list[str], list[list[str | int]]]]


def read_sheets(folder: Path) -> Sheets:
    """The tables of a CSV workbook as sheets, in the contract's order of tables."""
    sheets: Sheets = {}
    for table in TABLES:
        path = folder / f"{table.zh}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        ints = {column.zh for column in table.columns if column.kind is Kind.INT}
        sheets[table.zh] = (
            header,
            [
                [
                    int(cell) if name in ints and cell else cell
                    for name, cell in zip(header, row, strict=True)
                ]
                for row in rows
            ],
        )
    return sheets


def main() -> None:
    for folder, xlsx in WORKBOOKS.items():
        sheets = read_sheets(folder)
        write_xlsx(xlsx, sheets)
        counts = ", ".join(f"{name} {len(rows)}" for name, (_header, rows) in sheets.items())
        print(f"wrote {xlsx.name} from {folder.name}/ ({counts})")


if __name__ == "__main__":
    main()
