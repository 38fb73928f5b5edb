"""What the 三定 importer read, as the draft page shows it: the draft's JSON (the task
``import_mandate``: every sheet as {header: cell} objects) turned back into the agency, its
duties by their numbers in the text, the items that are not duties, units and staffing,
division clauses with the names matched and those not, and the function proposals.

The sheets are read by the same table and side-sheet definitions the importer writes them
with (govkg.loaders.contract, govkg.loaders.mandate.drafting), not by headers spelled here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from govkg.loaders.contract import TABLES_BY_NAME
from govkg.loaders.mandate.drafting import CONTRACT_SHEETS, SIDE_SHEETS, TO_CONFIRM
from govkg.loaders.mandate.parsing import DUTY, ITEM_KINDS

NameLookup = Callable[[str], Any]  # an id -> what it names (govkg.api.page_data.named)
_PREFIX = "三定规定"  # the basis of the current form: 三定规定第三条（五）


def number_in_text(basis: str) -> str:
    """Where a duty stands in the text: 第三条（五） of 三定规定第三条（五）; the older form's
    basis (二、主要职责（五）) is its number already.

    >>> number_in_text("三定规定第三条（九）2"), number_in_text("二、主要职责（五）")
    ('第三条（九）2', '二、主要职责（五）')
    """
    return basis.removeprefix(_PREFIX)


@dataclass
class Duty:
    number: str  # 第三条（五）
    id: str
    text: str
    function: Any  # what the proposed function id names, or None


@dataclass
class Unit:
    id: str
    name: str
    staffing: str
    duties: list[Duty] = field(default_factory=list)


@dataclass
class Item:
    number: str
    kind: dict[str, str]  # {zh, en}
    text: str


@dataclass
class Division:
    number: str
    text: str
    agencies: list[Any]  # what each matched agency id names
    function: Any


@dataclass
class Unmatched:
    number: str
    name: str


@dataclass
class Proposal:
    number: str
    id: str
    function: Any
    score: str
    alternatives: str
    sure: bool


@dataclass
class Reading:
    """Everything the page shows of one imported text."""

    agency: dict[str, str]
    matched: str  # the baseline agency's id, or "" for a new agency
    notes: dict[str, str]  # the 导入说明 facts by their English item name
    duties: list[Duty]
    items: list[Item]
    units: list[Unit]
    divisions: list[Division]
    unmatched: list[Unmatched]
    proposals: list[Proposal]
    counts: dict[str, int]
    transfers: list[dict[str, str]]  # the draft's transfers rows, by column name


def _rows(sheets: dict[str, list[dict[str, str]]], table: str) -> list[dict[str, str]]:
    """A contract table's rows keyed by column name (id, name, …), not its Chinese header."""
    names = {c.zh: c.name for c in TABLES_BY_NAME[table].columns}
    return [
        {names.get(k, k): v for k, v in row.items()}
        for row in sheets.get(CONTRACT_SHEETS[table], [])
    ]


def _side(sheets: dict[str, list[dict[str, str]]], key: str) -> list[list[str]]:
    """A side sheet's rows as lists, in the order of its header."""
    sheet, header = SIDE_SHEETS[key]
    return [[row.get(h, "") for h in header] for row in sheets.get(sheet, [])]


def _duty(row: dict[str, str], named: NameLookup) -> Duty:
    function = named(row["function"]) if row.get("function") else None
    return Duty(number_in_text(row.get("basis", "")), row["id"], row["text"], function)


def reading(draft: dict[str, Any], named: NameLookup) -> Reading:
    """The page's view of the draft JSON of one 三定 text (one agency)."""
    sheets = draft["sheets"]
    agency = (_rows(sheets, "agencies") or [{}])[0]
    agency_id = agency.get("id", "")
    notes = {en: value for owner, _zh, en, value in _side(sheets, "notes") if owner == agency_id}
    matched = agency_id if notes.get("baseline match") == agency_id else ""
    duties = _rows(sheets, "duties")
    units = [
        Unit(
            row["id"],
            row["name"],
            row.get("staffing", ""),
            [_duty(d, named) for d in duties if d["holder"] == row["id"]],
        )
        for row in _rows(sheets, "units")
    ]
    main_duty = ITEM_KINDS[DUTY][0]
    items = [
        Item(number_in_text(basis), {"zh": zh, "en": en}, text)
        for _owner, basis, zh, en, text in _side(sheets, "items")
        if zh != main_duty
    ]
    divisions = [
        Division(
            number_in_text(row.get("basis", "")),
            row["text"],
            [named(a) for a in row["agencies"].split("；") if a and a != agency_id],
            named(row["function"]) if row.get("function") else None,
        )
        for row in _rows(sheets, "divisions")
    ]
    proposals = [
        Proposal(
            number_in_text(basis), ident, named(fid) if fid else None, score, top, s != TO_CONFIRM
        )
        for ident, basis, fid, _name, score, top, s in _side(sheets, "proposals")
    ]
    return Reading(
        agency=agency,
        matched=matched,
        notes=notes,
        duties=[_duty(d, named) for d in duties if d["holder"] == agency_id],
        items=items,
        units=units,
        divisions=divisions,
        unmatched=[
            Unmatched(number_in_text(u["basis"]), u["name"])
            for u in draft.get("unmatched", [])
            if u["agency"] == agency_id
        ],
        proposals=proposals,
        counts=draft.get("counts", {}),
        transfers=[t for t in _rows(sheets, "transfers") if t["agency"] == agency_id],
    )
