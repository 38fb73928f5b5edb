"""The rows the reference rules (tests/rules_oracle.py) read, and what they ask of them.

Plain Python over ``govkg.loaders.read_workbook``'s rows: the tables as dicts, the
function tree, an agency's chain of parents. The readings it encodes are listed in
tests/rules_oracle.py's docstring.
"""

from __future__ import annotations

import re

from govkg.loaders.contract import TABLES_BY_NAME
from govkg.loaders.workbook import Workbook

SEVERITY = {
    "R1": "violation",
    "R2": "violation",
    "R3": "violation",
    "R4": "warning",
    "R5": "warning",
    "R6": "warning",
    "R7": "violation",
    "R8": "warning",
    "R9": "warning",
    "R10": "warning",
    "R11": "violation",
    "R12": "violation",
    "R13": "violation",
    "R14": "warning",
    "R15": "violation",
    "R16": "info",
    "R17": "warning",
}
LEAD_ROLES = {"牵头", "lead", ""}
CDO_KINDS = {"政府组成部门", "直属特设机构", "直属机构", "部门管理机构"}
SHARED = {"无条件共享", "有条件共享"}
PROVIDING = {"提供", "共享"}
DIGITS = re.compile(r"[0-9]+")

Finding = tuple[str, str, str, tuple[str, ...]]


def records(workbook: Workbook, table: str) -> list[dict[str, str]]:
    """The rows of a table as dicts keyed by contract column name (empty when missing)."""
    names = [c.name for c in TABLES_BY_NAME[table].columns]
    return [dict(zip(names, cells, strict=True)) for _, cells in workbook.rows(table)]


class Model:
    def __init__(self, workbook: Workbook) -> None:
        self.agencies = {a["id"]: a for a in records(workbook, "agencies")}
        self.units = {u["id"]: u for u in records(workbook, "units")}
        self.functions = {f["id"]: f for f in records(workbook, "functions")}
        self.duties = records(workbook, "duties")
        self.divisions = records(workbook, "divisions")
        self.power_items = records(workbook, "power_items")
        self.datasets = records(workbook, "datasets")
        self.data_duties = records(workbook, "data_duties")
        self.transfers = records(workbook, "transfers")

    def agency_of(self, holder: str) -> str | None:
        """The agency a holder counts as: itself, or a unit's agency."""
        if holder in self.agencies:
            return holder
        unit = self.units.get(holder)
        return unit["agency"] if unit else None

    def ancestors(self, function: str) -> list[str]:
        """The function and every function above it (cycles cut)."""
        seen: list[str] = []
        current: str | None = function
        while current and current not in seen:
            seen.append(current)
            row = self.functions.get(current)
            current = row["broader"] if row else None
        return seen

    def categories(self, function: str) -> set[str]:
        return {
            self.functions[f]["category"]
            for f in self.ancestors(function)
            if f in self.functions and self.functions[f]["category"]
        }

    def covers(self, upper: str, function: str) -> bool:
        """A duty on ``upper`` covers ``function``: it is ``upper`` or lies below it."""
        return upper in self.ancestors(function)

    def next_in_chain(self, agency: str) -> str | None:
        row = self.agencies[agency]
        target = row["parent"] or row["hosted_in"]
        return target if target in self.agencies else None

    def chain(self, agency: str) -> list[str]:
        """The agency and those its chain passes, until the top or a repeat."""
        seen: list[str] = []
        current: str | None = agency
        while current is not None and current not in seen:
            seen.append(current)
            current = self.next_in_chain(current)
        return seen
