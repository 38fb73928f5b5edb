"""Neo4j benchmark: push rate and the time of each rule in Cypher (not part of the tests).

python bench/neo4j_bench.py --agencies 500 [--power-items N] [--push-only] [--disk]
                            [--prepared] [--uri bolt://... --user U]

Without --uri it starts the local FalkorDB 4.18 Bolt server (govkg.neo4j.falkordb_server). It
generates a workbook (bench/generate.py's generator), maps it to RDF in memory (every
triple: no rule footprint), pushes it twice (into an empty database, then the same graph
again), runs every rule in Cypher and the SHACL engine on the same graph, checks that
both give the same findings, and prints Markdown tables: each push's stages, memory (this
process's peak so far, the local server's resident memory at the end) and the load
average seen every 5 s. ``--disk`` pushes from an on-disk copy of the store (read-only, as the CLI's
push reads its store) instead of the in-memory one; ``--prepared`` first writes the rows a
load prepares (govkg/neo4j/prepared.py; its time printed) and pushes from them, as
`govkg neo4j push` does after `govkg load`. The machine is shared: numbers are
noisy, so each push also gives the CPU seconds of this process and of the local server
(its ``INFO cpu``: bench/processes.py), which the load changes less.
The rules run as ``validate --neo4j`` runs them (once per government where they take
``$government``); R16 is timed on its own.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from govkg.shapes.store_validation import rule_book, validate_store

from govkg.neo4j.client import Connection
from govkg.neo4j.falkordb_server import FalkorServer
from govkg.neo4j.prepared import PreparedCopy, prepared_copy, write_prepared
from govkg.neo4j.rules import rule_results, validate_neo4j
from govkg.neo4j.sync import CONNECTIONS, PushReport, push
from govkg.store import oxigraph as oxi
from govkg.synthetic import generate_workbook
from govkg.validating.sources import memory_store, read_sources

# run as a script (python bench/x.py), bench/ is on the path, not the repository
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.processes import own_cpu_seconds, peak_mb, resident_mb, server_cpu_seconds  # noqa: E402


class LoadSampler(threading.Thread):
    """The 1-minute load average every few seconds, while the benchmark runs."""

    def __init__(self, every: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.every, self.samples, self.done = every, [], threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> str:
        found = self.samples or [os.getloadavg()[0]]
        return f"{min(found):.1f}–{max(found):.1f} (mean {sum(found) / len(found):.1f})"


def cpu_seconds(server: FalkorServer | None = None) -> float:
    """User + system CPU seconds of the local ``server``, or of this process (None)."""
    if server is None:
        return own_cpu_seconds()
    return server_cpu_seconds(server.folder / "redis.sock")


def timed_push(
    store: object,
    conn: Connection,
    batch: int,
    server: FalkorServer | None,
    prepared: PreparedCopy | None = None,
    connections: int | None = None,
) -> tuple[PushReport, dict, float]:
    """A push, the seconds of its stages (``map`` is everything before the first node
    write: the RDF-to-graph mapping, the index, the read of the nodes already there; ``cpu``
    this process's and ``server`` the local server's CPU seconds) and this process's peak
    RSS in MB so far (the workbook's store included)."""
    stages: dict[str, float] = {}
    mark = [time.perf_counter(), "map"]

    def on_progress(_count: int, stage: str, _total: int) -> None:
        if stage != mark[1]:
            now = time.perf_counter()
            stages[mark[1]] = stages.get(mark[1], 0.0) + now - mark[0]
            mark[:] = [now, stage]

    cpu, server_cpu = cpu_seconds(), cpu_seconds(server) if server else 0.0
    report = push(
        store,
        conn,
        batch=batch,
        on_progress=on_progress,
        prepared=prepared,
        connections=connections,
    )
    on_progress(0, "end", 0)
    stages["cpu"] = cpu_seconds() - cpu
    stages["server"] = cpu_seconds(server) - server_cpu if server else float("nan")
    return report, stages, peak_mb()


def on_disk(store: object, folder: Path) -> object:
    """The store copied into an on-disk store in ``folder``, opened read-only (as the
    CLI's push reads its store)."""
    with (folder / "all.nq").open("wb") as out:
        oxi.dump(store, out, format="nq")
    oxi.bulk_load(
        oxi.disk_store(folder / "store"), path=folder / "all.nq", format="nq", trusted=True
    )
    (folder / "all.nq").unlink()
    return oxi.disk_store(folder / "store", read_only=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--power-items", type=int, help="default: 200 per agency")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--governments", type=int, help="default: one per 40 agencies")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--connections",
        type=int,
        choices=(1, 2),
        help="writing on FalkorDB (default: the command's)",
    )
    parser.add_argument("--push-only", action="store_true", help="no rules, no SHACL")
    parser.add_argument(
        "--disk", action="store_true", help="push from an on-disk store, as `govkg neo4j push` does"
    )
    parser.add_argument(
        "--prepared", action="store_true", help="push the rows a load prepares (timed apart)"
    )
    parser.add_argument("--uri", help="a running server (default: start FalkorDB here)")
    parser.add_argument("--user", default="falkordb")
    parser.add_argument("--password-env", default="NEO4J_PASSWORD")
    args = parser.parse_args(argv)

    sampler = LoadSampler()
    sampler.start()
    server = None if args.uri else FalkorServer().start()
    uri = args.uri or server.uri  # type: ignore[union-attr]
    stack = contextlib.ExitStack()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            counts = generate_workbook(
                Path(tmp) / "wb", agencies=args.agencies, seed=args.seed,
                power_items=args.power_items, governments=args.governments,
            )  # fmt: skip
            workbooks, rdf = read_sources([Path(tmp) / "wb"])
            store = memory_store(workbooks, rdf, "https://id.govkg.org/")
            del workbooks
            print(f"workbook: {sum(counts.values()):,} rows, {len(store):,} triples "
                  f"({time.perf_counter() - started:.1f} s to make; this process "
                  f"{resident_mb(os.getpid()):,.0f} MB)", file=sys.stderr, flush=True)  # fmt: skip
        if args.disk:
            store = on_disk(store, Path(stack.enter_context(tempfile.TemporaryDirectory())))
        prepared = None
        if args.prepared:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            t0, cpu = time.perf_counter(), cpu_seconds()
            path = write_prepared(folder, "gen-000001", store)
            print(f"prepared rows: {time.perf_counter() - t0:.2f} s, "
                  f"{cpu_seconds() - cpu:.2f} s CPU, {path.stat().st_size / 1e6:.1f} MB",
                  file=sys.stderr, flush=True)  # fmt: skip
            prepared = prepared_copy(folder, "gen-000001")
        password = os.environ.get(args.password_env, "")
        with Connection(uri, args.user, password) as conn:
            conn.run("MATCH (n) DETACH DELETE n")
            pushes = []
            for name in ("into an empty database", "the same graph again"):
                pushes.append(
                    (name, *timed_push(store, conn, args.batch, server, prepared, args.connections))
                )
                report = pushes[-1][1]
                print(f"push {name}: {report.seconds:.1f} s", file=sys.stderr, flush=True)
            server_mb = resident_mb(server.process.pid) if server and server.process else None
            book = rule_book()
            timings = []
            for rule in [] if args.push_only else book.ordered():
                t0, cpu = time.perf_counter(), cpu_seconds(server) if server else float("nan")
                if rule.id == "R16":
                    rows = len(validate_neo4j(conn, book, [rule.id]))
                else:
                    rows = len(rule_results(conn, book, [rule.id])[0])
                server_cpu = cpu_seconds(server) - cpu if server else float("nan")
                timings.append((rule.id, rows, time.perf_counter() - t0, server_cpu))
            if args.push_only:
                print_pushes(args, server, server_mb, sampler, pushes)
                return 0
            t0 = time.perf_counter()
            on_graph = validate_neo4j(conn, book)
            whole = time.perf_counter() - t0
            print(f"rules in Cypher: {sum(t for _r, _n, t, _c in timings):.1f} s; "
                  f"validate --neo4j {whole:.1f} s", file=sys.stderr, flush=True)  # fmt: skip
        t0 = time.perf_counter()
        with_shacl = validate_store(store, book)
        shacl = time.perf_counter() - t0
    except Exception:
        if server is not None and server.process is not None:  # a crash report, if any
            time.sleep(1)
            print(f"server exit code {server.process.poll()}; its log:\n{server.crash_report}",
                  file=sys.stderr)  # fmt: skip
        raise
    finally:
        stack.close()
        sampler.done.set()
        if server is not None:
            server.stop()
    same = [f.as_dict() for f in on_graph] == [f.as_dict() for f in with_shacl]
    print_pushes(args, server, server_mb, sampler, pushes)
    print()
    print("| rule | rows | seconds | server CPU s |")
    print("|---|---:|---:|---:|")
    for rule_id, rows, seconds, server_cpu in timings:
        print(f"| {rule_id} | {rows:,} | {seconds:.2f} | {server_cpu:.2f} |")
    print(f"| all, with names (validate --neo4j) | {len(on_graph):,} findings | {whole:.2f} |")
    print(f"| SHACL engine on pyoxigraph, same graph | {len(with_shacl):,} findings "
          f"| {shacl:.2f} |")  # fmt: skip
    print()
    print(f"same findings as the SHACL engine: {same}")
    return 0 if same else 1


