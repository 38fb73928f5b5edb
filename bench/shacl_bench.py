"""SHACL engine benchmark: the compiled SPARQL engine against pyshacl (not a test).

    python bench/shacl_bench.py [--sizes 100000,1000000] [--pyshacl-max 100000]
                                [--timeout 300] [--no-write]

Generates a government graph (agencies, functions, duties, datasets) of about N triples in
N-Triples, with about 1% planted violations, and a dozen shapes with 32 checks: min/max
counts (also on inverse paths), sh:class, sh:datatype, sh:pattern, sh:in, and one
sh:sparql overlap constraint (functions performed by more than one agency). Each engine
runs in a child process (fresh memory, wall-clock timeout, peak RSS from ``os.wait4``);
the load into the store is timed apart from validation. pyshacl runs only up to
``--pyshacl-max`` triples. Prints a markdown table and writes it under "## SHACL engine"
in docs/benchmarks.md (the other sections of that file are left as they are).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## SHACL engine"
EX = "http://govkg.example/"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH_PATH = "http://www.w3.org/ns/shacl#path"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LEVELS = ("national", "provincial", "municipal", "county")
FREQS = ("daily", "weekly", "monthly", "yearly", "realtime")
TRIPLES_PER_AGENCY = 95  # what generate() writes per agency on average

SHAPES = f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <{XSD}> .
@prefix ex: <{EX}> .

ex:AgencyShape a sh:NodeShape ; sh:targetClass ex:Agency ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] ;
  sh:property [ sh:path ex:code ; sh:minCount 1 ; sh:maxCount 1 ;
                sh:pattern "^A[0-9]{{6}}$" ] ;
  sh:property [ sh:path ex:level ; sh:minCount 1 ; sh:in ("national" "provincial"
                "municipal" "county") ] .
ex:AgencyParentShape a sh:NodeShape ; sh:targetClass ex:Agency ;
  sh:property [ sh:path ex:parent ; sh:maxCount 1 ; sh:class ex:Agency ] .
ex:AgencyFunctionsShape a sh:NodeShape ; sh:targetClass ex:Agency ;
  sh:property [ sh:path [ sh:inversePath ex:performedBy ] ; sh:minCount 1 ;
                sh:class ex:Function ] .
ex:FunctionShape a sh:NodeShape ; sh:targetClass ex:Function ;
  sh:property [ sh:path ex:label ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] ;
  sh:property [ sh:path ex:performedBy ; sh:minCount 1 ; sh:class ex:Agency ] .
ex:FunctionDutiesShape a sh:NodeShape ; sh:targetClass ex:Function ;
  sh:property [ sh:path ex:hasDuty ; sh:minCount 1 ; sh:class ex:Duty ] .
ex:FunctionOverlapShape a sh:NodeShape ; sh:targetClass ex:Function ;
  sh:severity sh:Warning ;
  sh:sparql [ sh:message "function {{$this}} is performed by {{?a1}} and {{?value}}" ;
    sh:select \"\"\"PREFIX ex: <{EX}>
      SELECT $this ?a1 ?value WHERE {{
        $this ex:performedBy ?a1 , ?value . FILTER(STR(?a1) < STR(?value)) }}\"\"\" ] .
ex:DutyShape a sh:NodeShape ; sh:targetClass ex:Duty ;
  sh:property [ sh:path [ sh:inversePath ex:hasDuty ] ; sh:minCount 1 ; sh:maxCount 1 ] ;
  sh:property [ sh:path ex:legalBasis ; sh:minCount 1 ; sh:datatype xsd:string ] .
ex:DutyPriorityShape a sh:NodeShape ; sh:targetClass ex:Duty ;
  sh:property [ sh:path ex:priority ; sh:maxCount 1 ; sh:datatype xsd:integer ] .
ex:DatasetShape a sh:NodeShape ; sh:targetClass ex:Dataset ;
  sh:property [ sh:path ex:producedBy ; sh:minCount 1 ; sh:maxCount 1 ; sh:class ex:Duty ] ;
  sh:property [ sh:path ex:title ; sh:minCount 1 ; sh:datatype xsd:string ] .
ex:DatasetFrequencyShape a sh:NodeShape ; sh:targetClass ex:Dataset ;
  sh:property [ sh:path ex:updateFrequency ; sh:maxCount 1 ;
                sh:in ("daily" "weekly" "monthly" "yearly" "realtime") ] .
ex:DatasetIssuedShape a sh:NodeShape ; sh:targetClass ex:Dataset ;
  sh:property [ sh:path ex:issued ; sh:datatype xsd:date ] .
ex:DatasetIdShape a sh:NodeShape ; sh:targetClass ex:Dataset ;
  sh:property [ sh:path ex:identifier ; sh:pattern "^DS-[0-9]+$" ] .
"""


