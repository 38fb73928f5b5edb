"""The draft fast path: validate only what a draft can touch.

A draft (``docs/workbook.md``) changes a few rows of a large baseline. The findings of
the merged workbook are those of the baseline, except the ones *in scope*: findings
whose identity or message may depend on a changed row. ``draft_scope`` computes, from the
changed rows, the scope and a sub-workbook of the merged workbook that holds everything
the in-scope findings depend on; the merged findings are then

    baseline findings out of scope  +  sub-workbook findings in scope.

Why that is exact, rule by rule (the rules of workbook.md; any other rule set falls back
to the full comparison). Changed rows name *touched agencies* (TA0: agency rows, the
agencies of units, holders' agencies of duties and data duties, division agencies, power
item agencies, dataset sources; old and new row alike). TA adds every agency whose chain
passes a touched agency (R10, R11 follow chains), TG is the governments of TA (old and
new), CA every agency of TG, plus TA. Then a finding is in scope when

    R1, R13  its dataset was changed, has a changed data duty, or a source in CA
    R2       its agencies are in CA (one government: both or neither)
    R3       its government is in TG (one finding per function and government)
    R4, R6, R8, R9, R11, R12   its agency is in CA
    R5       its unit belongs to an agency in CA;  R14: its duty is held by such a unit
    R7       its base code has a changed power item
    R10      its government is in TG
    R15      its power item's agency is in CA
    R17      its transfer's agency or counterpart is in CA

and the sub-workbook holds: all functions; the units, duties, data duties, power items and
division rows of CA; the transfers of CA or naming it as counterpart, with the duties and
units of their counterparts; the datasets in scope with every data duty on them; every power
item of a changed base code; the unit rows of every holder of an included duty; the agency
rows of CA, of the sources of the included datasets, of the holders, and of every agency
on their chains. A finding
out of scope depends on no changed row, nor on a changed name (names are part of the
messages). Changes to the function catalogue other than new
leaf functions (a changed tree, category or mandatory flag reaches every government),
and RDF files next to the workbook, take the full path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from govkg.loaders.contract import TABLES, split_list
from govkg.loaders.workbook import TableRows, Workbook
from govkg.shapes.findings import Finding

RULES = frozenset(f"R{n}" for n in (*range(1, 16), 17))
Cells = tuple[str, ...]


class _Index:
    """The columns of one workbook the scope needs, by id."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self._positions: dict[tuple[str, str], int] = {}
        self.gov: dict[str, str] = {}
        self.links: dict[str, list[str]] = {}
        for row in self.cells("agencies"):
            self.gov[row[0]] = self.get(row, "agencies", "government")
            up = [self.get(row, "agencies", c) for c in ("parent", "hosted_in")]
            self.links[row[0]] = [a for a in up if a]
        self.unit_agency = {row[0]: self.get(row, "units", "agency") for row in self.cells("units")}

    def cells(self, table: str) -> Iterable[Cells]:
        return (row for _, row in self.workbook.rows(table))

    def get(self, row: Cells, table: str, column: str) -> str:
        key = (table, column)
        position = self._positions.get(key)
        if position is None:
            position = self._positions[key] = self.workbook.tables[table].index(column)
        return row[position]

    def agency_of(self, holder: str) -> str:
        return self.unit_agency.get(holder, holder)


def _changed(baseline: Workbook, merged: Workbook) -> dict[str, list[tuple[Workbook, Cells]]]:
    """Per table, the rows only the baseline has and the rows only the merged workbook has
    (each with the workbook it comes from)."""
    out: dict[str, list[tuple[Workbook, Cells]]] = {}
    for table in TABLES:
        old = [row for _, row in baseline.rows(table.name)]
        new = [row for _, row in merged.rows(table.name)]
        if old == new:
            continue
        old_set, new_set = set(old), set(new)
        rows = [(baseline, r) for r in old if r not in new_set]
        rows += [(merged, r) for r in new if r not in old_set]
        if rows:
            out[table.name] = rows
    return out


