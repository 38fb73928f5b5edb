"""Ways to write a first push into an empty FalkorDB, measured side by side (not tests).

python -m bench.neo4j_push_variants --agencies 200 [--rounds 2] [--variants push,stamped,...]
    [--servers "default;DELTA_MAX_PENDING_CHANGES=100000+OMP_THREAD_COUNT=1"]
    [--message-bytes 30000,48000]

Starts the local FalkorDB 4.18 Bolt server, generates a workbook, prepares its push rows
once (govkg/neo4j/push_rows.py, as a load does) and writes them into the emptied
database with each variant in turn; prints, for each, the wall seconds, the CPU seconds
of this process and of the server (its ``INFO cpu``: the machine is shared, and CPU time
changes less with the load than wall time) and the server's CPU of each stage. Variants:

- ``push``: ``govkg.neo4j.sync.push`` as it is, from the prepared rows (read from a file);
- ``stamped``: its writes one stage after the other, the nodes by rows as until the
  sixth pass (``UNWIND $rows AS r CREATE`` by shape with ``_stamp``), the index,
  relationships grouped by target ``CREATE`` with ``_stamp``;
- ``columns``: the same with the nodes by column, as the push writes them now
  (``$c0[i]``: node_writes.new_nodes_query);
- ``columns_both``: the relationships' rows by column too;
- ``bare_relationships``: the same, the relationships without ``_stamp``;
- ``bare``: nodes and relationships without ``_stamp``;
- ``pairs``: relationships as rows of two ids (no grouping by target).

Each round starts a server for each of ``--servers`` (FalkorDB's module settings, 'default'
or 'KEY=VALUE+…') and each limit of ``--message-bytes`` (client.FALKORDB_MESSAGE_BYTES).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.neo4j_bench import cpu_seconds
from govkg.neo4j import client, falkordb_server, sync
from govkg.neo4j.client import Connection, quote_name
from govkg.neo4j.falkordb_server import FalkorServer
from govkg.neo4j.mapping import Namespaces
from govkg.neo4j.node_writes import new_nodes_query
from govkg.neo4j.prepared import prepared_copy, write_prepared
from govkg.neo4j.push_rows import PushRows, push_rows
from govkg.store import oxigraph as oxi
from govkg.synthetic import generate_workbook
from govkg.validating.sources import memory_store, read_sources

STAMP = "bench"


class Run:
    """One variant's writes, with the server's CPU seconds of each stage."""

    def __init__(self, conn: Connection, rows: PushRows, server: FalkorServer) -> None:
        self.conn, self.rows, self.server = conn, rows, server
        self.stages: dict[str, float] = {}
        self.ids: list[Any] = []

    def stage(self, name: str, work: Any) -> None:
        before = cpu_seconds(self.server)
        work()
        self.stages[name] = cpu_seconds(self.server) - before

    def index(self) -> None:
        self.conn.create_indexes("Resource", "uri")

    def nodes(self, stamp: bool) -> None:
        ids: list[Any] = [None] * self.rows.nodes
        first = 0
        with self.conn.writes() as writes:
            for labels, keys, rows in self.rows.shapes:
                body = ", ".join(
                    ["uri: r[0]"]
                    + (["_stamp: $stamp"] if stamp else [])
                    + [f"{quote_name(k)}: r[{i}]" for i, k in enumerate(keys, 1)]
                )
                text = "".join(f":{quote_name(label)}" for label in labels)
                query = (
                    f"UNWIND $rows AS r CREATE (n:Resource{text} {{{body}}}) "
                    "RETURN collect(id(n)) AS ids"
                )
                for start in range(0, len(rows), 1000):
                    at = first + start

                    def took(offset: int, returned: list[Any], at: int = at) -> None:
                        ids[at + offset : at + offset + len(returned)] = returned

                    writes.rows(query, rows[start : start + 1000], {"stamp": STAMP}, took)
                first += len(rows)
        self.ids = ids

    def node_columns(self) -> None:
        """Nodes as the push writes them: by column (node_writes.new_nodes_query)."""
        ids: list[Any] = [None] * self.rows.nodes
        first = 0
        with self.conn.writes() as writes:
            for labels, keys, rows in self.rows.shapes:
                query = new_nodes_query(labels, keys, "id")
                for start in range(0, len(rows), 1000):
                    at = first + start

                    def took(offset: int, returned: list[Any], at: int = at) -> None:
                        ids[at + offset : at + offset + len(returned)] = returned

                    part = rows[start : start + 1000]
                    writes.rows(query, part, {"stamp": STAMP}, took, columns=True)
                first += len(rows)
        self.ids = ids

    def relationships(self, stamp: bool, pairs: bool = False, columns: bool = False) -> None:
        ids = self.ids
        with self.conn.writes() as writes:
            for kind, (by_source, rows) in self.rows.relationships.items():
                props = " {_stamp: $stamp}" if stamp else ""
                # a row's first end is b: the target, or the source when grouped by source
                ends = ("b", "a") if by_source else ("a", "b")
                create = f"CREATE ({ends[0]})-[x:{quote_name(kind)}{props}]->({ends[1]})"
                if columns:
                    query = (
                        "UNWIND range(0, size($c0) - 1) AS i WITH $c0[i] AS t, $c1[i] AS ss "
                        f"MATCH (b) WHERE id(b) = t UNWIND ss AS s MATCH (a) WHERE id(a) = s "
                        f"{create}"
                    )
                    sent = [[ids[t], [ids[s] for s in ss]] for t, ss in rows]
                    for start in range(0, len(sent), 1000):
                        part = sent[start : start + 1000]
                        writes.rows(query, part, {"stamp": STAMP}, columns=True)
                    continue
                if pairs:
                    query = (
                        "UNWIND $rows AS r WITH r[0] AS t, r[1] AS s MATCH (b) WHERE id(b) = t "
                        f"MATCH (a) WHERE id(a) = s {create}"
                    )
                    sent = [[ids[t], ids[s]] for t, ss in rows for s in ss]
                else:
                    query = (
                        "UNWIND $rows AS r WITH r[0] AS t, r[1] AS ss MATCH (b) WHERE id(b) = t "
                        f"UNWIND ss AS s MATCH (a) WHERE id(a) = s {create}"
                    )
                    sent = [[ids[t], [ids[s] for s in ss]] for t, ss in rows]
                for start in range(0, len(sent), 1000):
                    writes.rows(query, sent[start : start + 1000], {"stamp": STAMP})


def variant(name: str, run: Run, prepared: Any) -> None:
    if name == "push":
        run.stage("all", lambda: sync.push(oxi.memory_store(), run.conn, prepared=prepared))
        return
    if name.startswith("columns"):
        run.stage("nodes", run.node_columns)
    else:
        run.stage("nodes", lambda: run.nodes(stamp=name != "bare"))
    run.stage("index", run.index)
    run.stage(
        "relationships",
        lambda: run.relationships(
            stamp=name in ("stamped", "pairs", "columns", "columns_both"),
            pairs=name == "pairs",
            columns=name == "columns_both",
        ),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variants", default="push,stamped,bare_relationships,bare,pairs")
    parser.add_argument(
        "--servers",
        default="default",
        help="server settings to compare, ';'-separated, each 'default' or "
        "'KEY=VALUE+…' (FalkorDB's module settings)",
    )
    parser.add_argument(
        "--message-bytes",
        default=str(client.FALKORDB_MESSAGE_BYTES),
        help="FalkorDB's message limits to compare, ','-separated",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        compare(args, Path(tmp))
    return 0


def compare(args: argparse.Namespace, folder: Path) -> None:
    """The workbook made and prepared in ``folder``, then every round's variants."""
    generate_workbook(folder / "wb", agencies=args.agencies, seed=0)
    workbooks, rdf = read_sources([folder / "wb"])
    store = memory_store(workbooks, rdf, "https://id.govkg.org/")
    write_prepared(folder, "gen-000001", store)
    prepared = prepared_copy(folder, "gen-000001")
    rows = push_rows(sync.store_graph(store, Namespaces()))
    nodes, relationships = rows.nodes, rows.relationship_count
    print(f"agencies {args.agencies}: {nodes:,} nodes, {relationships:,} relationships")
    print("\n| variant | wall s | CPU s: Python / server | server CPU by stage "
          "| nodes/s of server CPU | load |")  # fmt: skip
    print("|---|---:|---|---|---:|---:|")
    for _round in range(args.rounds):
        for server_spec, limit in itertools.product(
            args.servers.split(";"), map(int, args.message_bytes.split(","))
        ):
            client.FALKORDB_MESSAGE_BYTES = limit
            with server_of(server_spec) as server, Connection(server.uri, "falkordb", "") as conn:
                measure(args, f"{server_spec} {limit}", conn, server, rows, prepared)


