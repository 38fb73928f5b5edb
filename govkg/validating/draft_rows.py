"""The baseline's rows as a draft against a store sees them (govkg/validating/draft_graph.py).

A row is its subject's N-Triples lines, its source row number left out; a row's table is
its IRI's first path segment after the base (docs/mapping.md). :class:`StoreRows` asks a
store the few questions the draft's scope needs; the sidecar answers the same
questions faster (govkg/validating/draft_sidecar.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govkg.loaders.mapping import SEGMENTS
from govkg.ontology.namespaces import GK, ORG
from govkg.store import oxigraph as oxi

Lines = frozenset[str]  # a row's N-Triples lines
Agencies = dict[str, tuple[str, list[str]]]  # agency IRI -> (government IRI, chain links)
_TABLES = {segment: table for table, segment in SEGMENTS.items()}
_SOURCE_ROW = f"<{GK}sourceRow>"
UNIT_OF, HELD_BY, ON_DATASET = f"{ORG}unitOf", f"{GK}heldBy", f"{GK}onDataset"
IMPLEMENTED_BY, BASE_CODE, INVOLVES = f"{GK}implementedBy", f"{GK}baseCode", f"{GK}involves"
SOURCE, STATED_BY, COUNTERPART = f"{GK}sourceAgency", f"{GK}statedBy", f"{GK}counterpart"
CHUNK = 2000  # terms per VALUES clause
DRAFT_GRAPH = "urn:x-govkg:draft"


def objects(lines: Iterable[str], predicate: str) -> list[str]:
    """The objects of ``predicate`` in a row's lines: IRIs without brackets, literals as
    N-Triples writes them."""
    key = f" <{predicate}> "
    out = []
    for line in lines:
        at = line.find(key)
        if at > 0:
            term = line[at + len(key) : line.rindex(" .")]
            out.append(term[1:-1] if term.startswith("<") else term)
    return out


def _term(value: str) -> str:
    return value if value.startswith('"') else f"<{value}>"


def _chunks(values: Iterable[str]) -> Iterable[str]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield " ".join(_term(v) for v in ordered[start : start + CHUNK])


def row_lines(store: Any, iris: Iterable[str]) -> dict[str, Lines]:
    """The lines of each row among ``iris`` that ``store`` holds (an agency's with its
    chief data officer post's), the source row number left out."""
    wanted = set(iris)
    found: dict[str, set[str]] = {}
    extra = {f"{i}/cdo": i for i in wanted if table_of(i) == "agencies"}
    for values in _chunks(wanted | extra.keys()):
        text = oxi.construct_ntriples(
            store,
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} "
            f"GRAPH ?g {{ ?s ?p ?o }} FILTER (?p != {_SOURCE_ROW}) }}",
        ).decode()
        for line in text.splitlines():
            subject = line[1 : line.index(">")]
            found.setdefault(extra.get(subject, subject), set()).add(line)
    return {iri: frozenset(lines) for iri, lines in found.items() if iri in wanted}


def table_of(iri: str) -> str:
    """The table of a row's IRI (its first path segment after the base)."""
    parts = iri.rsplit("/", 2)
    return _TABLES.get(parts[-2], "") if len(parts) == 3 else ""


class StoreRows:
    """The questions the scope asks of the baseline store."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def subjects(self, predicate: str, values: Iterable[str]) -> dict[str, list[str]]:
        """Each subject with ``predicate`` to one of ``values``, with those values."""
        out: dict[str, list[str]] = {}
        for chunk in _chunks(values):
            for row in oxi.select(
                self.store,
                f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {chunk} }} ?s <{predicate}> ?o }}",
            ):
                o = row["o"]
                value = o.value if oxi.is_iri(o) else f'"{o.value}"'
                out.setdefault(row["s"].value, []).append(value)
        return out

    def agencies(self) -> Agencies:
        """Every agency: its government's IRI and its parent and hosted_in links."""
        out: Agencies = {}
        query = f"""SELECT ?a ?g ?up WHERE {{ ?a <{GK}government> ?g
            OPTIONAL {{ ?a <{GK}administeredBy>|<{GK}hostedIn> ?up }} }}"""
        for row in oxi.select(self.store, query):
            gov, links = out.setdefault(row["a"].value, (row["g"].value, []))
            if row["up"] is not None:
                links.append(row["up"].value)
        return out

    def functions(self) -> set[str]:
        query = f"SELECT ?f WHERE {{ ?f a <{GK}Function> }}"
        return {row["f"].value for row in oxi.select(self.store, query)}

    def rows(self, iris: Iterable[str]) -> dict[str, Lines]:
        return row_lines(self.store, iris)

    def unit_agencies(self, units: Iterable[str]) -> dict[str, str]:
        """The agency of each of ``units``."""
        out: dict[str, str] = {}
        for values in _chunks(units):
            for row in oxi.select(
                self.store,
                f"SELECT ?u ?a WHERE {{ VALUES ?u {{ {values} }} ?u <{UNIT_OF}> ?a }}",
            ):
                out[row["u"].value] = row["a"].value
        return out
