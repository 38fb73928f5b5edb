"""What the web pages show, read from a snapshot: counts per government, search, what an
id names, the neighbourhood of a node for the graph picture and the lines of R10.

Everything here only reads; indexes are built once per store generation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from govkg.api import queries
from govkg.api.agencies import agencies_of
from govkg.api.datasets import datasets_of
from govkg.api.functions import functions_of
from govkg.api.state import Findings, Snapshot
from govkg.shapes.findings import rule_order

COUNTED = ("agencies", "units", "staffing", "duties", "data_duties", "datasets", "power_items")


def _counts(reader: Any) -> dict[str | None, dict[str, int]]:
    """Counts per government code, and under None for every government together."""
    out: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    for row in queries.rows(reader, queries.COUNTS):
        out[row["gov"]][row["kind"]] = int(row["n"])
    for row in queries.rows(reader, queries.STAFFING):
        out[row["gov"]]["staffing"] = int(float(row["n"] or 0))
    total = dict.fromkeys(COUNTED, 0)
    for counts in list(out.values()):
        for key, value in counts.items():
            total[key] += value
    for row in queries.rows(reader, queries.DATASET_TOTAL):
        total["datasets"] = int(row["n"])
    out[None] = total
    return dict(out)


def counts(snap: Snapshot, government: str | None) -> dict[str, int]:
    found = snap.index("page-counts", _counts)
    return found.get(government, dict.fromkeys(COUNTED, 0))


def governments(snap: Snapshot) -> list[str]:
    return sorted(code for code in snap.index("page-counts", _counts) if code is not None)


@dataclass
class RuleCount:
    rule: str
    name: dict[str, str]
    severity: str
    count: int


def findings_by_rule(findings: Findings, government: str | None) -> list[RuleCount]:
    """Every rule with its number of findings (in the government), most serious first."""
    tally: dict[str, int] = defaultdict(int)
    for item in findings.items:
        if government is None or government in item["governments"]:
            tally[item["finding"]["rule"]] += 1
    out = [
        RuleCount(rule, {"zh": names["zh"], "en": names["en"]}, names["severity"], tally[rule])
        for rule, names in findings.rules.items()
    ]
    return sorted(out, key=lambda r: rule_order(r.rule, r.severity))


# --- what an id names -------------------------------------------------------------------
@dataclass(frozen=True)
class Named:
    kind: str  # agency, function, dataset, government or other
    id: str
    name: str | None


def _nameplates(reader: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for row in queries.rows(reader, queries.NAMEPLATES):
        out[row["id"]].append(row["plate"])
    return dict(out)


def named(snap: Snapshot, ident: str) -> Named:
    """What a workbook id (or government code) of a finding stands for."""
    agency = agencies_of(snap).get(ident)
    if agency is not None:
        return Named("agency", ident, agency["name"])
    function = functions_of(snap).get(ident)
    if function is not None:
        return Named("function", ident, function["name"])
    dataset = datasets_of(snap).get(ident)
    if dataset is not None:
        return Named("dataset", ident, dataset[1])
    if ident in governments(snap):
        return Named("government", ident, None)
    return Named("other", ident, None)


def search(snap: Snapshot, text: str, limit: int = 200) -> list[tuple[Named, str | None]]:
    """Agencies (by name, nameplate or id), functions and datasets whose name or id
    holds ``text``; each with the nameplate it matched by, if that is how."""
    needle = text.strip().lower()
    if not needle:
        return []
    out: list[tuple[Named, str | None]] = []
    plates = snap.index("page-nameplates", _nameplates)
    for ident, row in agencies_of(snap).items():
        name = row["name"] or ""
        if needle in name.lower() or needle in ident.lower():
            out.append((Named("agency", ident, name), None))
            continue
        plate = next((p for p in plates.get(ident, []) if needle in p.lower()), None)
        if plate is not None:
            out.append((Named("agency", ident, name), plate))
    for ident, entry in functions_of(snap).items():
        if needle in (entry["name"] or "").lower() or needle in ident.lower():
            out.append((Named("function", ident, entry["name"]), None))
    for ident, (_iri, name, _sources) in datasets_of(snap).items():
        if needle in (name or "").lower() or needle in ident.lower():
            out.append((Named("dataset", ident, name), None))
    return out[:limit]


# --- the graph picture --------------------------------------------------------------------
@dataclass
class Edges:
    """Links between agencies and functions or datasets, both ways."""

    of_agency: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    of_target: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _edges(reader: Any) -> Edges:
    edges = Edges()
    for row in queries.rows(reader, queries.GRAPH_EDGES):
        pair = (row["agency"], row["target"], row["edge"])
        edges.of_agency.setdefault(pair[0], []).append((pair[1], pair[2]))
        edges.of_target.setdefault(pair[1], []).append((pair[0], pair[2]))
    for table in (edges.of_agency, edges.of_target):
        for key, links in table.items():
            table[key] = sorted(set(links))
    return edges


EDGE_RANK = {"lead": 0, "source": 1, "support": 2, "data": 3}


@dataclass
class Neighbourhood:
    """The centre, the nodes one link away and those two links away, and the links."""

    centre: Named
    rings: list[list[Named]]
    links: list[tuple[str, str, str]]  # (agency id, target id, edge kind)
    left_out: int = 0


def neighbourhood(snap: Snapshot, centre: Named, per_ring: int = 24) -> Neighbourhood:
    """Two links around ``centre``: for an agency its functions and datasets, then the
    other agencies that lead those functions or source those datasets; for a function or
    dataset its agencies, then what those agencies lead or source."""
    edges = snap.index("page-edges", _edges)

    def around(node: Named) -> list[tuple[str, str]]:
        table = edges.of_agency if node.kind == "agency" else edges.of_target
        return sorted(table.get(node.id, []), key=lambda link: (EDGE_RANK[link[1]], link[0]))

    links: set[tuple[str, str, str]] = set()
    first: dict[str, Named] = {}
    left_out = 0
    for other, edge in around(centre):
        if other not in first and len(first) >= per_ring:
            left_out += 1
            continue
        first.setdefault(other, named(snap, other))
        links.add(_link(centre, other, edge))
    second: dict[str, Named] = {}
    for node in first.values():
        for other, edge in around(node):
            if edge not in ("lead", "source") or other == centre.id:
                continue
            if other not in first and other not in second:
                if len(second) >= per_ring:
                    left_out += 1
                    continue
                second[other] = named(snap, other)
            links.add(_link(node, other, edge))
    return Neighbourhood(
        centre, [list(first.values()), list(second.values())], sorted(links), left_out
    )


def _link(node: Named, other: str, edge: str) -> tuple[str, str, str]:
    """A link as (agency, target, kind), whichever end it was found from."""
    return (node.id, other, edge) if node.kind == "agency" else (other, node.id, edge)


# --- R10: the lines of data management ------------------------------------------------------
def _chain_links(reader: Any) -> dict[str, str]:
    """Each agency's next link up: parent where set, else hosted_in (workbook.md)."""
    out: dict[str, str] = {}
    for row in queries.rows(reader, queries.AGENCY_LINKS):
        up = row["parent"] or row["host"]
        if up is not None and row["id"] not in out:
            out[row["id"]] = up
    return out


