"""Load benchmark: synthetic workbooks of 10k–1M rows through ``govkg load`` (not a test).

    python bench/load_bench.py [--sizes 10000,100000,1000000] [--xlsx 100000] [--work /tmp/x]
                               [--profile 100000]

For each size it writes a CSV workbook with ``govkg.synthetic`` (agencies chosen so the
total row count comes close to the size), runs ``govkg load DIR --store STORE`` in a child
process on a fresh store, and measures the child's wall time and peak RSS (``os.wait4``
gives the rusage of that one child, where ``RUSAGE_CHILDREN`` would be the maximum over
all children so far). Triples are counted afterwards with ``govkg query``. It prints a
markdown table. ``--profile N`` runs the load of size N once more under cProfile and
prints the top functions by cumulative and by own time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from govkg.synthetic import generate_workbook

GOVKG = Path(sys.executable).with_name("govkg")
ROWS_PER_AGENCY = 282.5  # a default synthetic workbook has ~282 rows per agency in all
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Result:
    """One measured load."""

    format: str
    rows: int
    agencies: int
    generate_s: float
    load_s: float
    cpu_s: float
    triples: int
    peak_rss_mb: float
    store_mb: float

    def line(self) -> str:
        return (
            f"| {self.format} | {self.rows:,} | {self.agencies:,} | {self.generate_s:.1f} "
            f"| {self.load_s:.1f} | {self.cpu_s:.1f} | {self.rows / self.load_s:,.0f} "
            f"| {self.triples:,} "
            f"| {self.triples / self.load_s:,.0f} | {self.peak_rss_mb:,.0f} "
            f"| {self.peak_rss_mb * 1024 / self.rows:,.2f} | {self.store_mb:,.0f} |"
        )


HEADER = (
    "| format | rows | agencies | generate s | load s | CPU s | rows/s | triples | triples/s "
    "| peak RSS MB | RSS KB/row | store MB |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def run_child(argv: list[str]) -> tuple[float, float, float, str]:
    """Run a command; its wall time (s), CPU time (s), peak RSS (MB) and stdout."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stderr is not None
    out, err = child.stdout.read(), child.stderr.read()  # small outputs: no deadlock
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({child.returncode}):\n{out}\n{err}")
    cpu = usage.ru_utime + usage.ru_stime
    return took, cpu, usage.ru_maxrss / 1024, out  # ru_maxrss is in KB on Linux


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def measure(size: int, fmt: str, work: Path) -> Result:
    """Generate a workbook of about ``size`` rows, load it, count its triples."""
    agencies = max(1, round(size / ROWS_PER_AGENCY))
    target = work / (f"wb-{size}" + (".xlsx" if fmt == "xlsx" else ""))
    store = work / f"store-{fmt}-{size}"
    started = time.perf_counter()
    counts = generate_workbook(target, agencies=agencies, format=fmt)
    generate_s = time.perf_counter() - started
    load_s, cpu_s, rss, _ = run_child([str(GOVKG), "load", str(target), "--store", str(store)])
    _, _, _, out = run_child([str(GOVKG), "query", COUNT, "--store", str(store), "--format", "csv"])
    triples = int(out.split()[-1])
    rows = sum(counts.values())
    result = Result(fmt, rows, agencies, generate_s, load_s, cpu_s, triples, rss, 0)
    result.store_mb = dir_mb(store)
    shutil.rmtree(store)
    return result


def profile(size: int, work: Path) -> None:
    """Load a workbook of ``size`` rows under cProfile and print where the time goes."""
    target = work / f"wb-{size}"
    if not target.exists():
        generate_workbook(target, agencies=max(1, round(size / ROWS_PER_AGENCY)))
    stats, store = work / "load.prof", work / "store-profile"
    argv = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "govkg.cli"]
    run_child([*argv, "load", str(target), "--store", str(store)])
    shutil.rmtree(store, ignore_errors=True)
    import pstats

    for order in ("cumulative", "tottime"):
        print(f"\n### cProfile, {size:,} rows, by {order}\n```")
        pstats.Stats(str(stats)).sort_stats(order).print_stats(25)
        print("```")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--xlsx", default="100000", help="sizes to run as .xlsx too")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a new /tmp one)")
    parser.add_argument("--profile", type=int, help="also profile the load of this size")
    parser.add_argument("--keep", action="store_true", help="keep the generated workbooks")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="govkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    runs = [(int(s), "csv") for s in args.sizes.split(",") if s]
    runs += [(int(s), "xlsx") for s in args.xlsx.split(",") if s]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, work {work}\n")
    print(HEADER, flush=True)
    for size, fmt in runs:
        print(measure(size, fmt, work).line(), flush=True)
    if args.profile:
        profile(args.profile, work)
    if not args.keep and not args.work:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
