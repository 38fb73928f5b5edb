"""Writing a draft: one .xlsx (OUT.xlsx), or a folder of UTF-8 CSV files named by the
Chinese table names, like examples/city-draft/. Side sheets ride along under names the
contract does not know, so loaders ignore them."""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from govkg.loaders.contract import TABLES_BY_NAME
from govkg.loaders.mandate.drafting import CONTRACT_SHEETS, SIDE_SHEETS, Draft

Sheet = tuple[list[str], list[list[str]]]


def sheets(draft: Draft) -> dict[str, Sheet]:
    """Sheet name → (header, rows): the contract tables, then the side sheets."""
    out: dict[str, Sheet] = {}
    for table, sheet in CONTRACT_SHEETS.items():
        columns = TABLES_BY_NAME[table].columns
        rows = [[row.get(c.name, "") for c in columns] for row in draft.rows.get(table, [])]
        out[sheet] = ([c.zh for c in columns], rows)
    for key, (sheet, header) in SIDE_SHEETS.items():
        out[sheet] = (header, draft.side.get(key, []))
    return out


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_draft(draft: Draft, out: Path) -> Path:
    """Write the draft to ``out`` (.xlsx → one file; otherwise a folder of CSV), whole or
    not at all: it is built beside the target and moved into place."""
    tables = sheets(draft)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        from govkg.loaders.xlsx_writer import write_xlsx

        write_xlsx(out, tables)
        return out
    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for sheet, (header, rows) in tables.items():
            _write_csv(scratch / f"{sheet}.csv", header, rows)
        if out.is_dir():
            for file in scratch.iterdir():
                file.replace(out / file.name)
        else:
            scratch.rename(out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return out
