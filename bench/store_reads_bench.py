"""Reading rows from an on-disk store (not a test): the draft check's sub-graph reads
(govkg/validating/draft_graph.py ``row_lines``) against other ways of reading the same
rows, on the power items of a loaded store (docs/benchmarks.md, *Reads*).

    python bench/store_reads_bench.py STORE_DIR [--subjects 16000] [--repeat 2]

STORE_DIR is a ``govkg load`` store, e.g. /tmp/validate_bench/store-1000 as
``validate_bench.py draft --agencies 1000`` leaves it. One JSON line per way of reading:
rows read, seconds, microseconds per row.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

from govkg.ontology.namespaces import GK
from govkg.shapes.footprint import visible_predicates
from govkg.shapes.store_validation import rule_book

from govkg.store import GraphStore
from govkg.store import oxigraph as oxi


def _timed(name: str, read: Callable[[], int]) -> None:
    started = time.perf_counter()
    rows = read()
    took = time.perf_counter() - started
    print(json.dumps({"read": name, "rows": rows, "s": round(took, 3),
                      "us_per_row": round(took / max(rows, 1) * 1e6, 2)}))  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("store")
    p.add_argument("--subjects", type=int, default=16000)
    p.add_argument("--repeat", type=int, default=2)
    args = p.parse_args(argv)
    store = GraphStore(args.store).open_reader()
    items = oxi.named_node(f"{GK}implementedBy")
    subjects = [q.subject for q in store.quads_for_pattern(None, items, None, None)]
    subjects = subjects[: args.subjects]
    values = " ".join(str(s) for s in subjects)
    match = f"VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}"
    visible = sorted(visible_predicates(rule_book().sg) or ())
    only_visible = " || ".join(f"?p = <{p}>" for p in visible)

    def select(projection: str) -> Callable[[], int]:
        def read() -> int:
            results = oxi.select(store, f"SELECT {projection} WHERE {{ {match} }}")
            return oxi.serialize_results(results, "tsv").count(b"\n") - 1

        return read

    def construct(condition: str) -> Callable[[], int]:
        def read() -> int:
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {match} FILTER ({condition}) }}"
            return oxi.construct_ntriples(store, query).count(b"\n")

        return read

    def per_subject() -> int:
        return sum(1 for s in subjects for _ in store.quads_for_pattern(s, None, None, None))

    for _ in range(args.repeat):
        _timed("select (1 AS ?x): lookups only", select("(1 AS ?x)"))
        _timed("select ?o: one term decoded", select("?o"))
        _timed("select ?s ?p ?o", select("?s ?p ?o"))
        _timed("row_lines' construct", construct(f"?p != <{GK}sourceRow>"))
        if visible:
            _timed("construct, visible predicates only", construct(only_visible))
        _timed("quads_for_pattern per subject", per_subject)


if __name__ == "__main__":
    main()
