"""Neo4j benchmark: push rate and the time of each rule in Cypher (not part of the tests).

python bench/neo4j_bench.py --agencies 500 [--power-items N] [--uri bolt://... --user U]

Without --uri it starts the local FalkorDB 4.18 Bolt server (govkg.falkordb_server). It
generates a workbook (bench/generate.py's generator), maps it to RDF in memory, pushes it
twice (into an empty database, then the same graph again), runs every rule in Cypher and
the SHACL engine on the same graph, checks that both give the same findings, and prints a
Markdown table. The machine is shared: numbers are noisy.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from govkg.shapes.cypher_rules import query_text, validate_neo4j
from govkg.shapes.validation import memory_store, read_sources, rule_book, validate_store

from govkg.falkordb_server import FalkorServer
from govkg.neo4j_client import Connection
from govkg.neo4j_sync import push
from govkg.synthetic import generate_workbook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--power-items", type=int, help="default: 200 per agency")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--uri", help="a running server (default: start FalkorDB here)")
    parser.add_argument("--user", default="falkordb")
    parser.add_argument("--password-env", default="NEO4J_PASSWORD")
    args = parser.parse_args(argv)

    server = None if args.uri else FalkorServer().start()
    uri = args.uri or server.uri  # type: ignore[union-attr]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            counts = generate_workbook(
                Path(tmp) / "wb", agencies=args.agencies, seed=args.seed,
                power_items=args.power_items,
            )  # fmt: skip
            workbooks, rdf = read_sources([Path(tmp) / "wb"])
            store = memory_store(workbooks, rdf, "https://id.govkg.org/")
            print(f"workbook: {sum(counts.values()):,} rows, {len(store):,} triples "
                  f"({time.perf_counter() - started:.1f} s to make)", file=sys.stderr)  # fmt: skip
        password = os.environ.get(args.password_env, "")
        with Connection(uri, args.user, password) as conn:
            conn.run("MATCH (n) DETACH DELETE n")
            first = push(store, conn, batch=args.batch)
            again = push(store, conn, batch=args.batch)
            book = rule_book()
            timings = []
            for rule in book.ordered():
                t0 = time.perf_counter()
                rows = conn.read(query_text(rule.id))
                timings.append((rule.id, len(rows), time.perf_counter() - t0))
            t0 = time.perf_counter()
            on_graph = validate_neo4j(conn, book)
            whole = time.perf_counter() - t0
            t0 = time.perf_counter()
            with_shacl = validate_store(store, book)
            shacl = time.perf_counter() - t0
            load = os.getloadavg()[0]
    finally:
        if server is not None:
            server.stop()
    same = [f.as_dict() for f in on_graph] == [f.as_dict() for f in with_shacl]
    items = first.nodes + first.relationships
    name = "FalkorDB 4.18.3 (Bolt), local" if server else uri
    print(f"server: {name}; agencies {args.agencies:,}; {first.triples:,} triples; "
          f"load average {load:.1f}")  # fmt: skip
    print()
    print("| push | nodes | relationships | seconds | nodes/s | relationships/s | items/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in (("into an empty database", first), ("the same graph again", again)):
        print(f"| {name} | {r.nodes:,} | {r.relationships:,} | {r.seconds:.1f} | "
              f"{r.nodes / r.seconds:,.0f} | {r.relationships / r.seconds:,.0f} | "
              f"{items / r.seconds:,.0f} |")  # fmt: skip
    print()
    print("| rule | rows | seconds |")
    print("|---|---:|---:|")
    for rule_id, rows, seconds in timings:
        print(f"| {rule_id} | {rows:,} | {seconds:.2f} |")
    print(f"| all, with names (validate --neo4j) | {len(on_graph):,} findings | {whole:.2f} |")
    print(f"| SHACL engine on pyoxigraph, same graph | {len(with_shacl):,} findings "
          f"| {shacl:.2f} |")  # fmt: skip
    print()
    print(f"same findings as the SHACL engine: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
