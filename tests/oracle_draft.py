"""The reference implementation's draft check: the merge of docs/workbook.md and each
finding's status (new, resolved, unchanged) against the rules of tests/rules_oracle.py."""

from __future__ import annotations

from pathlib import Path

from govkg.loaders import read_workbook
from govkg.loaders.contract import TABLES_BY_NAME, split_list
from govkg.loaders.workbook import TableRows, Workbook

from tests.oracle_model import records
from tests.rules_oracle import findings

# Column naming the agency (or holder, or agencies) a row belongs to, per table.
_OWNER = {
    "units": "agency",
    "duties": "holder",
    "data_duties": "holder",
    "power_items": "agency",
    "divisions": "agencies",
    "transfers": "agency",
}


def merge(baseline: Workbook, draft: Workbook) -> Workbook:
    """The baseline with the draft merged in, as workbook.md says."""
    remandated = {a["id"] for a in records(draft, "agencies")}
    old_units = {u["id"] for u in records(baseline, "units") if u["agency"] in remandated}
    tables: dict[str, TableRows] = {}
    for name, table in TABLES_BY_NAME.items():
        names = [c.name for c in table.columns]
        base_rows = baseline.rows(name)
        draft_rows = draft.rows(name)
        if name not in baseline.tables and name not in draft.tables:
            continue
        kept: list[tuple[int, tuple[str, ...]]] = []
        if name == "agencies":
            kept = [r for r in base_rows if r[1][0] not in remandated]
            kept += draft_rows
        elif name in ("functions", "datasets"):
            replaced = {cells[0] for _, cells in draft_rows}
            kept = [r for r in base_rows if r[1][0] not in replaced] + draft_rows
        else:
            owner = names.index(_OWNER[name])
            for row in base_rows:
                cell = row[1][owner]
                if name == "divisions":
                    gone = bool(set(split_list(cell)) & remandated)
                elif name in ("duties", "data_duties"):
                    gone = cell in remandated or cell in old_units
                else:
                    gone = cell in remandated
                if not gone:
                    kept.append(row)
            kept += draft_rows
        tables[name] = TableRows(table, table.zh, baseline.file, kept)
    return Workbook(baseline.file, tables)


def draft_findings(
    baseline: Workbook | str | Path, draft: Workbook | str | Path
) -> set[tuple[str, str, str, tuple[str, ...], str]]:
    """Findings of baseline + draft with their status: new, resolved or unchanged."""
    if not isinstance(baseline, Workbook):
        baseline = read_workbook(baseline)
    if not isinstance(draft, Workbook):
        draft = read_workbook(draft)
    before = findings(baseline)
    after = findings(merge(baseline, draft))
    result = {(*f, "unchanged" if f in before else "new") for f in after}
    result |= {(*f, "resolved") for f in before - after}
    return result
