"""The draft part of bench/validate_bench.py (not a test): a draft re-mandating one
agency, checked by the workbook fast path (cache cold, then warm), the full comparison,
and against a loaded store (``validate --store S --draft D``: a fresh process, and a warm
server's check). Its children run as ``python bench/validate_bench.py child MODE ...``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

# run as a script (python bench/x.py), bench/ is on the path, not the repository
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measured_children import (  # noqa: E402
    BASE,
    ROOT,
    WORK,
    drop_rules,
    popen_measured,
    run_child,
    workbook,
)

SCRIPT = ROOT / "bench" / "validate_bench.py"


def child_draft(base: Path, draft_dir: Path, mode: str, out: Path) -> None:
    from govkg.validating.draft import validate_draft
    from govkg.validating.report import json_report

    if os.environ.get("BENCH_DROP"):
        drop_rules(os.environ["BENCH_DROP"].split(","))
    t0 = time.perf_counter()
    from govkg.settings import Settings

    cache = Settings.from_env().findings_cache
    outcome = validate_draft(
        [base], draft_dir, base_iri=BASE, cache_dir=cache, _fast=mode != "full"
    )
    out.write_text(json_report(outcome.findings), encoding="utf-8")
    print(json.dumps({"inner": time.perf_counter() - t0, "findings": len(outcome.findings)}))


def child_store_warm(store: Path, draft_dir: Path, out: Path) -> None:
    """The draft against a store as a running server checks it: the store open and its
    generation's sidecar opened once (written first when missing: a store loaded before
    sidecars existed), a first check, then the draft checked again, timed alone."""
    from govkg.loaders.workbook import read_workbook
    from govkg.shapes.store_validation import rule_book

    from govkg.store import GraphStore
    from govkg.validating.draft_store import check_draft_on_store, sidecar_baseline

    started = time.perf_counter()
    generation, data = GraphStore(store).open_generation()
    baseline = sidecar_baseline(data, store, generation, BASE, rule_book())
    opened = time.perf_counter() - started
    check_draft_on_store(data, read_workbook(draft_dir), BASE, baseline=baseline)
    first = time.perf_counter() - started
    wall, cpu = time.perf_counter(), time.process_time()
    found = check_draft_on_store(data, read_workbook(draft_dir), BASE, baseline=baseline)
    checked = {"warm_wall": time.perf_counter() - wall, "warm_cpu": time.process_time() - cpu}
    wall = time.perf_counter()
    with out.open("w", encoding="utf-8") as report:  # what --format json adds
        report.writelines(found.json_chunks())
    checked["json_wall"] = time.perf_counter() - wall
    print(json.dumps({"opened": opened, "first": first, **checked,
                      "sidecar": baseline.sidecar is not None}))  # fmt: skip


def child_store_split(store: Path, draft_dir: Path, out: Path) -> None:
    """What a cold ``validate --store S --draft D --format json -o F`` spends before its
    report and on it (the command's own steps, timed apart, in a fresh process)."""
    from govkg.validating.draft_store import draft_report_in_store

    started = time.perf_counter()
    found = draft_report_in_store(store, draft_dir, base_iri=BASE)
    before = time.perf_counter() - started
    with out.open("w", encoding="utf-8") as report:
        report.writelines(found.json_chunks())
    print(json.dumps({"before_report": before, "report": time.perf_counter() - started - before}))


def loaded_store(wb: Path, agencies: int, timeout: float) -> Path:
    """The store of the workbook, loaded once (``govkg load``, findings stored with it)."""
    store = WORK / f"store-{agencies}"
    if not (store / "current").exists():
        cmd = [sys.executable, "-m", "govkg.cli", "load", str(wb), "--store", str(store)]
        print(json.dumps({"load": popen_measured(cmd, timeout)}), flush=True)
    return store


def draft(agencies: int, timeout: float, modes: tuple[str, ...]) -> dict:
    """A draft re-mandating one agency: the workbook fast path (cache cold, then warm), the
    full comparison, and the store path (``validate --store S --draft D``: a fresh process,
    and a warm server's check)."""
    wb = workbook(agencies)
    draft_dir = WORK / f"draft-{agencies}"
    if not (draft_dir / "agencies.csv").exists():
        make_draft(wb, draft_dir)
    cache = WORK / f"cache-{agencies}"
    for old in cache.glob("*.json") if "cold" in modes else ():
        old.unlink()
    os.environ["GOVKG_FINDINGS_CACHE"] = str(cache)
    out: dict = {"agencies": agencies}
    for mode in modes:
        res = WORK / f"draft-{mode}.json"
        if mode == "store-cold":
            store = loaded_store(wb, agencies, timeout)
            cmd = [sys.executable, "-m", "govkg.cli", "validate", "--store", str(store)]
            cmd += ["--draft", str(draft_dir), "--format", "json", "-o", str(res)]
        elif mode in ("store-warm", "store-split"):
            store = loaded_store(wb, agencies, timeout)
            cmd = [sys.executable, str(SCRIPT), "child", mode, str(store), str(draft_dir)]
            cmd += [str(res)]
        else:
            cmd = [sys.executable, str(SCRIPT), "child", "draft", str(wb), str(draft_dir), mode]
            cmd += [str(res)]
        out[mode] = run_child(cmd, timeout)
        print(json.dumps(out), flush=True)
    texts = {(WORK / f"draft-{m}.json").read_text() for m in modes}
    out["same"] = len(texts) == 1
    # findings (rule, focus, related, status) not in every run's output, by rule
    keys = [_statuses(WORK / f"draft-{m}.json") for m in modes]
    odd = set.union(*keys) - set.intersection(*keys)
    out["differing"] = dict(sorted(Counter(rule for rule, *_ in odd).items()))
    return out


def _statuses(report: Path) -> set[tuple]:
    found = json.loads(report.read_text(encoding="utf-8"))["findings"]
    return {(f["rule"], f["focus"], tuple(f["related"]), f["status"]) for f in found}


def make_draft(wb: Path, out: Path) -> None:
    """Re-mandate the first agency: a renamed unit, one duty moved, a new division."""
    from govkg.loaders.workbook import read_workbook

    sys.path.insert(0, str(ROOT))
    import random

    from tests.test_draft_scope import _mutate
    from tests.workbook_rows import write

    rows = _mutate(read_workbook(wb), random.Random(0), 1, 0)
    write(out, {t: r for t, r in rows.items() if r})
