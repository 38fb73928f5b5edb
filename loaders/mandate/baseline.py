"""What an import needs to know of the baseline: its agencies (names, nameplates,
governments), its function tree, the duties already placed on functions, and what each
agency holds that a text does not govern (``holdings``: power items, data duties,
datasets). Read from a workbook (``--baseline``) or from the store (``--store``, by
SPARQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govkg.loaders.checks import check_workbook
from govkg.loaders.contract import AGENCY_KINDS, RANKS, split_list
from govkg.loaders.mandate.holdings import (
    HoldingsSource,
    NoHoldings,
    WorkbookHoldings,
    records,
)
from govkg.loaders.mandate.store_holdings import StoreHoldings, select_rows
from govkg.loaders.workbook import read_workbook
from govkg.ontology.namespaces import DCT, GK, SKOS


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    government: str
    also_named: tuple[str, ...] = ()
    # What a text may not state, carried into the draft so that re-mandating an agency
    # does not drop it (contract values, as a workbook writes them).
    kind: str = ""
    rank: str = ""
    parent: str = ""
    hosted_in: str = ""
    uscc: str = ""
    staffing: str = ""
    cdo: str = ""


@dataclass(frozen=True)
class Function:
    id: str
    name: str
    broader: str = ""
    category: str = ""


@dataclass
class Baseline:
    source: str
    agencies: list[Agency] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    labelled_duties: list[tuple[str, str]] = field(default_factory=list)  # (text, function)
    holdings: HoldingsSource = field(default_factory=NoHoldings)

    @property
    def governments(self) -> set[str]:
        return {a.government for a in self.agencies}


def baseline_from_workbook(path: Path) -> Baseline:
    """The baseline of a workbook; InputError when it breaks the contract."""
    workbook = read_workbook(path)
    check_workbook(workbook)
    return Baseline(
        str(path),
        [
            Agency(
                r["id"],
                r["name"],
                r["government"],
                tuple(split_list(r["also_named"])),
                r["kind"],
                r["rank"],
                r["parent"],
                r["hosted_in"],
                r["uscc"],
                r["staffing"],
                r["cdo"],
            )
            for r in records(workbook, "agencies")
        ],
        [
            Function(r["id"], r["name"], r["broader"], r["category"])
            for r in records(workbook, "functions")
        ],
        [(r["text"], r["function"]) for r in records(workbook, "duties") if r["function"]],
        WorkbookHoldings(workbook),
    )


def baseline_from_store(store: Any, source: str) -> Baseline:
    """The baseline of the store's graph (the union of its named graphs)."""
    kinds = {f"{GK}{local}": zh for zh, local in AGENCY_KINDS.items()}
    ranks = {f"{GK}{local}": zh for zh, local in RANKS.items()}
    names = ("id", "name", "gov", "plate", "kind", "rank", "parent", "host", "uscc", "staff", "cdo")
    agencies: dict[str, Agency] = {}
    for row in select_rows(
        store,
        f"""SELECT ?id ?name ?gov ?plate ?kind ?rank ?parent ?host ?uscc
                                         ?staff ?cdo WHERE {{
            ?a a <{GK}Agency> ; <{DCT}identifier> ?id ; <{SKOS}prefLabel> ?name ;
               <{GK}government>/<{GK}divisionCode> ?gov ; <{GK}agencyKind> ?kind .
            OPTIONAL {{ ?a <{GK}nameplate> ?plate }}
            OPTIONAL {{ ?a <{GK}rank> ?rank }}
            OPTIONAL {{ ?a <{GK}administeredBy>/<{DCT}identifier> ?parent }}
            OPTIONAL {{ ?a <{GK}hostedIn>/<{DCT}identifier> ?host }}
            OPTIONAL {{ ?a <{GK}uscc> ?uscc }}
            OPTIONAL {{ ?a <{GK}staffing> ?staff }}
            OPTIONAL {{ ?a <{GK}chiefDataOfficer>/<{SKOS}prefLabel> ?cdo }} }}""",
        names,
    ):
        known = agencies.get(row["id"])
        plates = (known.also_named if known else ()) + ((row["plate"],) if row["plate"] else ())
        agencies[row["id"]] = Agency(
            row["id"],
            row["name"],
            row["gov"],
            tuple(dict.fromkeys(plates)),
            kinds.get(row["kind"], "其他"),
            ranks.get(row["rank"], ""),
            row["parent"],
            row["host"],
            row["uscc"],
            row["staff"],
            row["cdo"],
        )
    functions = [
        Function(r["id"], r["name"], r["up"], r["cat"])
        for r in select_rows(
            store,
            f"""SELECT ?id ?name ?up ?cat WHERE {{
            ?f a <{GK}Function> ; <{DCT}identifier> ?id ; <{SKOS}prefLabel> ?name .
            OPTIONAL {{ ?f <{SKOS}broader>/<{DCT}identifier> ?up }}
            OPTIONAL {{ ?f <{GK}category> ?cat }} }} ORDER BY ?id""",
            ("id", "name", "up", "cat"),
        )
    ]
    duties = [
        (r["text"], r["fid"])
        for r in select_rows(
            store,
            f"""SELECT ?text ?fid WHERE {{
            ?d a <{GK}Duty> ; <{DCT}description> ?text ;
               <{GK}onFunction>/<{DCT}identifier> ?fid }}""",
            ("text", "fid"),
        )
    ]
    return Baseline(
        source,
        sorted(agencies.values(), key=lambda a: a.id),
        functions,
        duties,
        StoreHoldings(store),
    )
