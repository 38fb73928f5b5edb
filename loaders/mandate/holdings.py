"""What a baseline agency holds that a 三定 text does not govern: its power items and its
data duties (and those of its units), with the units and datasets needed to carry them
into a draft. Rows use the contract's column names and workbook values, as a workbook
writes them, so a carried row goes into the draft unchanged.

A draft replaces every baseline row of the agencies it re-mandates (docs/workbook.md),
so what the text does not state must ride along or it is dropped. The workbook source is
here; the store's (by SPARQL) is in ``store_holdings``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from govkg.loaders.contract import split_list
from govkg.loaders.workbook import Workbook

Row = dict[str, str]


@dataclass(frozen=True)
class Dataset:
    id: str
    name: str
    sources: tuple[str, ...] = ()


@dataclass
class Holdings:
    """One agency's rows: power items and data duties as rows of their tables, and its
    units (id → name) so that a unit's data duty can follow the unit by name."""

    power_items: list[Row] = field(default_factory=list)
    data_duties: list[Row] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)


class HoldingsSource(Protocol):
    def of(self, agency: str) -> Holdings:
        """The rows the agency (and its units) hold."""
        ...

    def datasets(self) -> Sequence[Dataset]:
        """Every dataset of the baseline, with its sources."""
        ...


class NoHoldings:
    """A baseline that knows no rows beyond agencies and functions."""

    def of(self, agency: str) -> Holdings:
        return Holdings()

    def datasets(self) -> Sequence[Dataset]:
        return ()


def records(workbook: Workbook, table: str) -> list[Row]:
    """A table's rows keyed by contract column name ([] when the table is missing)."""
    data = workbook.tables.get(table)
    if data is None:
        return []
    names = [c.name for c in data.table.columns]
    return [dict(zip(names, row, strict=True)) for _, row in data.rows]


class WorkbookHoldings:
    """The holdings of a checked workbook, indexed once by agency."""

    def __init__(self, workbook: Workbook) -> None:
        self._units: dict[str, dict[str, str]] = {}
        agency_of: dict[str, str] = {}
        for unit in records(workbook, "units"):
            self._units.setdefault(unit["agency"], {})[unit["id"]] = unit["name"]
            agency_of[unit["id"]] = unit["agency"]
        self._items: dict[str, list[Row]] = {}
        for item in records(workbook, "power_items"):
            self._items.setdefault(item["agency"], []).append(item)
        self._duties: dict[str, list[Row]] = {}
        for duty in records(workbook, "data_duties"):
            owner = agency_of.get(duty["holder"], duty["holder"])
            self._duties.setdefault(owner, []).append(duty)
        self._datasets = [
            Dataset(r["id"], r["name"], tuple(split_list(r["sources"])))
            for r in records(workbook, "datasets")
        ]

    def of(self, agency: str) -> Holdings:
        return Holdings(
            [dict(r) for r in self._items.get(agency, [])],
            [dict(r) for r in self._duties.get(agency, [])],
            dict(self._units.get(agency, {})),
        )

    def datasets(self) -> Sequence[Dataset]:
        return self._datasets