def print_pushes(
    args: argparse.Namespace,
    server: FalkorServer | None,
    server_mb: float | None,
    sampler: LoadSampler,
    pushes: list,
) -> None:
    first = pushes[0][1]
    name = "FalkorDB 4.18.3 (Bolt), local" if server else args.uri
    print(f"server: {name}; agencies {args.agencies:,}; {first.triples:,} triples "
          f"({'on disk' if args.disk else 'in memory'}"
          f"{', prepared rows' if args.prepared else ''}); "
          f"batch {args.batch}; connections {args.connections or CONNECTIONS}; "
          f"load average {sampler.summary()}")  # fmt: skip
    print()
    print("| push | nodes | relationships | seconds | nodes/s | relationships/s | items/s "
          "| map / nodes / relationships / stale s | CPU s: Python / server "
          "| peak RSS so far |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for label, r, stages, peak in pushes:
        items = r.nodes + r.relationships
        parts = " / ".join(f"{stages.get(s, 0.0):.1f}" for s in ("map", "nodes", "relationships",
                                                                 "stale"))  # fmt: skip
        print(f"| {label} | {r.nodes:,} | {r.relationships:,} | {r.seconds:.1f} | "
              f"{r.nodes / r.seconds:,.0f} | {r.relationships / r.seconds:,.0f} | "
              f"{items / r.seconds:,.0f} | {parts} | {stages['cpu']:.1f} / "
              f"{stages['server']:.1f} | {peak:,.0f} MB |")  # fmt: skip
    if server_mb is not None:
        print(f"\nFalkorDB server RSS at the end: {server_mb:,.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
