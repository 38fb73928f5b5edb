"""What the Neo4j tests share (tests/test_neo4j*.py): stores of sources, graphs read back
as rdflib graphs, the database's graph as comparable text (the server: conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import rdflib

from govkg.neo4j.client import Connection
from govkg.validating.sources import memory_store, read_sources

BASE = "https://id.govkg.org/"


def source_store(*paths: Path) -> object:
    workbooks, rdf = read_sources(list(paths))
    return memory_store(workbooks, rdf, BASE)


def as_rdflib(triples: object) -> rdflib.Graph:
    graph = rdflib.Graph()
    text = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)  # type: ignore[attr-defined]
    graph.parse(data=text, format="nt")
    return graph


def store_rdflib(store: object) -> rdflib.Graph:
    return as_rdflib((q.subject, q.predicate, q.object) for q in store)  # type: ignore[attr-defined]


def snapshot(connection: Connection) -> tuple[list[str], list[str]]:
    """Every node and relationship, without the push's bookkeeping (``_stamp``)."""
    nodes = connection.read(
        "MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY n.uri, n.prefix"
    )
    rels = connection.read(
        "MATCH (a)-[r]->(b) RETURN a.uri AS a, type(r) AS t, b.uri AS b, properties(r) AS p"
    )
    for row in (*nodes, *rels):
        row["p"] = {k: v for k, v in row["p"].items() if not k.startswith("_")}
    return (
        sorted(json.dumps([sorted(r["l"]), r["p"]], sort_keys=True) for r in nodes),
        sorted(json.dumps(r, sort_keys=True) for r in rels),
    )


def findings_json(findings: list) -> list[dict]:
    return [f.as_dict() for f in findings]