def server_of(spec: str) -> FalkorServer:
    """A server launched with the module settings ``spec`` names (see --servers)."""
    if spec == "default":
        return FalkorServer()
    settings = dict(item.split("=", 1) for item in spec.split("+"))
    return FalkorServer(settings=falkordb_server.SETTINGS | settings)


def measure(
    args: argparse.Namespace,
    spec: str,
    conn: Connection,
    server: FalkorServer,
    rows: PushRows,
    prepared: Any,
) -> None:
    """Each variant into the emptied database of ``server``, one table row each."""
    nodes, relationships = rows.nodes, rows.relationship_count
    for name in args.variants.split(","):
        conn.run("MATCH (n) DETACH DELETE n")
        for row in conn.read("CALL db.indexes() YIELD label, properties RETURN label, properties"):
            for key in row["properties"]:
                conn.run(f"DROP INDEX ON :{row['label']}({key})")
        run = Run(conn, rows, server)
        wall, python, server_cpu = time.perf_counter(), cpu_seconds(), cpu_seconds(server)
        variant(name, run, prepared)
        wall, python = time.perf_counter() - wall, cpu_seconds() - python
        server_cpu = cpu_seconds(server) - server_cpu
        counts = (
            conn.read("MATCH (n) RETURN count(n) AS n")[0]["n"],
            conn.read("MATCH ()-[x]->() RETURN count(x) AS n")[0]["n"],
        )
        assert counts == (nodes, relationships), counts
        stages = ", ".join(f"{k} {v:.2f}" for k, v in run.stages.items())
        rate, load = nodes / server_cpu, os.getloadavg()[0]
        print(f"| {name} {spec} | {wall:.2f} | {python:.2f} / {server_cpu:.2f} | {stages} "
              f"| {rate:,.0f} | {load:.1f} |",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