@dataclass
class Line:
    """One line (the agency at the top of chains) and the agencies below it, by parent."""

    top: str
    children: dict[str, list[str]]


def data_lines(snap: Snapshot, holders: list[str]) -> list[Line]:
    """The lines of R10's agencies: each holder's chain up to its top, as trees."""
    up = snap.index("page-chains", _chain_links)
    lines: dict[str, dict[str, list[str]]] = {}
    for holder in holders:
        chain, seen = [holder], {holder}
        while chain[-1] in up and up[chain[-1]] not in seen:
            seen.add(up[chain[-1]])
            chain.append(up[chain[-1]])
        tree = lines.setdefault(chain[-1], {})
        for lower, upper in zip(chain, chain[1:], strict=False):
            kids = tree.setdefault(upper, [])
            if lower not in kids:
                kids.append(lower)
    return [
        Line(top, {k: sorted(v) for k, v in tree.items()}) for top, tree in sorted(lines.items())
    ]


# --- the baseline of a draft check -----------------------------------------------------------
def baseline_sources(snap: Snapshot) -> list[PurePosixPath] | None:
    """The sources the store was loaded from (a draft is checked against the store's
    data); None when it holds none."""
    paths = [
        PurePosixPath(unquote(urlparse(row["source"]).path))
        for row in queries.rows(snap.reader, queries.SOURCE_FILES)
    ]
    return paths or None