def generate(triples: int, out: Path, seed: int = 7) -> int:
    """Write a graph of about ``triples`` triples as N-Triples; returns the count."""
    rnd = random.Random(seed)
    agencies = max(2, triples // TRIPLES_PER_AGENCY)
    n = 0

    def bad(p: float = 0.01) -> bool:
        return rnd.random() < p

    def lit(text: str, dt: str | None = None) -> str:
        return f'"{text}"' + (f"^^<{XSD}{dt}>" if dt else "")

    with out.open("w", encoding="utf-8") as f:

        def t(s: str, p: str, o: str) -> None:
            nonlocal n
            f.write(f"<{EX}{s}> <{EX}{p}> {o} .\n")
            n += 1

        def typ(s: str, cls: str) -> None:
            nonlocal n
            f.write(f"<{EX}{s}> {TYPE} <{EX}{cls}> .\n")
            n += 1

        fid = did = 0
        for a in range(agencies):
            ag = f"agency/{a}"
            typ(ag, "Agency")
            if not bad():
                t(ag, "name", lit(f"机构{a}"))
            t(ag, "code", lit(f"A{a:06d}" if not bad() else f"X{a}"))
            t(ag, "level", lit(rnd.choice(LEVELS) if not bad() else "village"))
            if a:
                t(ag, "parent", f"<{EX}agency/{rnd.randrange(a)}>")
            for _ in range(4 if not bad(0.02) else 0):
                fn = f"function/{fid}"
                fid += 1
                typ(fn, "Function")
                t(fn, "label", lit(f"职能{fid}"))
                t(fn, "performedBy", f"<{EX}{ag}>")
                if bad(0.02):  # overlap: a second agency performs the same function
                    t(fn, "performedBy", f"<{EX}agency/{rnd.randrange(agencies)}>")
                for _ in range(2):
                    du = f"duty/{did}"
                    did += 1
                    typ(du, "Duty")
                    t(fn, "hasDuty", f"<{EX}{du}>")
                    t(du, "legalBasis", lit(f"法规第{did}条"))
                    t(du, "priority", lit(str(did % 5), "integer" if not bad() else "string"))
                    ds = f"dataset/{did}"
                    typ(ds, "Dataset")
                    t(ds, "producedBy", f"<{EX}{du}>" if not bad() else f"<{EX}{fn}>")
                    t(ds, "title", lit(f"数据集{did}"))
                    t(ds, "updateFrequency", lit(rnd.choice(FREQS) if not bad() else "never"))
                    t(
                        ds,
                        "issued",
                        lit(f"2024-01-{did % 28 + 1:02d}", "date" if not bad() else None),
                    )
                    t(ds, "identifier", lit(f"DS-{did}" if not bad() else f"ds{did}"))
    return n


def child(engine: str, data: str, shapes: str, out: str) -> None:
    """Run one engine in this (child) process and write timings and results as JSON."""
    from govkg.shapes.engine.shapes_model import ShapesGraph
    from govkg.shapes.engine.sparql_engine import validate

    from govkg.store import oxigraph as oxi

    t0 = time.perf_counter()
    store = oxi.memory_store()
    oxi.bulk_load(store, path=data, format="nt")
    sg = ShapesGraph.parse(Path(shapes).read_bytes())
    t1 = time.perf_counter()
    report = validate(store, sg, engine=engine)
    t2 = time.perf_counter()
    # Blank-node shapes get fresh ids in each process: name them by their path instead.
    names = {str(s): f"[{sg.path(sg.value(s, SH_PATH))}]" for s in sg.subjects(SH_PATH)}
    keys = sorted(
        json.dumps((k[0], k[1], k[2], names.get(k[3], k[3]), *k[4:])) for k in report.key_set()
    )
    Path(out).write_text(
        json.dumps(
            {"load": t1 - t0, "validate": t2 - t1, "results": keys, "fallback": report.fallback}
        )
    )


def run(engine: str, data: Path, shapes: Path, timeout: float) -> dict | None:
    """One engine in a child process; None when it ran out of time."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = tmp.name
    cmd = [sys.executable, __file__, "--child", engine, str(data), str(shapes), out]
    proc = subprocess.Popen(cmd)
    start = time.perf_counter()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > timeout:
            proc.kill()
            os.wait4(proc.pid, 0)
            return None
        time.sleep(0.05)
    if status != 0:
        raise RuntimeError(f"{engine} failed with status {status}")
    result = json.loads(Path(out).read_text())
    os.unlink(out)
    result["rss_mb"] = usage.ru_maxrss / 1024
    result["cpu"] = usage.ru_utime + usage.ru_stime  # load + validate, all threads
    return result


def write_doc(table: str) -> None:
    """Replace (or add) the SHACL engine section of docs/benchmarks.md."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    section = f"{HEADING}\n\n{table}\n"
    if HEADING in text:
        start = text.index(HEADING)
        nxt = text.find("\n## ", start + len(HEADING))
        rest = text[nxt + 1 :] if nxt >= 0 else ""
        text = text[:start] + section + ("\n" + rest if rest else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--pyshacl-max", type=int, default=100_000)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    work = Path(tempfile.mkdtemp(prefix="shacl-bench-"))
    shapes = work / "shapes.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        data = work / f"data-{size}.nt"
        n = generate(size, data)
        load_avg = os.getloadavg()[0]  # other work on the machine slows every engine
        ours = run("default", data, shapes, args.timeout)
        ref = run("pyshacl", data, shapes, args.timeout) if size <= args.pyshacl_max else None
        same = "—"
        if ours and ref:
            same = "yes" if ours["results"] == ref["results"] else "NO"
        speedup = f"{ref['validate'] / ours['validate']:.0f}×" if ours and ref else "—"
        pyshacl_cell = (
            f"{ref['validate']:.1f} s, {ref['rss_mb']:.0f} MB"
            if ref
            else (f"> {args.timeout:.0f} s (killed)" if size <= args.pyshacl_max else "not run")
        )
        rows.append(
            f"| {n:,} | {load_avg:.1f} | {ours['load']:.2f} s | {ours['validate']:.2f} s | "
            f"{ours['cpu']:.1f} s | "
            f"{ours['rss_mb']:.0f} MB | {len(ours['results']):,} | {ours['fallback']} | "
            f"{pyshacl_cell} | {speedup} | {same} |"
        )
        print(rows[-1], flush=True)
    table = (
        'Compiled SPARQL on pyoxigraph (`engine="default"`) against pyshacl '
        '(`engine="pyshacl"`, inference none) on the generated government graph of '
        "`bench/shacl_bench.py`: 12 shapes, 32 checks (min/max counts also on inverse "
        "paths, sh:class, sh:datatype, sh:pattern, sh:in, one sh:sparql overlap "
        "constraint), ~1% planted violations. Load (N-Triples into an in-memory store) is "
        "timed apart; each engine runs in its own process on a 2-core machine.\n\n"
        "| triples | load avg before | load | default: validate | default: CPU (load + "
        "validate) | default: peak RSS | results | fallback shapes | pyshacl: validate | "
        "speed-up | same results |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "Times are wall-clock; the machine is shared, so the 1-minute load average before "
        "each size is given (above 2 means other work competed for the 2 cores). The default "
        "engine runs its queries on 2 threads.\n\n"
        "Engines to beat (docs/anchors): pyshacl 51 s at 100k; TopQuadrant SHACL 2.8 s at "
        "100k and 19.6 s at 1M; hand-written SPARQL on pyoxigraph 0.33 s and 4.6 s."
    )
    print(table)
    if not args.no_write:
        write_doc(table)


if __name__ == "__main__":
    main()
