"""``govkg neo4j push`` and ``pull``: the store's graph into Neo4j and back.

A push writes the union of the store's graphs (docs/neo4j.md) in batches of ``UNWIND``
… ``MERGE``, each one auto-commit query that can run again. Every node and relationship
it writes carries ``_stamp``, a token of its own; what carries another stamp afterwards
is stale and deleted, so a push leaves exactly the graph pushed. A push cut short leaves
a mixture that the next push repairs.
"""

from __future__ import annotations

import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from govkg.neo4j.client import Connection, RowWriter, quote_name
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
    return property_graph(oxi.union_triples(store), ns)


def _batches(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


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
    # new nodes are CREATEd: on FalkorDB, MERGE of nodes made earlier in the same batch
    # costs far more than a CREATE (docs/benchmarks.md#neo4j); known ones are matched by
    # the index and overwritten
    known = {
        row["uri"]: row["labels"]
        for row in conn.read(f"MATCH (n:{RESOURCE}) RETURN n.{URI} AS uri, labels(n) AS labels")
    }
    if known:  # the updates find their nodes through the index
        conn.create_indexes(RESOURCE, URI)
    with conn.writes() as writes:
        report(0, "nodes")
        _write_nodes(writes, graph, known, stamp, batch, report)
    # into an empty database: the index is built once over the nodes, not node by node,
    # and every relationship is new (the pairs of a type are distinct): CREATE, not MERGE
    conn.create_indexes(RESOURCE, URI)
    with conn.writes() as writes:
        report(0, "relationships")
        _write_relationships(writes, graph, stamp, batch, report, create=not known)
    report(0, "stale")
    deleted_rels = deleted_nodes = 0
    if known:  # else every Resource node and relationship was written by this push
        deleted_rels, deleted_nodes = _delete_all_stale(conn, stamp)
    _write_namespaces(conn, ns, stamp)
    return PushReport(
        graph.triples,
        len(graph.nodes),
        graph.relationship_count(),
        deleted_nodes,
        deleted_rels,
        time.perf_counter() - started,
    )


def _write_nodes(
    writes: RowWriter,
    graph: PropertyGraph,
    known: dict[str, list[str]],
    stamp: str,
    batch: int,
    report: Callable[[int, str], None],
) -> None:
    """Every node, one query per set of labels; a node already there (``known``, with its
    labels) is overwritten and loses the labels it no longer has."""
    gone: dict[str, list[list[str]]] = {}  # label -> rows [uri] of nodes losing it
    for group, (keys, uris) in graph.node_groups().items():
        set_labels = "".join(f":{quote_name(label)}" for label in group)
        # the keys go in the text, the rows are lists: no key is sent once per node
        body = ", ".join(
            [f"{URI}: r[0]", f"{STAMP}: $stamp"]
            + [f"{quote_name(key)}: r[{i}]" for i, key in enumerate(keys, 1)]
        )
        create = f"UNWIND $rows AS r CREATE (n:{RESOURCE}{set_labels} {{{body}}})"
        update = f"UNWIND $rows AS r MATCH (n:{RESOURCE} {{{URI}: r[0]}}) SET n = {{{body}}}"
        if set_labels:
            update += f" SET n{set_labels}"
        kept = {RESOURCE, *group}
        for uri in uris:
            for label in known.get(uri, ()):
                if label not in kept:
                    gone.setdefault(label, []).append([uri])
        for query, chosen in (
            (create, [uri for uri in uris if uri not in known]),
            (update, [uri for uri in uris if uri in known]),
        ):
            for part in _batches(chosen, batch):
                writes.rows(query, graph.node_rows(keys, part), {"stamp": stamp})
                report(len(part), "nodes")
    for label, rows in sorted(gone.items()):
        query = f"UNWIND $rows AS r MATCH (n:{RESOURCE} {{{URI}: r[0]}}) "
        query += f"REMOVE n:{quote_name(label)}"
        for part in _batches(rows, batch):
            writes.rows(query, part, {})


def _write_relationships(
    writes: RowWriter,
    graph: PropertyGraph,
    stamp: str,
    batch: int,
    report: Callable[[int, str], None],
    *,
    create: bool,
) -> None:
    """Every relationship, one query per type, grouped by their target: a row is a target
    and up to SOURCES_PER_ROW of its sources, so a target (a function, an agency, a code
    like gk:Lead) is sent and found once for many (both ends through the index). With
    ``create`` none is there yet: each is CREATEd, else MERGEd."""
    for kind in sorted(graph.relationships):
        write = f"MERGE (a)-[x:{quote_name(kind)}]->(b) SET x.{STAMP} = $stamp"
        if create:
            write = f"CREATE (a)-[x:{quote_name(kind)} {{{STAMP}: $stamp}}]->(b)"
        query = (
            f"UNWIND $rows AS r MATCH (b:{RESOURCE} {{{URI}: r[0]}}) "
            f"UNWIND r[1] AS s MATCH (a:{RESOURCE} {{{URI}: s}}) {write}"
        )
        sources: dict[str, list[str]] = defaultdict(list)
        for source, target in graph.relationships[kind]:
            sources[target].append(source)
        rows = [
            [target, group[start : start + SOURCES_PER_ROW]]
            for target, group in sources.items()
            for start in range(0, len(group), SOURCES_PER_ROW)
        ]
        for part in _batches(rows, batch):
            writes.rows(query, part, {"stamp": stamp})
            report(sum(len(row[1]) for row in part), "relationships")


def _delete_all_stale(conn: Connection, stamp: str) -> tuple[int, int]:
    """Relationships, then nodes, whose stamp is not this push's: (relationships, nodes)."""
    deleted_rels = _delete_stale(
        conn,
        f"MATCH (:{RESOURCE})-[x]->(:{RESOURCE}) WHERE x.{STAMP} IS NULL OR x.{STAMP} <> $stamp "
        f"WITH x LIMIT {DELETE_BATCH} DELETE x RETURN count(*) AS n",
        stamp,
    )
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
