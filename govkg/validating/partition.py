"""Validation by government: a workbook cut into parts, each validated in its own process.

Most rules compare things within one government (``docs/workbook.md``); a few compare
across governments. The workbook is cut into *government parts* (a few governments each,
up to ``PART_ROWS`` rows, so small counties share a process) and one *cross part*; every
part is mapped and validated in a worker process, and only the findings a part *owns*
are kept. The union is the whole workbook's findings (tests/test_partition.py).

Cross-government rules, run on the cross part only:

    R7   a base code is shared by all governments (四级四同): every power item
    R11  a link may lead to another government, a cycle may pass several: every agency
    R1, R13  for the datasets whose sources are not all in one government (none, or
         several governments'), with the data duties on them and their holders' units

A government part holds, for its governments G: their agency rows and the rows of the
agencies their parent / hosted_in links lead to (R10 and R11 read the link target's
government), their units, the duties, data duties and power items they or their units
hold, the division rows naming one of them, the datasets with a source among them, and
the whole function catalogue. It runs every other rule and keeps

    R2   a pair of agencies of G          R3   a (function, government of G)
    R10  a government of G                R5   a unit of G;  R14: a duty of G;  R15: an item of G
    R1, R13  a dataset whose sources are all agencies of G
    R4, R6, R8, R9, R12  an agency of G

so that a finding is decided where all it depends on is present, and nowhere else. Rule
sets other than R1-R15 are not cut (``PARTITIONED_RULES``): the caller validates whole.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from govkg.loaders.contract import parse_bool, split_list
from govkg.loaders.mapping import IriMaker
from govkg.loaders.workbook import TableRows, Workbook
from govkg.shapes.findings import Finding, RuleBook, sort_key

PARTITIONED_RULES = frozenset(f"R{n}" for n in range(1, 16))
CROSS_RULES = ("R1", "R7", "R11", "R13")
GOVERNMENT_RULES = tuple(sorted(PARTITIONED_RULES - {"R7", "R11"}, key=lambda r: int(r[1:])))
# governments are packed into parts of up to this many rows (a larger one is a part alone)
PART_ROWS = 60_000
CROSS = "cross"
# each part sent to a worker is logged (DEBUG) with the rules it is asked to run
log = logging.getLogger(__name__)


@dataclass
class Part:
    """A sub-workbook, the rules to run on it and the ids of the findings it owns."""

    name: str  # the governments' codes, or "cross"
    workbook: Workbook
    rules: tuple[str, ...]
    governments: frozenset[str] = frozenset()
    owned: dict[str, set[str]] = field(default_factory=dict)

    def keeps(self, f: Finding) -> bool:
        """Whether this part decides the finding ``f`` (see the module's docstring)."""
        owned = self.owned
        rule = f.rule
        if rule in ("R1", "R13"):
            return f.focus in owned["datasets"]
        if self.name == CROSS:
            return rule in ("R7", "R11")
        if rule == "R2":
            return bool(f.related) and f.related[0] in owned["agencies"]
        if rule == "R3":
            return bool(f.related) and f.related[0] in self.governments
        if rule == "R10":
            return f.focus in self.governments
        kind = {"R5": "units", "R14": "duties", "R15": "items"}.get(rule, "agencies")
        return f.focus in owned[kind]


class _Plan:
    """Which rows of a workbook go to which government (one pass per table)."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        agencies = workbook.tables.get("agencies")
        self.gov: dict[str, str] = {}
        self.links: dict[str, list[str]] = {}
        if agencies is not None:
            at, up = agencies.index("government"), (agencies.index("parent"),
                                                      agencies.index("hosted_in"))  # fmt: skip
            for _, row in agencies.rows:
                self.gov[row[0]] = row[at]
                self.links[row[0]] = [row[i] for i in up if row[i]]
        units = workbook.tables.get("units")
        self.unit_agency: dict[str, str] = {}
        if units is not None:
            at = units.index("agency")
            self.unit_agency = {row[0]: row[at] for _, row in units.rows}
        self.functions = _Catalogue(workbook)

    def gov_of(self, holder: str) -> str:
        return self.gov.get(self.unit_agency.get(holder, holder), "")

    def sources_govs(self, row: tuple[str, ...], at: int) -> set[str]:
        return {self.gov.get(s, "") for s in split_list(row[at])}

    def places(self, table: str) -> Iterator[tuple[int, set[str] | None, bool]]:
        """(position, governments (None: every part), in the cross part) of each row of
        ``table``."""
        data = self.workbook.tables[table]
        column = {
            "agencies": "government", "units": "agency", "duties": "holder",
            "data_duties": "holder", "power_items": "agency", "divisions": "agencies",
            "datasets": "sources", "transfers": "agency",
        }.get(table)  # fmt: skip
        if column is None:  # the function catalogue: every part
            for i in range(len(data.rows)):
                yield i, None, False
            return
        at = data.index(column)
        cross_datasets = self.cross_datasets if table == "data_duties" else set()
        ds_at = data.index("dataset") if table == "data_duties" else 0
        for i, (_, row) in enumerate(data.rows):
            cell = row[at]
            if table == "agencies":
                govs = {cell}
                cross = True
            elif table in ("units", "power_items", "transfers"):
                govs, cross = {self.gov.get(cell, "")}, table == "power_items"
            elif table in ("duties", "data_duties"):
                govs, cross = {self.gov_of(cell)}, row[ds_at] in cross_datasets
            elif table == "divisions":
                govs, cross = {self.gov.get(a, "") for a in split_list(cell)}, False
            else:  # datasets
                govs = self.sources_govs(row, at)
                cross = len(govs) != 1
            yield i, govs, cross

    @property
    def cross_datasets(self) -> set[str]:
        if not hasattr(self, "_cross"):
            data = self.workbook.tables.get("datasets")
            self._cross: set[str] = set()
            if data is not None:
                at = data.index("sources")
                self._cross = {
                    row[0] for _, row in data.rows if len(self.sources_govs(row, at)) != 1
                }
        return self._cross


class _Catalogue:
    """The function tree: each function's row and parent, the mandatory ones."""

    def __init__(self, workbook: Workbook) -> None:
        self.position: dict[str, int] = {}
        self.broader: dict[str, str] = {}
        self.mandatory: set[str] = set()
        data = workbook.tables.get("functions")
        if data is None:
            return
        up, flag = data.index("broader"), data.index("mandatory")
        for i, (_, row) in enumerate(data.rows):
            self.position[row[0]] = i
            self.broader[row[0]] = row[up]
            if parse_bool(row[flag]):
                self.mandatory.add(row[0])

    def rows_of(self, functions: set[str]) -> list[int]:
        """The positions of ``functions`` and of every function above them."""
        seen: set[str] = set()
        for f in functions:
            while f and f not in seen:
                seen.add(f)
                f = self.broader.get(f, "")
        return sorted(self.position[f] for f in seen if f in self.position)


def _groups(rows_per_gov: dict[str, int], part_rows: int) -> list[list[str]]:
    """Governments packed into groups of up to ``part_rows`` rows, in code order."""
    groups: list[list[str]] = []
    size = part_rows
    for gov in sorted(rows_per_gov):
        if size + rows_per_gov[gov] > part_rows:
            groups.append([])
            size = 0
        groups[-1].append(gov)
        size += rows_per_gov[gov]
    return groups


def plan_parts(workbook: Workbook, *, part_rows: int = PART_ROWS) -> list[Part]:
    """The government parts and the cross part of a workbook (their rows are the
    workbook's own row tuples: nothing is copied but the lists)."""
    plan = _Plan(workbook)
    positions: dict[str, dict[str, list[int]]] = {}  # table -> government -> positions
    cross: dict[str, list[int]] = {}
    everywhere: dict[str, list[int]] = {}
    rows_per_gov: dict[str, int] = defaultdict(int)
    for table in workbook.tables:
        by_gov: dict[str, list[int]] = defaultdict(list)
        for i, govs, in_cross in plan.places(table):
            if govs is None:
                everywhere.setdefault(table, []).append(i)
                continue
            for gov in govs:
                by_gov[gov].append(i)
                rows_per_gov[gov] += 1
            if in_cross:
                cross.setdefault(table, []).append(i)
        positions[table] = by_gov
    # an agency's links to other governments: their agency rows go with it
    agency_rows = {row[0]: i for i, (_, row) in enumerate(workbook.rows("agencies"))}
    for agency, ups in plan.links.items():
        for up in ups:
            if up in agency_rows and plan.gov.get(up) != plan.gov[agency]:
                positions["agencies"][plan.gov[agency]].append(agency_rows[up])
    parts = [
        _part(workbook, plan, frozenset(group), positions, everywhere)
        for group in _groups({g: n for g, n in rows_per_gov.items() if g}, part_rows)
    ]
    # the units holding the cross part's data duties (a holder's IRI depends on it)
    holders = _holders(_sub_workbook(workbook, {"data_duties": cross.get("data_duties", [])}))
    cross["units"] = [i for i, (_, r) in enumerate(workbook.rows("units")) if r[0] in holders]
    cross_part = _sub_workbook(workbook, cross)
    _only_what_r7_reads(cross_part)
    parts.append(Part(CROSS, cross_part, CROSS_RULES, owned={"datasets": set(plan.cross_datasets)}))
    return parts


def _only_what_r7_reads(workbook: Workbook) -> None:
    """Blank the power items' cells no cross-government rule reads (R7 compares base
    code, name, type and basis): a province's million items are mapped a second time
    for the cross part, at half the cost."""
    data = workbook.tables.get("power_items")
    if data is None:
        return
    unread = {data.index(c) for c in ("time_limit", "materials", "impl_code")}
    data.rows = [
        (n, tuple("" if i in unread else cell for i, cell in enumerate(row)))
        for n, row in data.rows
    ]


def _holders(workbook: Workbook) -> set[str]:
    data = workbook.tables.get("data_duties")
    if data is None:
        return set()
    at = data.index("holder")
    return {row[at] for _, row in data.rows}


def _part(
    workbook: Workbook,
    plan: _Plan,
    governments: frozenset[str],
    positions: dict[str, dict[str, list[int]]],
    everywhere: dict[str, list[int]],
) -> Part:
    chosen: dict[str, list[int]] = dict(everywhere)
    for table, by_gov in positions.items():
        if table in everywhere:
            continue
        found = sorted({i for gov in governments for i in by_gov.get(gov, ())})
        chosen[table] = found
    sub = _sub_workbook(workbook, chosen)
    # of the catalogue, what the part's duties and divisions are on, the mandatory
    # functions (R3), and every function above those: a catalogue per government stays
    # out of the other governments' parts
    used = plan.functions.mandatory | {
        row[data.index("function")]
        for name in ("duties", "divisions")
        if (data := sub.tables.get(name)) is not None
        for _, row in data.rows
    }
    chosen["functions"] = plan.functions.rows_of(used)
    sub = _sub_workbook(workbook, chosen)
    agencies = {a for a, g in plan.gov.items() if g in governments}
    owned = {
        "agencies": agencies,
        "units": {r[0] for _, r in sub.rows("units")},
        "duties": {r[0] for _, r in sub.rows("duties")},
        "items": {r[0] for _, r in sub.rows("power_items")},
        "datasets": {r[0] for _, r in sub.rows("datasets") if r[0] not in plan.cross_datasets},
    }
    name = ",".join(sorted(governments))
    return Part(name, sub, GOVERNMENT_RULES, governments, owned)


def _sub_workbook(workbook: Workbook, chosen: dict[str, list[int]]) -> Workbook:
    tables = {}
    for name, data in workbook.tables.items():
        rows = data.rows
        tables[name] = TableRows(
            data.table, data.sheet, data.file, [rows[i] for i in chosen.get(name, ())]
        )
    return Workbook(workbook.file, tables)


# --- running the parts ----------------------------------------------------------------
# The rule book and options are set before the workers are forked: they inherit them.
_WORKER: dict[str, Any] = {}


def _validate_part(part: Part, rules: list[str]) -> list[Finding]:
    from govkg.shapes.store_validation import validate_store
    from govkg.validating.sources import memory_store

    book, base_iri, engine = _WORKER["book"], _WORKER["base_iri"], _WORKER["engine"]
    store = memory_store([part.workbook], [], base_iri, book=book)
    found = validate_store(
        store, book, engine=engine, rules=rules, id_of=IriMaker(base_iri).workbook_id
    )
    return [f for f in found if part.keeps(f)]


def validate_parts(
    parts: Sequence[Part],
    *,
    book: RuleBook,
    base_iri: str,
    engine: str = "default",
    rules: Sequence[str] | None = None,
    workers: int | None = None,
    progress: Callable[[Part, list[Part]], None] | None = None,
) -> list[Finding]:
    """The findings of the parts, each validated in a worker process (``workers``:
    the cores), kept where the part owns them; sorted as a whole validation sorts.
    ``progress`` is told of each part done and of the parts still running."""
    wanted = set(rules or book.rules)
    todo = [p for p in parts if wanted & set(p.rules)]
    _WORKER.update(book=book, base_iri=base_iri, engine=engine)

    def submit(part: Part) -> Future:
        asked = [r for r in part.rules if r in wanted]
        log.debug("part %s: rules %s", part.name, " ".join(asked))
        return pool.submit(_validate_part, part, asked)

    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    found: dict[tuple, Finding] = {}
    # fork: the workers inherit the rule book; at most two parts per worker wait, so
    # the memory held is bounded by a few parts, not the whole workbook twice
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: list[tuple[Part, Future]] = []
        queue = iter(todo)
        for part in queue:
            pending.append((part, submit(part)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            part, future = pending.pop(0)
            for f in future.result():
                found.setdefault(f.key, f)
            following = next(queue, None)
            if following is not None:
                pending.append((following, submit(following)))
            if progress is not None:
                progress(part, [p for p, _ in pending])
    return sorted(found.values(), key=sort_key)
