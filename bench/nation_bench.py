"""A nation benchmark (not a test): provinces side by side in one workbook, validated
government by government (``govkg validate DIR --by-government``).

    python bench/nation_bench.py make /tmp/nation-3 --provinces 3 [--agencies 5000]
    python bench/nation_bench.py run /tmp/nation-1 /tmp/nation-2 /tmp/nation-3

``make`` writes ``--provinces`` generated provinces into one CSV folder: province k has
the k-th two-digit code of PROVINCE_CODES (so every id but the catalogue's differs) and
seed k; the shared function catalogue is written once (issue 12: the same ids from
several sources are refused, so a nation is one workbook, not one per province).
``run`` validates each folder in a child process under GNU ``time -v`` (found on PATH) and prints
wall, CPU, the phases (pass, parts, report: sampled every 0.5 s), peak RSS (of the
largest process, of govkg's own process, and of all of them summed: resident, an upper
bound, and proportional, what they hold together) and load average as
JSON lines; every rule runs (``--without-r16`` leaves R16 out). Data is large: keep it under /tmp
and delete it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from govkg.loaders.contract import TABLES

from govkg.synthetic import generate_workbook

# run as a script (python bench/x.py), bench/ is on the path, not the repository
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.processes import session_processes  # noqa: E402

# the provinces' division codes (GB/T 2260), 31 of them
PROVINCE_CODES = [
    "11",
    "12",
    "13",
    "14",
    "15",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "34",
    "35",
    "36",
    "37",
    "41",
    "42",
    "43",
    "44",
    "45",
    "46",
    "50",
    "51",
    "52",
    "53",
    "54",
    "61",
    "62",
    "63",
    "64",
    "65",
]

PSS_EVERY = 20  # samples (of 0.5 s) between two readings of the proportional memory


def make(out: Path, provinces: int, agencies: int) -> dict[str, int]:
    """Write ``provinces`` provinces into the CSV folder ``out``; the row counts."""
    out.mkdir(parents=True, exist_ok=True)
    counts = {t.name: 0 for t in TABLES}
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        for k in range(provinces):
            one = Path(scratch) / f"p{k}"
            made = generate_workbook(one, agencies=agencies, seed=k, province=PROVINCE_CODES[k])
            for table in TABLES:
                if k > 0 and table.name == "functions":
                    continue  # the catalogue is shared: written once
                counts[table.name] += made[table.name]
                with (one / f"{table.name}.csv").open("rb") as part:
                    header = part.readline()
                    with (out / f"{table.name}.csv").open("ab") as whole:
                        if k == 0:
                            whole.write(header)
                        shutil.copyfileobj(part, whole)
            shutil.rmtree(one)
            print(f"province {k + 1}/{provinces} written", file=sys.stderr)
    return counts


def run(folder: Path, extra: list[str]) -> dict:
    """``govkg validate folder`` under GNU time -v (on PATH); the whole tree's memory
    sampled, and the phases seen in it: the pass (govkg and its reader), the parts (its
    worker processes), the report (govkg alone again)."""
    rows = sum(sum(1 for _ in p.open("rb")) - 1 for p in folder.glob("*.csv"))  # no headers
    govkg = Path(sys.executable).parent / "govkg"
    command = [str(govkg), "validate", str(folder), "--format", "json", "-o", os.devnull]
    load_before = os.getloadavg()
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            ["time", "-v", *command, *extra], stderr=err, start_new_session=True
        )
        peak_tree = peak_pss = peak_parent = 0
        parts: list[float] = []  # when the workers were seen
        sampled = 0
        while child.poll() is None:
            # the proportional memory (pmap) every PSS_EVERY samples only: taken every
            # 0.5 s it took ~10 % of the parts' wall (docs/benchmarks.md, fifth pass)
            processes = session_processes(child.pid, proportional=sampled % PSS_EVERY == 0)
            sampled += 1
            peak_tree = max(peak_tree, sum(rss for _, rss, _ in processes.values()))
            peak_pss = max(peak_pss, sum(pss for _, _, pss in processes.values()))
            parent = [rss for up, rss, _ in processes.values() if up == child.pid]  # govkg
            peak_parent = max([peak_parent, *parent])
            if len(processes) > 3:  # time, govkg and workers (the pass: govkg's reader)
                parts.append(time.perf_counter() - started)
            time.sleep(0.5)
        wall = time.perf_counter() - started
        err.seek(0)
        report = err.read()

    def measured(name: str) -> float:
        found = re.search(rf"{re.escape(name)}: ([0-9.:]+)", report)
        return float(found.group(1)) if found else float("nan")

    return {
        "folder": str(folder),
        "options": extra,
        "rows": rows,
        "status": child.returncode,
        "wall_s": round(wall, 1),
        "cpu_s": round(measured("User time (seconds)") + measured("System time (seconds)"), 1),
        "pass_s": round(parts[0], 1) if parts else None,
        "parts_s": round(parts[-1] - parts[0], 1) if parts else None,
        "report_s": round(wall - parts[-1], 1) if parts else None,
        "peak_rss_gb": round(measured("Maximum resident set size (kbytes)") / 2**20, 2),
        "peak_parent_gb": round(peak_parent / 2**30, 2),
        "peak_tree_gb": round(peak_tree / 2**30, 2),
        "peak_tree_pss_gb": round(peak_pss / 2**30, 2),
        "rows_per_s": round(rows / wall),
        "load_before": [round(x, 1) for x in load_before],
        "load_after": [round(x, 1) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    maker = commands.add_parser("make")
    maker.add_argument("out", type=Path)
    maker.add_argument("--provinces", type=int, required=True)
    maker.add_argument("--agencies", type=int, default=5000, help="per province")
    runner = commands.add_parser("run")
    runner.add_argument("folders", type=Path, nargs="+")
    runner.add_argument("--whole", action="store_true", help="the default path, not by government")
    runner.add_argument(
        "--without-r16",
        action="store_true",
        help="every rule but R16 (the generator's templated duty texts make ~170k R16"
        " findings a province)",
    )
    args = parser.parse_args(argv)
    if args.command == "make":
        started = time.perf_counter()
        counts = make(args.out, args.provinces, args.agencies)
        took = time.perf_counter() - started
        print(json.dumps({"rows": sum(counts.values()), **counts, "seconds": round(took, 1)}))
        return 0
    for folder in args.folders:
        extra = [] if args.whole else ["--by-government"]
        if args.without_r16:
            extra += ["--rule", *(f"R{n}" for n in range(1, 18) if n != 16)]
        print(json.dumps(run(folder, extra)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