@dataclass
class Scope:
    """What a draft can touch (see the module's docstring)."""

    agencies: set[str] = field(default_factory=set)  # CA
    governments: set[str] = field(default_factory=set)  # TG
    units: set[str] = field(default_factory=set)
    duties: set[str] = field(default_factory=set)  # duties held by those units (R14)
    datasets: set[str] = field(default_factory=set)
    base_codes: set[str] = field(default_factory=set)
    items: set[str] = field(default_factory=set)
    transfers: set[str] = field(default_factory=set)  # R17
    counterparts: set[str] = field(default_factory=set)  # of those transfers

    def holds(self, f: Finding) -> bool:
        """Whether a finding (of the baseline or of the sub-workbook) is in scope."""
        rule = f.rule
        if rule in ("R1", "R13"):
            return f.focus in self.datasets
        if rule == "R2":
            return any(a in self.agencies for a in f.related)
        if rule in ("R4", "R6", "R8", "R9", "R11", "R12"):
            return f.focus in self.agencies
        if rule == "R5":
            return f.focus in self.units
        if rule == "R7":
            return f.focus in self.base_codes
        if rule == "R10":
            return f.focus in self.governments
        if rule == "R3":
            return bool(f.related) and f.related[0] in self.governments
        if rule == "R14":
            return f.focus in self.duties
        if rule == "R15":
            return f.focus in self.items
        if rule == "R17":
            return f.focus in self.transfers
        return True


def reaching(links: Iterable[dict[str, list[str]]], start: set[str]) -> set[str]:
    """``start`` and every agency whose chain (parent or hosted_in ``links``, of the
    baseline and of the merged workbook) reaches it."""
    below: dict[str, set[str]] = {}
    for agency_links in links:
        for agency, ups in agency_links.items():
            for up in ups:
                below.setdefault(up, set()).add(agency)
    seen = set(start)
    todo = list(start)
    while todo:
        for child in below.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _touched(
    changed: dict[str, list[tuple[Workbook, Cells]]], idx: dict[int, _Index], scope: Scope
) -> set[str]:
    """TA0, filling ``scope.datasets`` and ``scope.base_codes`` with the changed ones."""
    agencies: set[str] = set()
    for table, rows in changed.items():
        for workbook, row in rows:
            index = idx[id(workbook)]
            get = index.get
            if table == "agencies":
                agencies.add(row[0])
            elif table == "units":
                agencies.add(get(row, table, "agency"))
            elif table in ("duties", "data_duties"):
                agencies.add(index.agency_of(get(row, table, "holder")))
                if table == "data_duties" and get(row, table, "dataset"):
                    scope.datasets.add(get(row, table, "dataset"))
            elif table == "divisions":
                agencies.update(split_list(get(row, table, "agencies")))
            elif table == "power_items":
                agencies.add(get(row, table, "agency"))
                scope.base_codes.add(get(row, table, "base_code"))
            elif table == "datasets":
                agencies.update(split_list(get(row, table, "sources")))
                scope.datasets.add(row[0])
            elif table == "transfers":
                agencies.add(get(row, table, "agency"))
                agencies.add(get(row, table, "counterpart_id"))
    agencies.discard("")
    return agencies


def _new_leaves_only(baseline: Workbook, merged: Workbook, rows: list) -> bool:
    """Whether the changed function rows are all new functions with nothing below them."""
    old_ids = {row[0] for _, row in baseline.rows("functions")}
    index = _Index(merged)
    parents = {index.get(row, "functions", "broader") for row in index.cells("functions")}
    return all(wb is merged and r[0] not in old_ids and r[0] not in parents for wb, r in rows)


