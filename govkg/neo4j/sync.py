"""``govkg neo4j push`` and ``pull``: the store's graph into Neo4j and back.

A push writes the union of the store's graphs (docs/neo4j.md) in batches of ``UNWIND``
… ``MERGE``, each one auto-commit query that can run again. Every node and relationship
it writes carries ``_stamp``, a token of its own; what carries another stamp afterwards
is stale and deleted, so a push leaves exactly the graph pushed. A push cut short leaves
a mixture that the next push repairs.
"""

from __future__ import annotations

import gc
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from govkg.neo4j.client import Connection, quote_name
from govkg.neo4j.mapping import (
    NAMESPACE_LABEL,
    RESOURCE,
    STAMP,
    URI,
    Namespaces,
    PropertyGraph,
    node_triples,
    property_graph,
    relationship_triple,
)
from govkg.neo4j.node_writes import NodeWrites
from govkg.neo4j.row_writer import RowWriter
from govkg.store import oxigraph as oxi

BATCH = 1000
DELETE_BATCH = 10_000
# a row of a relationship write: a target and at most this many sources (a FalkorDB
# message, under 30 KB, holds whole rows)
SOURCES_PER_ROW = 100


@dataclass
class PushReport:
    triples: int
    nodes: int
    relationships: int
    deleted_nodes: int
    deleted_relationships: int
    seconds: float


def read_namespaces(conn: Connection) -> dict[str, str]:
    rows = conn.read(
        f"MATCH (n:{NAMESPACE_LABEL}) RETURN n.prefix AS prefix, n.namespace AS namespace"
    )
    return {row["prefix"]: row["namespace"] for row in rows}


