"""Time each rule R1-R15 alone, with either engine (not a test).

    python bench/rules_bench.py WORKBOOK [--engine default|pyshacl] [--rules R1,R10]
                                [--timeout 120] [--shapes rules.ttl]

Each rule runs in a child process with a shapes graph in which only its shape keeps its
targets (the data is read and mapped once per child, outside the timing). Prints one line
per rule: seconds (or "timeout") and the number of findings.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BASE = "https://id.govkg.org/"


def one(workbook: Path, rule: str, engine: str, shapes: Path | None) -> dict:
    from govkg.shapes.engine.shapes_model import ShapesGraph
    from govkg.shapes.engine.sparql_engine import validate
    from govkg.shapes.findings import RuleBook, findings_from_results, rules_ttl

    from govkg.store import oxigraph as oxi
    from govkg.validating.sources import memory_store, read_sources

    text = shapes.read_text(encoding="utf-8") if shapes else rules_ttl()
    book = RuleBook(ShapesGraph.parse(text))
    sg = book.only([rule])
    workbooks, rdf = read_sources([workbook])
    store = memory_store(workbooks, rdf, BASE)
    started = time.perf_counter()
    report = validate(store, sg, engine=engine)
    seconds = time.perf_counter() - started
    findings = [f for f in findings_from_results(report.results, store, book) if f.rule == rule]
    del oxi
    return {"rule": rule, "seconds": round(seconds, 3), "findings": len(findings)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--engine", default="default")
    parser.add_argument("--rules", default=",".join(f"R{i}" for i in range(1, 16)))
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--shapes", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(one(args.workbook, args.child, args.engine, args.shapes)))
        return 0
    total = 0.0
    for rule in args.rules.split(","):
        cmd = [sys.executable, __file__, str(args.workbook), "--engine", args.engine,
               "--child", rule]  # fmt: skip
        if args.shapes:
            cmd += ["--shapes", str(args.shapes)]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"{rule}\ttimeout (>{args.timeout:g} s)", flush=True)
            total += args.timeout
            continue
        if out.returncode:
            print(f"{rule}\terror: {out.stderr.strip().splitlines()[-1:]}", flush=True)
            continue
        row = json.loads(out.stdout.strip().splitlines()[-1])
        total += row["seconds"]
        print(f"{rule}\t{row['seconds']:.2f} s\t{row['findings']} findings", flush=True)
    print(f"total\t{total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
