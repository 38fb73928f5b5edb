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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from govkg.errors import InputError, Problem
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
from govkg.neo4j.prepared import STAMP_CHARACTERS, PreparedCopy
from govkg.neo4j.push_rows import (
    RelationshipPart,
    RowSource,
    cycle_collector_paused,
    push_rows,
)
from govkg.neo4j.row_writer import RowWriter
from govkg.store import oxigraph as oxi

BATCH = 1000
DELETE_BATCH = 10_000
# two connections writing at once crash FalkorDB 4.18 (a race in its Bolt bridge:
# docs/neo4j.md, bench/falkordb_race.py): a push writes on one unless told two
# (--connections 2: a province in 27–30 s against 31–40 s on one)
CONNECTIONS = 1


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


@cycle_collector_paused()
def push(
    store: Any,
    conn: Connection,
    *,
    batch: int = BATCH,
    on_progress: Callable[[int, str, int], None] | None = None,
    prepared: PreparedCopy | None = None,
    connections: int | None = None,
) -> PushReport:
    """Make the database's ``Resource`` graph the store's graph; ``on_progress`` is told
    (rows written, stage, rows in all) after every batch. The rows come from
    ``prepared`` (the copy a load made of the store's generation) when it can be read
    and was shortened as the database's names are; else the store is mapped now.
    ``connections``: how many write on FalkorDB, 1 or 2 (None: CONNECTIONS)."""
    if connections not in (None, 1, 2):
        raise InputError(
            Problem(
                "GOVKG_NEO4J_CONNECTIONS",
                f"写入连接数须为 1 或 2，现为 {connections}",
                f"writing connections must be 1 or 2, not {connections}",
            )
        )
    started = time.perf_counter()
    found = read_namespaces(conn)
    rows: RowSource | None = prepared.open(found) if prepared is not None else None
    if rows is None:
        rows = push_rows(store_graph(store, Namespaces(found)))
    try:
        return _push_rows(rows, conn, batch, connections or CONNECTIONS, on_progress, started)
    finally:
        rows.close()


def _push_rows(
    rows: RowSource,
    conn: Connection,
    batch: int,
    connections: int,
    on_progress: Callable[[int, str, int], None] | None,
    started: float,
) -> PushReport:
    total = rows.nodes + rows.relationship_count

    def report(count: int, stage: str) -> None:
        if on_progress is not None:
            on_progress(count, stage, total)

    # a token per push, not a digest of the triples (the digest took 40 % of the mapping)
    stamp = secrets.token_hex(STAMP_CHARACTERS // 2)
    # the nodes already there, with their labels and ids: each node is written and found
    # by its id (a seek), not through the uri index (docs/benchmarks.md#neo4j)
    known = {uri: (node, labels) for node, uri, labels in conn.nodes_of(RESOURCE, URI)}
    ids: list[Any] = [None] * rows.nodes  # a node's number -> its id
    if known:  # every node there is rewritten: the index is built again after them
        conn.drop_index(RESOURCE, URI)
    with conn.writes(connections=connections) as writes:
        report(0, "nodes")
        nodes = NodeWrites(writes, known, stamp, batch, report, ids)
        first = 0
        for labels, keys, part, sized in rows.node_parts():
            nodes.shape(labels, keys, part, first, sized=sized)
            first += len(part)
        nodes.flush()
        # read (from a prepared copy) while the server writes the last nodes
        relationships = list(rows.relationship_parts())
    if None in ids:
        raise RuntimeError("the server did not return the id of every node created")
    # what rules look nodes up by; built once over the nodes (not node by node, nor
    # updated at each node's rewrite), in the background while the relationships are
    # written (they find their ends by id)
    conn.create_indexes(RESOURCE, URI, wait=False)
    with conn.writes(connections=connections) as writes:
        report(0, "relationships")
        # into an empty database every relationship is new (the pairs of a type are
        # distinct): CREATE, not MERGE
        _write_relationships(writes, relationships, ids, stamp, batch, report, create=not known)
    conn.await_indexes()
    report(0, "stale")
    deleted_rels = deleted_nodes = 0
    if known:  # else every Resource node and relationship was written by this push
        deleted_rels, deleted_nodes = _delete_all_stale(conn, rows, stamp)
    _write_namespaces(conn, Namespaces(rows.extra), stamp)
    return PushReport(
        rows.triples,
        rows.nodes,
        rows.relationship_count,
        deleted_nodes,
        deleted_rels,
        time.perf_counter() - started,
    )


def _write_relationships(
    writes: RowWriter,
    relationships: list[RelationshipPart],
    ids: list[Any],
    stamp: str,
    batch: int,
    report: Callable[[int, str], None],
    *,
    create: bool,
) -> None:
    """Every relationship, one query per type: a row is one end's id and the other
    ends' (push_rows.py: a target and its sources, or a source and its targets), so a
    shared end (a function, an agency, a code like gk:Lead, a finding) is sent and
    found once for many; both ends are found by id. With ``create`` none is there yet:
    each is CREATEd, else MERGEd."""
    node_id = writes.node_id
    # the ids a first push into an empty graph gets are often the numbers themselves
    same = ids == list(range(len(ids)))
    take = ids.__getitem__
    for kind, by_source, kind_rows in relationships:
        write = f"MERGE (a)-[x:{quote_name(kind)}]->(b) SET x.{STAMP} = $stamp"
        if create:
            write = f"CREATE (a)-[x:{quote_name(kind)} {{{STAMP}: $stamp}}]->(b)"
        one, other = ("a", "b") if by_source else ("b", "a")
        # the ids as plain variables: FalkorDB seeks by id(n) = a variable, but scans
        # for id(n) = r[0]
        query = (
            f"UNWIND $rows AS r WITH r[0] AS e, r[1] AS es MATCH ({one}) WHERE "
            f"{node_id}({one}) = e UNWIND es AS o MATCH ({other}) WHERE {node_id}({other}) = o "
            f"{write}"
        )
        for start in range(0, len(kind_rows), batch):
            part = kind_rows[start : start + batch]
            if not same:
                part = [[take(e), list(map(take, es))] for e, es in part]
            writes.rows(query, part, {"stamp": stamp})
            report(sum(len(row[1]) for row in part), "relationships")


def _delete_all_stale(conn: Connection, rows: RowSource, stamp: str) -> tuple[int, int]:
    """Relationships, then nodes, whose stamp is not this push's: (relationships, nodes).
    Each scan is skipped when the server's count (kept by both servers, not counted
    anew) shows there is nothing stale: every relationship and node pushed is there
    once, so as many in the database as pushed means no other."""
    deleted_rels = deleted_nodes = 0
    everything = conn.read("MATCH ()-[x]->() RETURN count(x) AS n")[0]["n"]
    if everything != rows.relationship_count:
        deleted_rels = _delete_stale(
            conn,
            f"MATCH (:{RESOURCE})-[x]->(:{RESOURCE}) "
            f"WHERE x.{STAMP} IS NULL OR x.{STAMP} <> $stamp "
            f"WITH x LIMIT {DELETE_BATCH} DELETE x RETURN count(*) AS n",
            stamp,
        )
    resources = conn.read(f"MATCH (n:{RESOURCE}) RETURN count(n) AS n")[0]["n"]
    if resources != rows.nodes:
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
