"""The findings of a store's data: computed when a generation is written, read back later.

The store's writer (govkg/store/__init__.py) knows nothing of rules: the loading layer hands it a
:class:`FindingsWriter`, which validates the new generation before ``current`` switches
to it and adds the findings graph (shapes/findings_rdf.py). So a generation and its
findings are always consistent, and a kill at any point leaves the store as it was.

The validator runs several times faster on an in-memory store than on RocksDB
(docs/benchmarks.md#findings-stored-at-load-time), so it validates a
copy holding only the quads the rules can see (shapes/footprint.py) — never the findings
graph itself — unless that copy would exceed :data:`MEMORY_COPY_QUADS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.shapes.findings import Finding, RuleBook
from govkg.shapes.findings_rdf import (
    GraphInfo,
    findings_data,
    findings_graph,
    graph_info,
    read_findings,
    read_scoped_findings,
    rules_digest,
)
from govkg.shapes.findings_scope import Scope, finding_scopes
from govkg.shapes.footprint import visible_predicates

from govkg.store import oxigraph as oxi

# The in-memory copy and its validation fit a whole province (5,000 agencies with their
# million power items) on a machine that serves one
# (docs/benchmarks.md#findings-stored-at-load-time); larger stores are validated on
# disk: much slower, in bounded memory.
MEMORY_COPY_QUADS = 12_000_000
COPY_GRAPH = "urn:x-govkg:validation-copy"


def validation_copy(
    store: Any, book: RuleBook, base_iri: str, *, limit: int = MEMORY_COPY_QUADS
) -> Any | None:
    """An in-memory store with the triples the rules can see, the findings graph left out;
    None when it would hold more than ``limit`` triples.

    The rules see the union of the graphs, so the copy keeps them in one graph. Each
    predicate is copied by a CONSTRUCT serialized and parsed in Rust, never as Python
    objects. A province's copy and its validation take well under the validation on
    RocksDB alone (docs/benchmarks.md#findings-stored-at-load-time).
    """
    skip = findings_graph(base_iri)
    predicates = visible_predicates(book.sg)
    patterns = ["?p"] if predicates is None else [f"<{p}>" for p in sorted(predicates)]
    copy = oxi.memory_store()
    copied = 0
    for p in patterns:
        data = oxi.construct_ntriples(
            store,
            f"""CONSTRUCT {{ ?s {p} ?o }} WHERE {{ {{ ?s {p} ?o }}
                UNION {{ GRAPH ?g {{ ?s {p} ?o }} FILTER (?g != <{skip}>) }} }}""",
        )
        copied += data.count(b"\n")
        if copied > limit:
            return None
        oxi.bulk_load(copy, data, format="nt", graph=COPY_GRAPH)
    return copy


def compute_findings(
    store: Any, book: RuleBook, base_iri: str, *, limit: int = MEMORY_COPY_QUADS
) -> tuple[list[Finding], Any]:
    """The findings of a store's data (the findings graph plays no part), with the store
    they were computed on (a memory copy, or ``store``) for looking ids up."""
    from govkg.shapes.store_validation import validate_store

    copy = validation_copy(store, book, base_iri, limit=limit)
    data = store if copy is None else copy
    return validate_store(data, book), data


def stored_findings(store: Any, base_iri: str) -> list[Finding] | None:
    """The findings kept in the store, when its findings graph is up to date with the
    rules (same digest of shapes/rules.ttl); else None."""
    info = graph_info(store, base_iri)
    if info is None or info.rules_digest != rules_digest():
        return None
    return read_findings(store, base_iri)


def stored_scoped_findings(store: Any, base_iri: str) -> list[tuple[Finding, Scope]] | None:
    """The findings kept in the store with their agencies and governments, when its
    findings graph is up to date and keeps those (older stores do not); else None."""
    info = graph_info(store, base_iri)
    if info is None or info.rules_digest != rules_digest() or not info.involvement_stored:
        return None
    return read_scoped_findings(store, base_iri)


def findings_of(store: Any, book: RuleBook, base_iri: str) -> list[Finding]:
    """The stored findings when up to date, else computed now."""
    stored = stored_findings(store, base_iri)
    return stored if stored is not None else compute_findings(store, book, base_iri)[0]


def write_findings(
    store: Any,
    book: RuleBook,
    base_iri: str,
    scratch: Path,
    *,
    limit: int = MEMORY_COPY_QUADS,
) -> Written:
    """Validate ``store`` (a generation nobody reads yet) and add its findings graph,
    replacing any there was; the findings with their scopes."""
    graph = findings_graph(base_iri)
    if graph in oxi.named_graphs(store):
        oxi.clear_graph(store, graph)
    found, data = compute_findings(store, book, base_iri, limit=limit)
    scopes = finding_scopes(data, found)
    sources = tuple(sorted(g for g in oxi.named_graphs(store) if g != graph))
    info = GraphInfo(sources, _now(), rules_digest(), len(found), involvement_stored=True)
    _bulk_load(store, data, found, base_iri, info, scratch / "findings.nt", scopes)
    return Written(found, scopes, data)


@dataclass
class Written:
    """What a write of the findings leaves: the findings, their agencies and governments,
    and the store they were computed on (an in-memory copy, or the generation)."""

    findings: list[Finding]
    scopes: list[Scope]
    data: Any


def _bulk_load(
    store: Any,
    data: Any,
    found: Sequence[Finding],
    base_iri: str,
    info: GraphInfo,
    path: Path,
    scopes: Sequence[Scope],
) -> None:
    with path.open("w", encoding="utf-8") as out:
        for chunk in findings_data(data, found, base_iri, info, scopes):
            out.write(chunk)
    oxi.bulk_load(store, path=path, format="nt", graph=findings_graph(base_iri))
    path.unlink()


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FindingsWriter:
    """The hook the loading layer hands the store's writer: called with the new
    generation before the switch, it adds that generation's findings graph."""

    def __init__(self, base_iri: str, scratch: Path, book: RuleBook | None = None) -> None:
        from govkg.shapes.store_validation import rule_book

        self.base_iri = base_iri
        self.scratch = scratch
        self.book = book or rule_book()
        # parsed now, before any frame holds the new generation: rdflib's parser leaves
        # reference cycles that keep its callers' frames (and their stores) alive
        visible_predicates(self.book.sg)
        self.findings: list[Finding] | None = None
        # the last write's findings with their scopes and copy, until a sidecar is made
        # of them (govkg/loading.py)
        self.written: Written | None = None

    @property
    def count(self) -> int | None:
        return None if self.findings is None else len(self.findings)

    def __call__(self, store: Any) -> None:
        self.written = write_findings(store, self.book, self.base_iri, self.scratch)
        self.findings = self.written.findings