def store_graph(store: Any, ns: Namespaces) -> PropertyGraph:
    """The property graph of the union of a store's graphs."""
    return property_graph(oxi.union_quads(store), ns)


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """A push makes millions of objects (nodes' properties, rows, messages) and no
    cycles; Python's cycle collector, passing over them again and again, took ~15 % of
    its CPU. What cycles the driver makes meanwhile are collected afterwards."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@_cycle_collector_paused()
def push(
    store: Any,
    conn: Connection,
    *,
    batch: int = BATCH,
    on_progress: Callable[[int, str, int], None] | None = None,
) -> PushReport:
    """Make the database's ``Resource`` graph the store's graph; ``on_progress`` is told
    (rows written, stage, rows in all) after every batch."""
    started = time.perf_counter()
    ns = Namespaces(read_namespaces(conn))
    graph = store_graph(store, ns)
    total = len(graph.nodes) + graph.relationship_count()

    def report(count: int, stage: str) -> None:
        if on_progress is not None:
            on_progress(count, stage, total)

    # a token per push, not a digest of the triples (the digest took 40 % of the mapping)
    stamp = secrets.token_hex(8)
    # the nodes already there, with their labels and ids: each node is written and found
    # by its id (a seek), not through the uri index (docs/benchmarks.md#neo4j)
    known = {uri: (node, labels) for node, uri, labels in conn.nodes_of(RESOURCE, URI)}
    ids = {uri: node for uri, (node, _labels) in known.items()}
    with conn.writes() as writes:
        report(0, "nodes")
        nodes = NodeWrites(writes, known, stamp, batch, report)
        no_labels: tuple[str, ...] = ()
        for uri, props in graph.nodes.items():
            nodes.add(uri, graph.labels.get(uri, no_labels), props)
        nodes.flush()
    ids.update(nodes.created())
    # what rules and the next push look nodes up by; into an empty database it is built
    # once over the nodes (not node by node), in the background while the relationships
    # are written (they find their ends by id)
    conn.create_indexes(RESOURCE, URI, wait=False)
    with conn.writes() as writes:
        report(0, "relationships")
        # into an empty database every relationship is new (the pairs of a type are
        # distinct): CREATE, not MERGE
        _write_relationships(writes, graph, ids, stamp, batch, report, create=not known)
    conn.await_indexes()
    report(0, "stale")
    deleted_rels = deleted_nodes = 0
    if known:  # else every Resource node and relationship was written by this push
        deleted_rels, deleted_nodes = _delete_all_stale(conn, graph, stamp)
    _write_namespaces(conn, ns, stamp)
    return PushReport(
        graph.triples,
        len(graph.nodes),
        graph.relationship_count(),
        deleted_nodes,
        deleted_rels,
        time.perf_counter() - started,
    )


def _write_relationships(
    writes: RowWriter,
    graph: PropertyGraph,
    ids: dict[str, Any],
    stamp: str,
    batch: int,
    report: Callable[[int, str], None],
    *,
    create: bool,
) -> None:
    """Every relationship, one query per type, grouped by their target: a row is a
    target's id and up to SOURCES_PER_ROW of its sources' ids, so a target (a function,
    an agency, a code like gk:Lead) is sent and found once for many; both ends are
    found by id. With ``create`` none is there yet: each is CREATEd, else MERGEd."""
    node_id = writes.node_id
    for kind in sorted(graph.relationships):
        write = f"MERGE (a)-[x:{quote_name(kind)}]->(b) SET x.{STAMP} = $stamp"
        if create:
            write = f"CREATE (a)-[x:{quote_name(kind)} {{{STAMP}: $stamp}}]->(b)"
        # the ids as plain variables: FalkorDB seeks by id(n) = a variable, but scans
        # for id(n) = r[0]
        query = (
            f"UNWIND $rows AS r WITH r[0] AS t, r[1] AS ss MATCH (b) WHERE {node_id}(b) = t "
            f"UNWIND ss AS s MATCH (a) WHERE {node_id}(a) = s {write}"
        )
        sources: dict[Any, list[Any]] = defaultdict(list)
        for source, target in graph.relationships[kind]:
            sources[ids[target]].append(ids[source])
        rows = [
            [target, group[start : start + SOURCES_PER_ROW]]
            for target, group in sources.items()
            for start in range(0, len(group), SOURCES_PER_ROW)
        ]
        for part in _batches(rows, batch):
            writes.rows(query, part, {"stamp": stamp})
            report(sum(len(row[1]) for row in part), "relationships")


def _delete_all_stale(conn: Connection, graph: PropertyGraph, stamp: str) -> tuple[int, int]:
    """Relationships, then nodes, whose stamp is not this push's: (relationships, nodes).
    Each scan is skipped when the server's count (kept by both servers, not counted
    anew) shows there is nothing stale: every relationship and node pushed is there
    once, so as many in the database as pushed means no other."""
    deleted_rels = deleted_nodes = 0
    everything = conn.read("MATCH ()-[x]->() RETURN count(x) AS n")[0]["n"]
    if everything != graph.relationship_count():
        deleted_rels = _delete_stale(
            conn,
            f"MATCH (:{RESOURCE})-[x]->(:{RESOURCE}) "
            f"WHERE x.{STAMP} IS NULL OR x.{STAMP} <> $stamp "
            f"WITH x LIMIT {DELETE_BATCH} DELETE x RETURN count(*) AS n",
            stamp,
        )
    resources = conn.read(f"MATCH (n:{RESOURCE}) RETURN count(n) AS n")[0]["n"]
    if resources != len(graph.nodes):
        deleted_nodes = _delete_stale(
            conn,
            f"MATCH (n:{RESOURCE}) WHERE n.{STAMP} IS NULL OR n.{STAMP} <> $stamp "
            f"WITH n LIMIT {DELETE_BATCH} DETACH DELETE n RETURN count(*) AS n",
            stamp,
        )
    return deleted_rels, deleted_nodes


def _delete_stale(conn: Connection, query: str, stamp: str) -> int:
    total = 0
    while True:
        rows = conn.read(query, {"stamp": stamp})
        count = rows[0]["n"] if rows else 0
        total += count
        if count < DELETE_BATCH:
            return total


def _write_namespaces(conn: Connection, ns: Namespaces, stamp: str) -> None:
    rows = [{"prefix": p, "namespace": n} for p, n in sorted(ns.extra().items())]
    if rows:
        conn.run(
            f"UNWIND $rows AS r MERGE (n:{NAMESPACE_LABEL} {{prefix: r.prefix}}) "
            f"SET n.namespace = r.namespace, n.{STAMP} = $stamp",
            {"rows": rows, "stamp": stamp},
        )
    conn.run(f"MATCH (n:{NAMESPACE_LABEL}) WHERE n.{STAMP} <> $stamp DELETE n", {"stamp": stamp})


def pull(conn: Connection) -> Iterator[tuple[Any, Any, Any]]:
    """The triples of the database's ``Resource`` graph."""
    ns = Namespaces(read_namespaces(conn))
    for row in conn.read(
        f"MATCH (n:{RESOURCE}) RETURN n.{URI} AS uri, labels(n) AS labels, properties(n) AS props"
    ):
        yield from node_triples(row["uri"], row["labels"], row["props"], ns)
    for row in conn.read(
        f"MATCH (a:{RESOURCE})-[x]->(b:{RESOURCE}) RETURN a.{URI} AS s, type(x) AS t, b.{URI} AS o"
    ):
        yield relationship_triple(row["s"], row["t"], row["o"], ns)


def write_ntriples(triples: Iterator[tuple[Any, Any, Any]], out: Any) -> int:
    """Write triples as N-Triples to a binary stream; their number."""
    count = 0
    for s, p, o in triples:
        out.write(f"{s} {p} {o} .\n".encode())
        count += 1
    return count