def draft_scope(baseline: Workbook, merged: Workbook) -> tuple[Scope, Workbook] | None:
    """The scope of a draft and the sub-workbook of ``merged`` that decides every finding
    in it; None when the draft reaches too far (the full comparison is then needed)."""
    changed = _changed(baseline, merged)
    if "functions" in changed and not _new_leaves_only(baseline, merged, changed["functions"]):
        return None
    old, new = _Index(baseline), _Index(merged)
    idx = {id(baseline): old, id(merged): new}
    scope = Scope()
    ta = reaching((old.links, new.links), _touched(changed, idx, scope))
    scope.governments = {i.gov[a] for a in ta for i in (old, new) if a in i.gov}
    ca = set(ta)
    for index in (old, new):
        ca.update(a for a, g in index.gov.items() if g in scope.governments)
    scope.agencies = ca
    for index in (old, new):
        scope.units.update(u for u, a in index.unit_agency.items() if a in ca)
        for row in index.cells("duties"):
            if index.get(row, "duties", "holder") in scope.units:
                scope.duties.add(row[0])
        for row in index.cells("datasets"):
            if any(s in ca for s in split_list(index.get(row, "datasets", "sources"))):
                scope.datasets.add(row[0])
        for row in index.cells("power_items"):
            if index.get(row, "power_items", "agency") in ca:
                scope.items.add(row[0])
        for row in index.cells("transfers"):
            ends = (
                index.get(row, "transfers", "agency"),
                index.get(row, "transfers", "counterpart_id"),
            )
            if any(a in ca for a in ends):
                scope.transfers.add(row[0])
                scope.counterparts.add(ends[1])
    scope.counterparts.discard("")
    return scope, _sub_workbook(merged, new, scope)


def _sub_workbook(merged: Workbook, index: _Index, scope: Scope) -> Workbook:
    ca = scope.agencies
    # R17 reads the duties of a transfer's counterpart, its units' included
    holding = ca | scope.counterparts
    owners = holding | {u for u, a in index.unit_agency.items() if a in holding}
    # and weighs their terms over every duty of the counterpart's government
    weighed = {index.gov[c] for c in scope.counterparts if c in index.gov}
    weighing = {a for a, g in index.gov.items() if g in weighed}
    weighing |= owners | {u for u, a in index.unit_agency.items() if a in weighing}
    get = index.get

    def keep(table: str, row: Cells) -> bool:
        if table == "duties":
            return get(row, table, "holder") in weighing
        if table == "data_duties":
            held = get(row, table, "holder") in owners
            return held or get(row, table, "dataset") in scope.datasets
        if table == "divisions":
            return any(a in ca for a in split_list(get(row, table, "agencies")))
        if table == "power_items":
            return get(row, table, "agency") in ca or get(row, table, "base_code") in (
                scope.base_codes
            )
        if table == "datasets":
            return row[0] in scope.datasets
        if table == "transfers":
            return row[0] in scope.transfers
        return True

    tables: dict[str, TableRows] = {}
    holders: set[str] = set()
    needed = set(holding)  # agency rows: CA, counterparts, chains above, sources, holders
    for name, data in merged.tables.items():
        if name in ("units", "agencies"):
            continue
        rows = [(n, row) for n, row in data.rows if keep(name, row)]
        if name in ("duties", "data_duties"):
            holders.update(get(row, name, "holder") for _, row in rows)
        if name == "datasets":
            needed.update(s for _, r in rows for s in split_list(get(r, name, "sources")))
        tables[name] = TableRows(data.table, data.sheet, data.file, rows)
    needed.update(index.agency_of(h) for h in holders)
    needed = reaching_up(index.links, needed)
    for name in ("units", "agencies"):
        if name in merged.tables:
            data = merged.tables[name]
            if name == "units":
                rows = [(n, r) for n, r in data.rows if r[0] in holders or r[0] in owners]
            else:
                rows = [(n, r) for n, r in data.rows if r[0] in needed]
            tables[name] = TableRows(data.table, data.sheet, data.file, rows)
    return Workbook(merged.file, tables)


def reaching_up(links: dict[str, list[str]], start: set[str]) -> set[str]:
    """``start`` and every agency on their chains (parent and hosted_in ``links``)."""
    seen = set(start)
    todo = list(start)
    while todo:
        for up in links.get(todo.pop(), ()):
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return seen


def combine(baseline: list[Finding], sub: list[Finding], scope: Scope) -> list[Finding]:
    """The merged workbook's findings: the baseline's out of scope, the sub-workbook's in."""
    return [f for f in baseline if not scope.holds(f)] + [f for f in sub if scope.holds(f)]
