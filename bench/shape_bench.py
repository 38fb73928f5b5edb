"""The shape matrix: each rule's time on workbooks of different shapes (not a test).

    python bench/shape_bench.py OUT_DIR [--shapes issue,province,...] [--skip-command]

For each shape a workbook is generated (``govkg.synthetic`` shape knobs) into OUT_DIR;
then each rule is timed alone on the whole workbook in one memory store (the data loaded
once; only that rule's shape keeps its targets), and the whole command
``govkg validate DIR --format json`` is timed in a child process (wall clock and peak
memory). Prints a Markdown table: one row per shape, one column per rule, then rows/s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BASE = "https://id.govkg.org/"
RULES = [f"R{i}" for i in range(1, 16)]
# rows per agency kept near the workbook (78,000 rows / 4,800 agencies) except
# for the province, the generator's default
SMALL = {"units": 2, "power_items": 2, "datasets": 1}
SHAPES: dict[str, dict] = {
    "issue": {"agencies": 4800, "governments": 120, "leads": 1.7, "unit_leads": 0.7, **SMALL},
    "issue-30": {"agencies": 1200, "governments": 30, "leads": 1.7, "unit_leads": 0.7, **SMALL},
    "issue-60": {"agencies": 2400, "governments": 60, "leads": 1.7, "unit_leads": 0.7, **SMALL},
    "own-catalogues": {"agencies": 4800, "governments": 120, "leads": 1.7, "unit_leads": 0.7,
                       "catalogue": "government", **SMALL},
    "many-leads": {"agencies": 2400, "governments": 60, "leads": 4.0, "unit_leads": 0.9,
                   **SMALL},
    "one-government": {"agencies": 1200, "governments": 1, **SMALL},
    "province-1000": {"agencies": 1000},
}  # fmt: skip


def generate(out: Path, shape: str) -> int:
    from govkg.synthetic import generate_workbook

    knobs = dict(SHAPES[shape])
    agencies = knobs.pop("agencies")
    for per_agency in ("units", "power_items", "datasets"):
        if per_agency in knobs:
            knobs[per_agency] *= agencies
    folder = out / shape
    if not folder.exists():
        generate_workbook(folder, agencies=agencies, violations=0.01, **knobs)
    from govkg.loaders.workbook import read_workbook

    return read_workbook(folder).row_count()


def rule_times(folder: Path) -> dict[str, float]:
    from govkg.shapes.engine.sparql_engine import validate
    from govkg.shapes.store_validation import rule_book

    from govkg.validating.sources import memory_store, read_sources

    book = rule_book()
    workbooks, rdf = read_sources([folder])
    store = memory_store(workbooks, rdf, BASE)
    out = {}
    for rule in RULES:
        started = time.perf_counter()
        validate(store, book.only([rule]))
        out[rule] = time.perf_counter() - started
    return out


def command_time(folder: Path, *options: str) -> tuple[float, float]:
    """Wall seconds and peak resident GB (of its largest process) of
    ``govkg validate DIR --format json [options]``."""
    govkg = Path(sys.executable).with_name("govkg")
    started = time.perf_counter()
    done = subprocess.run(
        ["time", "-f", "%M", govkg, "validate", folder, "--format", "json", *options],
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak_kb / 1024 / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--skip-command", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(rule_times(Path(args.child))))
        return 0
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min)", flush=True)
    head = " | ".join(RULES)
    print(f"| shape | rows | {head} | rules s | command s | rows/s | GB | by gov. s | GB |")
    print("|---" * (len(RULES) + 9) + "|", flush=True)
    for shape in args.shapes.split(","):
        rows = generate(args.out, shape)
        folder = args.out / shape
        # each shape's rules in a fresh process: no store or cache carried over
        child = [sys.executable, __file__, str(args.out), "--child", str(folder)]
        times = json.loads(subprocess.run(child, capture_output=True, text=True).stdout)
        cells = " | ".join(f"{times[r]:.2f}" for r in RULES)
        total = sum(times.values())
        if args.skip_command:
            tail = "| | | | |"
        else:
            seconds, gb = command_time(folder)
            parted, parted_gb = command_time(folder, "--by-government")
            tail = f"{seconds:.1f} | {rows / seconds:,.0f} | {gb:.2f} | "
            tail += f"{parted:.1f} | {parted_gb:.2f} |"
        print(f"| {shape} | {rows:,} | {cells} | {total:.2f} | {tail}", flush=True)
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
