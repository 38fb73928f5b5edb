"""Speed of R16 (the text judgement's pairing) at scale (numbers in docs/benchmarks.md).

Two loads, each timed alone:

* ``--government N``: one government holding N duties made of the phrases of the
  labelled real duties (tests/data/overlaps), three to six each, one in ten restating
  another (see ``real_like``). Measures the pairing through the index of terms.
* ``--workbook DIR``: a generated workbook (bench/generate.py; the province is
  ``--agencies 5000``), R16 on its rows, and on the in-memory store it validates in
  (the SPARQL that reads the duties included).

    python -m bench.overlaps_bench --government 10000
    python -m bench.overlaps_bench --workbook /tmp/province
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from govkg.text import SAME_RESPONSIBILITY, Duty, similar_pairs
from govkg.text.terms import JOINERS

from bench.overlaps_accuracy import labelled_duties

PER_AGENCY = 20


def real_like(count: int, seed: int = 0) -> list[Duty]:
    """``count`` duties of one government, each made of three to six phrases of the real
    duties (their pieces between 、，和 and the like), 20 per agency; one in ten restates
    another duty in other words (the same phrases, another order): the overlaps."""
    pieces = sorted(
        {p for d in labelled_duties() for p in JOINERS.split(d.text) if 2 <= len(p) <= 12}
    )
    rng = random.Random(seed)
    texts: list[str] = []
    for i in range(count):
        if i and i % 10 == 0:
            words = JOINERS.split(texts[rng.randrange(i)].removeprefix("负责"))
            rng.shuffle(words)
        else:
            words = rng.sample(pieces, rng.randint(3, 6))
        texts.append("负责" + "、".join(w for w in words if w))
    return [Duty(f"D{i:06d}", "g", f"A{i // PER_AGENCY:05d}", t) for i, t in enumerate(texts)]


def timed(label: str, run):  # type: ignore[no-untyped-def]
    """Wall clock and CPU time (the machine is shared: CPU time is what load does not move)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label}: {wall:.2f} s (CPU {cpu:.2f} s)", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--government", type=int, metavar="N")
    parser.add_argument("--workbook", type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    if args.government:
        duties = real_like(args.government)
        pairs = timed(
            f"one government, {len(duties):,} duties: weights and pairs",
            lambda: list(similar_pairs(duties, threshold=SAME_RESPONSIBILITY)),
        )
        print(f"  pairs reported: {len(pairs):,}")
    if args.workbook:
        from govkg.loaders import read_workbook
        from govkg.shapes.store_validation import rule_book
        from govkg.shapes.text_rules import duty_rows, r16_findings

        from govkg.validating.sources import sources_store
        from govkg.validating.workbook_r16 import workbook_r16_findings

        book = rule_book()
        workbook = timed("read the workbook", lambda: read_workbook(args.workbook))
        found = timed("R16 on the workbook's rows", lambda: workbook_r16_findings(workbook, book))
        rows_of = duty_rows_of(workbook)
        governments = len({r.government for r in rows_of})
        print(f"  duties {len(rows_of):,}, governments {governments}, findings {len(found):,}")
        del workbook
        store = timed(
            "the in-memory store validate uses",
            lambda: sources_store([args.workbook], "https://id.govkg.org/", book=book),
        )
        rows = timed("  the duties read by SPARQL", lambda: duty_rows(store))
        print(f"  rows {len(rows):,}")
        timed("R16 on the store (SPARQL included)", lambda: r16_findings(store, book))
    return 0


def duty_rows_of(workbook):  # type: ignore[no-untyped-def]
    from govkg.validating.workbook_r16 import workbook_rows

    return workbook_rows(workbook)[0]


if __name__ == "__main__":
    sys.exit(main())
