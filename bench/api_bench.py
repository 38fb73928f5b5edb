"""Benchmark of the HTTP API with wrk (not part of the test suite).

Starts ``govkg serve`` on a free loopback port over a store, waits until its findings
are computed, then runs wrk (16 connections, 2 threads) against three requests: one
agency lookup, a findings list and the overlap SPARQL query (R2 over the whole store).
Prints throughput and p50/p99 latency per request as a Markdown table, and the time of
the overlap query alone (sequential requests, median and max).

    python bench/api_bench.py --store STORE [--agency ID] [--duration 10]
    python bench/api_bench.py --example            # a fresh store of examples/city.xlsx
    python bench/api_bench.py --agencies 5000      # a synthetic province, generated and loaded

Needs wrk (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# R2 over the whole store: pairs of agencies of one government leading one function
# with no division clause naming both (the lead triples are computed once, then joined).
OVERLAP_QUERY = """SELECT ?f ?a1 ?a2 WHERE {
  { SELECT DISTINCT ?f ?a1 ?g WHERE {
      ?d1 gk:role gk:Lead ; gk:onFunction ?f ; gk:heldBy ?h1 .
      ?h1 org:unitOf? ?a1 . ?a1 a gk:Agency ; gk:government ?g } }
  { SELECT DISTINCT ?f ?a2 ?g WHERE {
      ?d2 gk:role gk:Lead ; gk:onFunction ?f ; gk:heldBy ?h2 .
      ?h2 org:unitOf? ?a2 . ?a2 a gk:Agency ; gk:government ?g } }
  FILTER(STR(?a1) < STR(?a2))
  FILTER NOT EXISTS { ?dv a gk:DivisionClause ; gk:onFunction ?f ; gk:involves ?a1, ?a2 }
}"""
# the same pairs read from the findings graph the load stored (docs/mapping.md), with names
OVERLAP_FINDINGS_QUERY = """SELECT ?f ?a1 ?a2 ?name1 ?name2 WHERE {
  ?x a gk:Finding ; gk:ruleId "R2" ; sh:focusNode ?f ; gk:concerns ?a1, ?a2 .
  FILTER(STR(?a1) < STR(?a2))
  ?a1 skos:prefLabel ?name1 . ?a2 skos:prefLabel ?name2 .
}"""
WRK_MAX_SECONDS = 2.0  # wrk's own timeout: slower requests are timed alone, not with wrk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, timeout: float = 600) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
        return response.read()


def start(store: Path, port: int, timeout: float) -> subprocess.Popen:
    env = {**os.environ, "GOVKG_QUERY_TIMEOUT": str(timeout), "GOVKG_ROW_LIMIT": "1000000"}
    command = [sys.executable, "-m", "govkg.cli", "serve", "--store", str(store)]
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            fetch(f"{base}/", timeout=5)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start") from None
            time.sleep(0.2)
    started = time.monotonic()
    fetch(f"{base}/findings?limit=1")  # waits for the findings of the generation
    print(f"findings ready after {time.monotonic() - started:.1f} s", file=sys.stderr)
    return process


def wrk(url: str, duration: int, connections: int = 16, threads: int = 2) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    return {
        "rps": rate,
        "p50_ms": to_ms(latency["50"]),
        "p99_ms": to_ms(latency["99"]),
        "non2xx": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def to_ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def load_average() -> float:
    return os.getloadavg()[0]


def prepare_store(args: argparse.Namespace, scratch: Path) -> Path:
    if args.store:
        return args.store
    store = scratch / "store"
    if args.example:
        source = REPO / "examples" / "city.xlsx"
    else:
        source = scratch / "workbook"
        subprocess.run(
            [sys.executable, str(REPO / "bench" / "generate.py"), str(source)]
            + ["--agencies", str(args.agencies), "--power-items", str(args.power_items)],
            check=True,
        )
    subprocess.run(
        [sys.executable, "-m", "govkg.cli", "load", str(source), "--store", str(store)],
        check=True,
    )
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an existing store")
    parser.add_argument("--example", action="store_true", help="the example city")
    parser.add_argument("--agencies", type=int, default=5000, help="synthetic: agencies")
    parser.add_argument("--power-items", type=int, default=1_000_000, help="synthetic: items")
    parser.add_argument("--agency", help="agency id to look up (default: the first)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--label", default="", help="name of the store in the table")
    parser.add_argument(
        "--ready-only", action="store_true", help="only start the server: its ready time"
    )
    args = parser.parse_args(argv)
    if args.ready_only:
        port = free_port()
        started = time.monotonic()
        process = start(prepare_store(args, Path(tempfile.mkdtemp())), port, timeout=60)
        print(f"ready (answers /findings) {time.monotonic() - started:.1f} s after the start; "
              f"load average {load_average():.1f}", file=sys.stderr)  # fmt: skip
        process.terminate()
        process.wait()
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    scratch = Path(tempfile.mkdtemp(prefix="govkg-api-bench-"))
    process = None
    try:
        store = prepare_store(args, scratch)
        port = free_port()
        process = start(store, port, timeout=60)
        base = f"http://127.0.0.1:{port}"
        agency = args.agency
        if agency is None:
            import json

            agency = json.loads(fetch(f"{base}/agencies?limit=1"))["items"][0]["id"]
        overlap = f"{base}/sparql?" + urllib.parse.urlencode({"query": OVERLAP_QUERY})
        stored = f"{base}/sparql?" + urllib.parse.urlencode({"query": OVERLAP_FINDINGS_QUERY})
        medians = {}
        for url, form in ((overlap, "raw data"), (stored, "findings graph")):
            times: list[float] = []
            for _ in range(3):
                started = time.perf_counter()
                rows = fetch(url).count(b'"a1"') - 1
                times.append(time.perf_counter() - started)
            medians[url] = statistics.median(times)
            print(
                f"overlap query alone ({form}): median {medians[url]:.3f} s, "
                f"max {max(times):.3f} s, {rows} rows",
                file=sys.stderr,
            )
        targets = {
            f"GET /agencies/{agency}": f"{base}/agencies/{urllib.parse.quote(agency)}",
            "GET /findings?limit=50": f"{base}/findings?limit=50",
            "GET /overlaps?limit=50": f"{base}/overlaps?limit=50",
            "GET /sparql (overlap query)": overlap,
            "GET /sparql (overlap query, findings graph)": stored,
        }
        print("| store | request | load avg | requests/s | p50 | p99 | non-2xx |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for name, url in targets.items():
            if medians.get(url, 0) > WRK_MAX_SECONDS:
                print(
                    f"| {args.label or store.name} | `{name}` | — | not run with wrk: "
                    f"{medians[url]:.1f} s per query | | | |"
                )
                continue
            fetch(url)  # warm
            before = load_average()
            result = wrk(url, args.duration)
            print(
                f"| {args.label or store.name} | `{name}` | {before:.1f} | {result['rps']:,.0f} "
                f"| {result['p50_ms']:.1f} ms | {result['p99_ms']:.1f} ms "
                f"| {result['non2xx'] + result['timeouts']} |",
                flush=True,
            )
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
