"""A workbook larger than memory, cut into government parts as it is read.

One pass over the tables (block by block: a nation's 42M rows never sit in memory, read
in a process of their own: govkg/validating/block_reader.py) writes each row to the file
of each government it belongs to (govkg/validating/spill.py, in a scratch folder; a
government's units to a file of their own) and keeps only what the cuts and
the cross-government rules need: the agency rows (every part needs its link targets,
R11 needs them all), each unit's agency, the function catalogue, the ids references
may name, the datasets whose sources are not all in one government with their data
duties, and of the power items, per base code, the name, type and basis seen first and
whether another was seen (R7). What R7 reads of the power items (id, base code, name,
type, basis) goes a second time to files by base code.

The parts (govkg/validating/partition.py says which rows each holds and which findings it keeps)
are read back from those files one at a time, in the worker that validates them:

    government parts   a few governments each, every rule but R7 and R11
    the cross part     every agency row (R11), the cross-government datasets (R1, R13)
    base-code parts    R7, on the power items of the base codes that were seen with more
                       than one name, type or basis, a range of base codes per part,
                       from their rows (govkg/validating/base_codes.py)

R16 weighs its terms over one government's duties: a part holds all of them, the pass
needs no texts.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from operator import itemgetter
from pathlib import Path

from govkg.errors import InputError, Problem
from govkg.loaders.checks import check_workbook, duplicate_id
from govkg.loaders.contract import TABLES, TABLES_BY_NAME, split_list
from govkg.loaders.workbook import TableRows, Workbook
from govkg.validating.base_codes import R7_COLUMNS
from govkg.validating.partition import CROSS, GOVERNMENT_RULES, R7_PARTS, Catalogue, Part, groups
from govkg.validating.spill import Spill

Row = tuple[int, tuple[str, ...]]
BASE_CODES_PER_PART = 500_000  # power items, about, in one base-code part
CODE_FILES = 256  # the power items' files by base code
ID_FILES = 64  # the files of the ids that are checked for duplicates only
# the tables no reference names: their ids are kept nowhere, but filed by their hash
_ID_FILED = frozenset({"duties", "divisions", "power_items", "data_duties", "transfers"})
_ID_KEYS = [f"ids {bucket}" for bucket in range(ID_FILES)]
_R7_KEYS = [f"R7 {bucket}" for bucket in range(CODE_FILES)]
_UNITS = "units "  # a government's units are filed apart (the cross part reads only them)


def _units_key(gov: str) -> str:
    return _UNITS + gov


class StreamPlan:
    """The one pass over a workbook's tables: where each row goes, what the parts need."""

    def __init__(self, folder: Path, file: str) -> None:
        self.spill = Spill(folder)
        self.file = file
        self.tables: dict[str, TableRows] = {}  # rows kept: agencies and functions only
        self.gov: dict[str, str] = {}
        self.links: dict[str, list[str]] = {}
        self.unit_agency: dict[str, str] = {}
        self.datasets: set[str] = set()
        self.cross_datasets: set[str] = set()
        self.cross: dict[str, list[Row]] = defaultdict(list)  # datasets, data duties
        self.rows_per_gov: Counter[str] = Counter()
        self.signatures: dict[str, tuple[str, ...] | None] = {}  # base code -> None: differs
        self.items = 0
        self.problems: list[Problem] = []
        self.catalogue = Catalogue(TableRows(TABLES_BY_NAME["functions"], "", file))
        self.agency_rows: dict[str, list[int]] = {}  # government -> positions

    # --- the pass ---------------------------------------------------------------------
    def add(self, data: TableRows) -> None:
        """A block of a table (the rows read since the last block)."""
        name = data.table.name
        kept = self.tables.setdefault(name, TableRows(data.table, data.sheet, data.file))
        kept.encoding = data.encoding
        if name in ("agencies", "functions"):
            kept.rows.extend(data.rows)
            return
        if "agencies" in self.tables and not self.gov:
            self._index_agencies()
        if name in _ID_FILED:  # their ids are checked for duplicates at the end
            self.spill.add(name, (
                (_ID_KEYS[zlib.crc32(row[0].encode()) % ID_FILES], (number, (row[0],)))
                for number, row in data.rows
            ))  # fmt: skip
        getattr(self, f"_{name}")(data)

    def _index_agencies(self) -> None:
        data = self.tables["agencies"]
        at, up = data.index("government"), (data.index("parent"), data.index("hosted_in"))
        for i, (_, row) in enumerate(data.rows):
            self.gov.setdefault(row[0], row[at])
            self.links[row[0]] = [row[j] for j in up if row[j]]
            self.agency_rows.setdefault(row[at], []).append(i)
            self.rows_per_gov[row[at]] += 1
        position = {row[0]: i for i, (_, row) in enumerate(data.rows)}
        for agency, ups in self.links.items():  # link targets in other governments
            for target in ups:
                if target in position and self.gov.get(target) != self.gov[agency]:
                    self.agency_rows[self.gov[agency]].append(position[target])

    def gov_of(self, holder: str) -> str:
        return self.gov.get(self.unit_agency.get(holder, holder), "")

    def _to(self, govs: Iterable[str], table: str, row: Row) -> None:
        for gov in govs:
            self.spill.add(table, ((gov, row),))
            self.rows_per_gov[gov] += 1

    def _to_each(self, govs: list[str], table: str, rows: list[Row]) -> None:
        """Each row to the one government ``govs`` says (a list as long as ``rows``)."""
        self.spill.add(table, zip(govs, rows, strict=True))
        self.rows_per_gov.update(govs)

    def _seen(
        self, data: TableRows, number: int, value: str, ids: Iterable[AbstractSet[str]]
    ) -> None:
        """A duplicate id of a table whose ids are not kept in the parts' memory whole."""
        if value and any(value in space for space in ids):
            first = self.tables["agencies"].sheet if value in self.gov else None
            self.problems.append(
                duplicate_id(data.file, data.table, data.sheet, number, value, first)
            )

    def _units(self, data: TableRows) -> None:
        at = data.index("agency")
        for item in data.rows:
            unit = item[1][0]
            self._seen(data, item[0], unit, (self.gov.keys(), self.unit_agency.keys()))
            self.unit_agency[unit] = item[1][at]
        # in files of their own: the cross part reads the units of many governments
        units = [_units_key(self.gov.get(row[at], "")) for _, row in data.rows]
        self.spill.add("units", zip(units, data.rows, strict=True))
        self.rows_per_gov.update(key[len(_UNITS) :] for key in units)

    def _duties(self, data: TableRows) -> None:
        holder = data.index("holder")
        govs = [self.gov_of(row[holder]) for _, row in data.rows]
        self._to_each(govs, "duties", data.rows)

    def _divisions(self, data: TableRows) -> None:
        at = data.index("agencies")
        for item in data.rows:
            self._to({self.gov.get(a, "") for a in split_list(item[1][at])}, "divisions", item)

    def _power_items(self, data: TableRows) -> None:
        at, code = data.index("agency"), data.index("base_code")
        name, kind, basis = (data.index(c) for c in ("name", "type", "basis"))
        rows = data.rows
        gov = self.gov.get
        self._to_each([gov(row[at], "") for _, row in rows], "power_items", rows)
        signatures, signature = self.signatures, itemgetter(name, kind, basis)
        for _, row in rows:
            first = signatures.setdefault(row[code], signature(row))
            if first is not None and first != signature(row):
                signatures[row[code]] = None
        read = itemgetter(*(data.index(c) for c in R7_COLUMNS))
        self.spill.add("power_items", (
            (_R7_KEYS[zlib.crc32(row[code].encode()) % CODE_FILES], read(row)) for _, row in rows
        ))  # fmt: skip
        self.items += len(rows)

    def _datasets(self, data: TableRows) -> None:
        at = data.index("sources")
        for item in data.rows:
            self._seen(data, item[0], item[1][0], (self.datasets,))
            self.datasets.add(item[1][0])
            govs = {self.gov.get(s, "") for s in split_list(item[1][at])}
            self._to(govs, "datasets", item)
            if len(govs) != 1:
                self.cross_datasets.add(item[1][0])
                self.cross["datasets"].append(item)

    def _data_duties(self, data: TableRows) -> None:
        holder, dataset = data.index("holder"), data.index("dataset")
        govs = [self.gov_of(row[holder]) for _, row in data.rows]
        self._to_each(govs, "data_duties", data.rows)
        cross = self.cross_datasets
        self.cross["data_duties"].extend(item for item in data.rows if item[1][dataset] in cross)

    def _transfers(self, data: TableRows) -> None:
        # R17 reads the counterpart's duties: a transfer goes to its government's part too
        agency, counterpart = data.index("agency"), data.index("counterpart_id")
        for item in data.rows:
            govs = {self.gov.get(item[1][agency], "")}
            if item[1][counterpart]:
                govs.add(self.gov.get(item[1][counterpart], ""))
            self._to(govs, "transfers", item)

    def finish(self) -> None:
        if "agencies" in self.tables and not self.gov:
            self._index_agencies()
        self.spill.flush()
        for table in TABLES:
            self.tables.setdefault(table.name, TableRows(table, table.zh, self.file))
        self._duplicates()
        self.catalogue = Catalogue(self.tables["functions"])
        # the catalogue is checked here: a part holds only the functions it uses
        catalogue = Workbook(self.file, {"functions": self.tables["functions"]})
        try:
            check_workbook(catalogue, references=self.references())
        except InputError as error:
            self.problems.extend(error.problems)

    def _duplicates(self) -> None:
        """The ids given twice in the tables whose ids no one refers to (a file of ids
        at a time: the same id is always in the same file)."""
        for bucket in range(ID_FILES):
            for table, rows in self.spill.read(_ID_KEYS[bucket]).items():
                data, seen = self.tables[table], set()
                for number, (value,) in sorted(rows):
                    if value and value in seen:
                        self.problems.append(
                            duplicate_id(data.file, data.table, data.sheet, number, value, None)
                        )
                    seen.add(value)

    def references(self) -> dict[str, AbstractSet[str]]:
        """The ids each table's references may name (dict views: no copies)."""
        functions = {row[0] for _, row in self.tables["functions"].rows}
        return {
            "agencies": self.gov.keys(), "units": self.unit_agency.keys(),
            "functions": functions, "datasets": self.datasets,
        }  # fmt: skip

    # --- the parts --------------------------------------------------------------------
    def parts(self, part_rows: int) -> list[Part]:
        governments = [
            Part(",".join(group), GOVERNMENT_RULES, frozenset(group))
            for group in groups(dict(self.rows_per_gov), part_rows)
        ]
        ranges = max(1, min(CODE_FILES, self.items // BASE_CODES_PER_PART))
        base_codes = [
            Part(f"{R7_PARTS} {k + 1}/{ranges}", ("R7",), frozenset(), kind=R7_PARTS,
                 keys=tuple(_R7_KEYS[b] for b in range(k, CODE_FILES, ranges)))
            for k in range(ranges)
        ]  # fmt: skip
        # the cross part first: it grows with the nation (every agency), and run last it
        # would leave the other core idle at the end
        return [Part(CROSS, ("R1", "R11", "R13"), kind=CROSS), *governments, *base_codes]

    def workbook(self, part: Part) -> Workbook:
        """The rows of a government part or the cross part, read back (in the order of
        the workbook)."""
        if part.kind == CROSS:
            chosen = self._cross_rows()
        else:
            chosen = self._government_rows(part.governments)
        tables = {}
        for name, data in self.tables.items():
            rows = chosen.get(name, [])
            tables[name] = TableRows(data.table, data.sheet, data.file, rows, data.encoding)
        return Workbook(self.file, tables)

    def _government_rows(self, governments: frozenset[str]) -> dict[str, list[Row]]:
        chosen: dict[str, dict[int, Row]] = defaultdict(dict)
        for gov in governments:
            for key in (gov, _units_key(gov)):
                for table, rows in self.spill.read(key).items():
                    chosen[table].update((item[0], item) for item in rows)
        agencies = self.tables["agencies"].rows
        for gov in governments:
            for i in self.agency_rows.get(gov, ()):
                chosen["agencies"][agencies[i][0]] = agencies[i]
        # of the catalogue, what the part's duties and divisions are on, the mandatory
        # functions (R3) and every function above them (govkg/validating/partition.py)
        used = set(self.catalogue.mandatory)
        for table in ("duties", "divisions"):
            at = self.tables[table].index("function")
            used.update(row[at] for _, row in chosen[table].values())
        functions = self.tables["functions"].rows
        result = {table: [rows[n] for n in sorted(rows)] for table, rows in chosen.items()}
        result["functions"] = [functions[i] for i in self.catalogue.rows_of(used)]
        return result

    def _cross_rows(self) -> dict[str, list[Row]]:
        chosen: dict[str, list[Row]] = {"agencies": self.tables["agencies"].rows, **self.cross}
        # the units holding the cross data duties (a holder's IRI depends on it)
        holder = self.tables["data_duties"].index("holder")
        held = {row[holder] for _, row in self.cross["data_duties"]} & self.unit_agency.keys()
        units: dict[int, Row] = {}
        for gov in {self.gov_of(u) for u in held}:
            for n, r in self.spill.read(_units_key(gov))["units"]:
                if r[0] in held:
                    units[n] = (n, r)
        chosen["units"] = [units[n] for n in sorted(units)]
        return chosen

    def base_code_items(self, part: Part) -> list[tuple[str, ...]]:
        """The power items of a base-code part, as R7 reads them (R7_COLUMNS): those of
        its base codes that were seen with more than one name, type or basis."""
        signatures = self.signatures
        return [
            item
            for key in part.keys
            for item in self.spill.read(key)["power_items"]
            if signatures[item[1]] is None
        ]


def plan_stream(blocks: Iterable[TableRows], folder: Path, file: str) -> StreamPlan:
    """The pass over ``blocks`` (each table's rows, in the contract's order of tables,
    a block at a time); the contract's problems found in it are in ``problems``."""
    plan = StreamPlan(folder, file)
    for data in blocks:
        plan.add(data)
    plan.finish()
    return plan
