"""What preparing a push's rows adds to a load (govkg/neo4j/prepared.py; not a test).

python bench/neo4j_prepare_bench.py --agencies 200 [--rounds 2]

Generates a workbook, loads it into a new on-disk store (``govkg load`` in this process,
which prepares the rows once), then times the preparation alone, as the load runs it
(the graphs it loaded read from their N-Triples files, here dumped again from the
store; the findings graph from the store) and from the store's RocksDB only (as for
a store without those files), alternately. Prints wall and CPU seconds of each, the
copy's size beside the generation's folder and the draft sidecar, and the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from govkg.shapes.findings_rdf import findings_graph

from govkg.loading import load_sources
from govkg.neo4j.prepared import prepared_path, write_prepared
from govkg.settings import Settings
from govkg.store import GraphStore
from govkg.store import oxigraph as oxi
from govkg.synthetic import generate_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.processes import own_cpu_seconds  # noqa: E402

BASE = "https://id.govkg.org/"


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generate_workbook(work / "wb", agencies=args.agencies, seed=0)
        store = work / "store"
        started, cpu = time.perf_counter(), own_cpu_seconds()
        load_sources([work / "wb"], Settings.from_env({}, store=store), show_progress=False)
        print(f"load: {time.perf_counter() - started:.1f} s, {own_cpu_seconds() - cpu:.1f} s CPU, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        generation, data = GraphStore(store).open_generation()
        assert generation is not None
        files = {}
        for index, graph in enumerate(oxi.named_graphs(data)):
            if graph != findings_graph(BASE):
                files[graph] = work / f"graph-{index}.nt"
                with files[graph].open("wb") as out:
                    oxi.dump(data, out, format="nt", graph=graph)
        print(f"\nagencies {args.agencies:,}; {len(data):,} quads\n")
        print("| prepared from | wall s | CPU s | load average |")
        print("|---|---:|---:|---:|")
        for _round in range(args.rounds):
            for name, loaded in (("the loaded files (as a load)", files), ("RocksDB", None)):
                started, cpu = time.perf_counter(), own_cpu_seconds()
                write_prepared(store, generation, data, loaded=loaded)
                wall, cpu = time.perf_counter() - started, own_cpu_seconds() - cpu
                print(f"| {name} | {wall:.2f} | {cpu:.2f} | {os.getloadavg()[0]:.1f} |",
                      flush=True)  # fmt: skip
        copy = prepared_path(store, generation).stat().st_size / 1e6
        sidecars = folder_mb(store / "sidecars") if (store / "sidecars").exists() else 0.0
        rocksdb = folder_mb(store / generation)
        print(f"\nthe copy {copy:.1f} MB; the generation's folder {rocksdb:.1f} MB; "
              f"the draft sidecar {sidecars:.1f} MB")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
