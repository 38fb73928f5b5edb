"""The embedded on-disk store, written copy-on-write so that a load is all or nothing.

A store is a directory::

    STORE/
      current -> gen-000007     the live generation (a symlink, switched atomically)
      gen-000007/               a pyoxigraph (RocksDB) database
      lock                      held by the one writer

A load never touches the live generation. It builds the next one beside it (a RocksDB
checkpoint, which hard-links the live files, or a rebuild from the graphs it keeps),
bulk-loads the new sources there, lets the caller add what derives from them (the
findings of the rules, see govkg/loading.py), and only then switches ``current``. A crash or a kill
at any point leaves ``current`` as it was; the half-built generation is removed by the
next writer. Readers open the live generation read-only.
The generation a switch replaces stays until the next switch, so that a read that began
on it (a query of the server started just before a load finished) still finds it and
ends on the data it started with; only older ones are removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.errors import Problem, StoreError
from govkg.store import oxigraph as oxi

CURRENT = "current"
# Deleting quads from RocksDB is about ten times slower than bulk loading them
# (docs/benchmarks.md#load): a graph to replace is cleared in place when that is cheaper than
# rebuilding the generation from the graphs that stay. The two rates, in quads/s:
CLEAR_RATE = 25_000
BULK_RATE = 300_000


# Called with the new generation's store before the switch, to add what derives from
# its data (the loading layer passes the findings of the rules): the store module itself
# knows nothing of what is added.
Prepare = Callable[[Any], None]


@dataclass(frozen=True)
class GraphData:
    """The content of one named graph to write: N-Triples (or another format) in a file."""

    graph: str
    path: Path
    format: str = "nt"


class GraphStore:
    """An on-disk store of named graphs.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp()) / "store"
    >>> store = GraphStore(root)
    >>> data = root.parent / "g.nt"
    >>> _ = data.write_text('<http://e/a> <http://e/p> "x" .\\n')
    >>> store.replace_graphs([GraphData("http://e/g", data)])
    >>> store.named_graphs()
    ['http://e/g']
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    # -- reading ---------------------------------------------------------------------
    def exists(self) -> bool:
        return (self.path / CURRENT).exists()

    def open_reader(self) -> oxi.Store:
        """The live generation, read-only; an empty store when nothing was loaded yet."""
        if not self.path.exists():
            raise StoreError(
                Problem(
                    str(self.path),
                    "存储不存在：请先用 govkg load 加载数据",
                    "the store does not exist: load data with `govkg load` first",
                )
            )
        if not self.exists():
            return oxi.memory_store()
        try:
            return oxi.disk_store(self.path / CURRENT, read_only=True)
        except OSError as error:
            raise StoreError(
                Problem(str(self.path), f"无法打开存储：{error}", f"cannot open the store: {error}")
            ) from None

    def open_generation(self) -> tuple[str | None, oxi.Store]:
        """The live generation's name (None when nothing was loaded yet) and its data,
        read-only: the name read once, so that both are of the same generation."""
        live = self._live_generation() if self.path.exists() else None
        if live is None:
            return None, self.open_reader()
        try:
            return live.name, oxi.disk_store(live, read_only=True)
        except OSError as error:
            raise StoreError(
                Problem(str(self.path), f"无法打开存储：{error}", f"cannot open the store: {error}")
            ) from None

    def named_graphs(self) -> list[str]:
        return sorted(oxi.named_graphs(self.open_reader()))

    # -- writing ---------------------------------------------------------------------
    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self.path.mkdir(parents=True, exist_ok=True)
        with (self.path / "lock").open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(
                    Problem(
                        str(self.path),
                        "另一个加载正在写入这个存储，请稍后再试",
                        "another load is writing to this store; try again later",
                    )
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _live_generation(self) -> Path | None:
        link = self.path / CURRENT
        return self.path / os.readlink(link) if link.is_symlink() else None

    def _remove_leftovers(self, live: Path | None) -> None:
        """Generations a killed writer left half-built (newer than the live one), and
        scratch folders; older generations stay until the next switch."""
        for entry in self.path.glob("gen-*"):
            if live is None or entry.name > live.name:
                shutil.rmtree(entry, ignore_errors=True)
        for entry in self.path.glob("tmp-*"):
            shutil.rmtree(entry, ignore_errors=True)

    def remove_leftovers(self) -> bool:
        """Remove what a killed writer left, unless a writer is at work; True when done."""
        try:
            with self._writer_lock():
                self._remove_leftovers(self._live_generation())
        except StoreError:
            return False
        return True

    @contextlib.contextmanager
    def writer(self) -> Iterator[StoreWriter]:
        """The one writer: holds the lock, and a scratch folder beside the store."""
        with self._writer_lock():
            self._remove_leftovers(self._live_generation())
            with tempfile.TemporaryDirectory(prefix="tmp-", dir=self.path) as scratch:
                yield StoreWriter(self, Path(scratch))

    def replace_graphs(self, graphs: list[GraphData]) -> None:
        """Replace (or add) the named graphs given, all or nothing."""
        with self.writer() as writer:
            writer.replace_graphs(graphs)

    def _switch_to(self, target: Path, live: Path | None) -> None:
        link = self.path / f"{CURRENT}.{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        link.symlink_to(target.name)
        os.replace(link, self.path / CURRENT)
        _fsync_dir(self.path)
        for entry in self.path.glob("gen-*"):  # all but the new one and the one it replaced
            if entry != target and entry != live:
                shutil.rmtree(entry, ignore_errors=True)


class StoreWriter:
    """What the writer of a store may do while it holds the lock."""

    def __init__(self, store: GraphStore, scratch: Path) -> None:
        self.store = store
        self.scratch = scratch

    def replace_graphs(
        self,
        graphs: list[GraphData],
        *,
        on_stage: Callable[[str], None] | None = None,
        removed: Iterable[str] = (),
        prepare: Prepare | None = None,
    ) -> None:
        """Build the next generation with these graphs replaced and the ``removed`` ones
        left out; let ``prepare`` add to it; then switch to it."""
        stage = on_stage or (lambda _name: None)
        live = self.store._live_generation()
        number = int(live.name.split("-")[1]) + 1 if live else 1
        target = self.store.path / f"gen-{number:06d}"
        replaced = {g.graph for g in graphs} | set(removed)
        try:
            self._build_generation(live, target, replaced, graphs, stage, prepare)
        except BaseException as error:
            # the traceback keeps the build's frame, and so its open stores, alive:
            # drop them so that RocksDB is closed before its folder is removed
            traceback.clear_frames(error.__traceback__)
            _close_leftovers(prepare)
            _remove_tree(target)
            raise
        _close_leftovers(prepare)
        stage("switch")
        self.store._switch_to(target, live)

    def update(
        self, sparql: str, *, removed: Iterable[str] = (), prepare: Prepare | None = None
    ) -> None:
        """Apply a SPARQL Update to a copy of the live generation, remove the ``removed``
        graphs from it, let ``prepare`` add to it, then switch to it.

        The update runs in one transaction on the copy: a failing update, or a writer
        killed at any point, leaves ``current`` as it was.
        """
        live = self.store._live_generation()
        number = int(live.name.split("-")[1]) + 1 if live else 1
        target = self.store.path / f"gen-{number:06d}"
        store: Any = None
        try:
            if live is not None:
                oxi.disk_store(live, read_only=True).backup(str(target))
            store = oxi.disk_store(target)
            oxi.update(store, sparql)
            present = set(oxi.named_graphs(store))
            for graph in removed:
                if graph in present:
                    oxi.clear_graph(store, graph)
            if prepare is not None:
                prepare(store)
            store.flush()
        except BaseException:
            # close RocksDB first: its background threads would refill the folder
            store = None
            _close_leftovers(prepare)
            _remove_tree(target)
            raise
        store = None
        _close_leftovers(prepare)
        self.store._switch_to(target, live)

    def _build_generation(
        self,
        live: Path | None,
        target: Path,
        replaced: set[str],
        graphs: list[GraphData],
        stage: Callable[[str], None],
        prepare: Prepare | None,
    ) -> None:
        store: Any
        if live is None:
            store = oxi.disk_store(target)
        else:
            current = oxi.disk_store(live, read_only=True)
            present = [g for g in oxi.named_graphs(current) if g in replaced]
            old = sum(oxi.count(current, g) for g in present)
            kept = len(current) - old
            if old / CLEAR_RATE <= kept / BULK_RATE:
                stage("checkpoint")
                current.backup(str(target))
                del current
                store = oxi.disk_store(target)
                for graph in present:
                    stage("clear")
                    store.clear_graph(oxi.graph_node(graph))
            else:
                stage("copy")
                store = oxi.disk_store(target)
                for index, graph in enumerate(oxi.named_graphs(current)):
                    if graph in replaced:
                        continue
                    dump = self.scratch / f"kept-{index}.nt"
                    with dump.open("wb") as out:
                        oxi.dump(current, out, format="nt", graph=graph)
                    oxi.bulk_load(store, path=dump, format="nt", graph=graph)
                    dump.unlink()
                del current
        for data in graphs:
            stage("store")
            oxi.bulk_load(store, path=data.path, format=data.format, graph=data.graph)
        if prepare is not None:
            stage("prepare")
            prepare(store)
        store.flush()
        del store


def _close_leftovers(prepare: Prepare | None) -> None:
    """Collect the reference cycles a hook may leave (rdflib's parser keeps frames alive
    in them, and with the frames the new generation's store): RocksDB must be closed
    before readers open the generation."""
    if prepare is not None:
        gc.collect()


def _remove_tree(path: Path) -> None:
    """Remove a folder; a second pass catches files a closing RocksDB wrote meanwhile."""
    for _ in range(3):
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            return
        time.sleep(0.05)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
