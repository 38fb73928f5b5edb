"""Ways to write a first push into an empty FalkorDB, measured side by side (not tests).

python -m bench.neo4j_push_variants --agencies 100 [--rounds 2] [--variants push,bulk,...]

Starts the local FalkorDB 4.18 Bolt server, generates a workbook, maps it once and writes
it into the emptied database with each variant in turn; prints, for each, the wall
seconds, the CPU seconds of this process and of the server (its ``INFO cpu``: the machine is
shared, and CPU time changes less with the load than wall time) and the server's CPU of
each stage. Variants:

- ``push``: ``govkg.neo4j.sync.push`` as it is (the mapping included);
- ``bulk``: the push's node writes (``UNWIND … CREATE``, by shape) without an index, the index made
  afterwards (waiting until it is OPERATIONAL), relationships grouped by target, CREATE;
- ``bulk_merge``: the same with MERGE for the relationships (as the push does);
- ``bulk_index_first``: the index made before the nodes, CREATE;
- ``int_keys``: every node also gets an integer key ``_k`` (indexed), and relationships
  are rows of two integers matched by it (smaller messages than two IRIs).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from bench.neo4j_bench import cpu_seconds
from govkg.neo4j import sync
from govkg.neo4j.client import Connection, quote_name
from govkg.neo4j.falkordb_server import FalkorServer
from govkg.neo4j.mapping import Namespaces, PropertyGraph
from govkg.neo4j.node_writes import NodeWrites
from govkg.synthetic import generate_workbook
from govkg.validating.sources import memory_store, read_sources

STAMP = "bench"


class Run:
    """One variant's writes, with the server's CPU seconds of each stage."""

    def __init__(self, conn: Connection, graph: PropertyGraph, server: FalkorServer) -> None:
        self.conn, self.graph, self.server = conn, graph, server
        self.stages: dict[str, float] = {}

    def stage(self, name: str, work: Callable[[], None]) -> None:
        before = cpu_seconds(self.server)
        work()
        self.stages[name] = cpu_seconds(self.server) - before

    def index(self, key: str = "uri") -> None:
        self.conn.run(f"CREATE INDEX FOR (n:Resource) ON (n.{key})")
        while any(
            row["status"] != "OPERATIONAL"
            for row in self.conn.read("CALL db.indexes() YIELD status RETURN status")
        ):
            time.sleep(0.05)

    def nodes(self) -> None:
        graph = self.graph
        with self.conn.writes() as writes:
            nodes = NodeWrites(writes, {}, STAMP, 1000, lambda *_: None)
            for uri, props in graph.nodes.items():
                nodes.add(uri, graph.labels.get(uri, ()), props)
            nodes.flush()

    def relationships(self, verb: str) -> None:
        with self.conn.writes() as writes:
            for kind, pairs in sorted(self.graph.relationships.items()):
                query = (
                    "UNWIND $rows AS r MATCH (b:Resource {uri: r[0]}) UNWIND r[1] AS s "
                    f"MATCH (a:Resource {{uri: s}}) {verb} (a)-[x:{quote_name(kind)} "
                    "{_stamp: $stamp}]->(b)"
                )
                sources: dict[str, list[str]] = defaultdict(list)
                for source, target in pairs:
                    sources[target].append(source)
                rows = [
                    [t, g[i : i + 100]] for t, g in sources.items() for i in range(0, len(g), 100)
                ]
                for start in range(0, len(rows), 1000):
                    writes.rows(query, rows[start : start + 1000], {"stamp": STAMP})

    def int_keys(self) -> None:
        graph = self.graph
        key = {uri: number for number, uri in enumerate(graph.nodes)}
        with self.conn.writes() as writes:
            for group, (keys, uris) in node_groups(graph).items():
                labels = "".join(f":{quote_name(label)}" for label in group)
                body = ", ".join(
                    ["uri: r[0]", "_k: r[1]", "_stamp: $stamp"]
                    + [f"{quote_name(k)}: r[{i}]" for i, k in enumerate(keys, 2)]
                )
                query = f"UNWIND $rows AS r CREATE (n:Resource{labels} {{{body}}})"
                for start in range(0, len(uris), 1000):
                    rows = [
                        [u, key[u], *map(graph.nodes[u].get, keys)]
                        for u in uris[start : start + 1000]
                    ]
                    writes.rows(query, rows, {"stamp": STAMP})
        self.stage("index", lambda: self.index("_k"))
        with self.conn.writes() as writes:
            for kind, pairs in sorted(graph.relationships.items()):
                query = (
                    "UNWIND $rows AS r MATCH (a:Resource {_k: r[0]}) MATCH (b:Resource {_k: r[1]}) "
                    f"CREATE (a)-[x:{quote_name(kind)} {{_stamp: $stamp}}]->(b)"
                )
                for start in range(0, len(pairs), 1000):
                    rows = [[key[a], key[b]] for a, b in pairs[start : start + 1000]]
                    writes.rows(query, rows, {"stamp": STAMP})


def node_groups(graph: PropertyGraph) -> dict[tuple[str, ...], tuple[list[str], list[str]]]:
    """The nodes by their labels: (the property keys any of them has, their uris)."""
    uris: dict[tuple[str, ...], list[str]] = defaultdict(list)
    keys: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for uri, props in graph.nodes.items():
        group = graph.labels.get(uri, ())
        uris[group].append(uri)
        keys[group].update(props)
    return {group: (sorted(keys[group]), uris[group]) for group in sorted(uris)}


def variant(name: str, run: Run, store: object) -> None:
    if name == "push":
        run.stage("all", lambda: sync.push(store, run.conn))
    elif name == "int_keys":
        run.stage("all", run.int_keys)
    else:
        if name == "bulk_index_first":
            run.stage("index", run.index)
        run.stage("nodes", run.nodes)
        if name != "bulk_index_first":
            run.stage("index", run.index)
        run.stage(
            "relationships",
            lambda: run.relationships("MERGE" if name == "bulk_merge" else "CREATE"),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variants", default="push,bulk,bulk_merge,bulk_index_first,int_keys")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        generate_workbook(Path(tmp) / "wb", agencies=args.agencies, seed=0)
        workbooks, rdf = read_sources([Path(tmp) / "wb"])
        store = memory_store(workbooks, rdf, "https://id.govkg.org/")
    graph = sync.store_graph(store, Namespaces())
    nodes, relationships = len(graph.nodes), graph.relationship_count()
    print(f"agencies {args.agencies}: {nodes:,} nodes, {relationships:,} relationships")
    print("\n| variant | wall s | CPU s: Python / server | server CPU by stage "
          "| nodes/s of server CPU | load |")  # fmt: skip
    print("|---|---:|---|---|---:|---:|")
    with FalkorServer() as server, Connection(server.uri, "falkordb", "") as conn:
        for _round in range(args.rounds):
            for name in args.variants.split(","):
                conn.run("MATCH (n) DETACH DELETE n")
                for row in conn.read(
                    "CALL db.indexes() YIELD label, properties RETURN label, properties"
                ):
                    for key in row["properties"]:
                        conn.run(f"DROP INDEX ON :{row['label']}({key})")
                run = Run(conn, graph, server)
                wall, python, server_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(server)
                variant(name, run, store)
                wall, python = time.perf_counter() - wall, cpu_seconds() - python
                server_cpu = cpu_seconds(server) - server_cpu
                counts = (
                    conn.read("MATCH (n) RETURN count(n) AS n")[0]["n"],
                    conn.read("MATCH ()-[x]->() RETURN count(x) AS n")[0]["n"],
                )
                assert counts == (nodes, relationships), counts
                stages = ", ".join(f"{k} {v:.2f}" for k, v in run.stages.items())
                rate, load = nodes / server_cpu, os.getloadavg()[0]
                print(f"| {name} | {wall:.2f} | {python:.2f} / {server_cpu:.2f} | {stages} "
                      f"| {rate:,.0f} | {load:.1f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
