"""The push's rows prepared at load time, beside the store's generation.

Reading the on-disk store costs a push far more than writing: every IRI and long literal
of every quad is a RocksDB look-up (~6 µs a quad, docs/benchmarks.md). So the load maps
the new generation once (mapping.py, push_rows.py) and keeps the rows in one file::

    STORE/neo4j/gen-000007.rows

and ``govkg neo4j push`` reads that file instead of the store. Like the draft's sidecar
(govkg/store/sidecar.py) it is a cache, never the source of truth: written to a temp file
and renamed (a crash while writing leaves no copy, never a half one), named after its
generation and headed by what its content depends on, and ignored when missing, stale
or unreadable: the push then maps the store as before. Older generations' copies are
removed when a new one is written, but for the generation a reader may still be on.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from govkg.errors import Problem, StoreError
from govkg.lifetime import process_alive
from govkg.neo4j.client import falkordb_parts
from govkg.neo4j.mapping import Namespaces, property_graph
from govkg.neo4j.node_writes import new_nodes_query
from govkg.neo4j.push_rows import (
    NodePart,
    PushRows,
    RelationshipPart,
    cycle_collector_paused,
    push_rows,
)
from govkg.ontology.namespaces import PREFIXES
from govkg.store import oxigraph as oxi

FOLDER = "neo4j"
SUFFIX = ".rows"
# of the rows: a copy of another format (or another marshal) is stale
FORMAT = "3"
STAMP_CHARACTERS = 16  # of a push's stamp (sync.py: secrets.token_hex(8))


def prepared_path(store: str | os.PathLike[str], generation: str) -> Path:
    """Where the prepared rows of ``generation`` of the store at ``store`` live."""
    return Path(store) / FOLDER / f"{generation}{SUFFIX}"


# rows a record of the file: small records are read between the writes' sending (a large
# one would hold the interpreter lock while the server waits for the next write)
RECORD_ROWS = 1000
_LENGTH = 8  # the file starts with the length of the rest: a copy cut short is seen
# each record is its length and its marshal bytes: marshal.loads of bytes is ~8 times
# faster than marshal.load of a file, which calls the file's readinto for every value
# (12.7 against 1.5 s of CPU for a province's copy: docs/benchmarks.md)
_RECORD_LENGTH = 4


def _header(generation: str) -> tuple[str, str, str, int]:
    # the names a copy holds follow the ontology's prefixes: another set makes it stale
    prefixes = hashlib.sha256(repr(sorted(PREFIXES.items())).encode()).hexdigest()[:16]
    return ("govkg-neo4j-rows", f"{FORMAT}/{generation}", prefixes, marshal.version)


class PreparedRows:
    """A prepared copy being read (a push's RowSource): the counts and namespaces were
    read on opening, the records of nodes and then relationships are read as the push
    asks for them."""

    def __init__(self, source: BinaryIO, meta: tuple[Any, ...], path: Path, end: int) -> None:
        self._source, self._path, self._end = source, path, end
        self.extra, self.triples, self.nodes, self.relationship_count = meta
        self._pending: tuple[Any, ...] | None = None  # the first relationship record

    def _records(self) -> Iterator[tuple[Any, ...]]:
        while (record := self._record())[0] != "end":
            yield record

    def _record(self) -> tuple[Any, ...]:
        try:
            return _read_record(self._source, self._end)
        except (OSError, EOFError, ValueError, TypeError) as error:
            # whole when opened (its length was right): damaged since
            raise StoreError(
                Problem(
                    str(self._path),
                    f"推送准备文件已损坏（{error}）：请删除该文件或重新加载",
                    f"the push's prepared rows are damaged ({error}): delete the file or "
                    "load the data again",
                )
            ) from None

    def node_parts(self) -> Iterator[NodePart]:
        for record in self._records():
            if record[0] != "n":
                self._pending = record
                return
            yield record[1], record[2], record[3], record[4]

    def relationship_parts(self) -> Iterator[RelationshipPart]:
        if self._pending is None:
            return
        yield self._pending[1], self._pending[2], self._pending[3]
        for record in self._records():
            yield record[1], record[2], record[3]

    def close(self) -> None:
        self._source.close()


@dataclass(frozen=True)
class PreparedCopy:
    """The prepared rows of one generation, opened when the push asks (its time is the
    push's)."""

    path: Path
    generation: str

    def open(self, namespaces: dict[str, str]) -> PreparedRows | None:
        """The rows, when the copy is there, whole and of this generation, and its names
        are those a mapping with the database's ``namespaces`` gives (it was shortened
        with none beyond the ontology's; after a push of it, with its own); else None."""
        try:
            source = self.path.open("rb")
        except OSError:
            return None
        try:
            end = _LENGTH + int.from_bytes(source.read(_LENGTH), "little")
            whole = os.fstat(source.fileno()).st_size == end
            if whole and _read_record(source, end) == _header(self.generation):
                meta = _read_record(source, end)
                if not namespaces or namespaces == meta[0]:
                    return PreparedRows(source, meta, self.path, end)
        except (OSError, EOFError, ValueError, TypeError):
            pass
        source.close()
        return None


def prepared_copy(store: str | os.PathLike[str], generation: str | None) -> PreparedCopy | None:
    """The prepared copy of a store's ``generation`` (None: nothing loaded yet)."""
    if generation is None:
        return None
    return PreparedCopy(prepared_path(store, generation), generation)


def write_prepared(
    store: str | os.PathLike[str],
    generation: str,
    data: Any,
    *,
    keep: Iterable[str] = (),
    loaded: Mapping[str, Path] | None = None,
) -> Path:
    """Map ``data`` (the generation, read-only) and write its rows, all or nothing; then
    remove the other generations' copies but those of ``keep`` (and temp files whose
    writer is gone). ``loaded``: the N-Triples files the load just wrote into named
    graphs of it, read instead of the store's RocksDB (~10 times faster)."""
    path = prepared_path(store, generation)
    path.parent.mkdir(parents=True, exist_ok=True)
    with cycle_collector_paused():
        graph = None
        if loaded is not None:
            graph = property_graph(_graph_quads(data, loaded), Namespaces(), distinct=False)
            # namespaces beyond the ontology's are numbered as the mapping meets them: a
            # second one may come first in a file and second in the store (then mapped
            # again, in the store's order, as a push that maps the store does)
            if len(graph.namespaces.extra()) > 1:
                graph = None
        if graph is None:
            graph = property_graph(oxi.union_quads(data), Namespaces())
        rows = push_rows(graph)
        del graph
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with scratch.open("wb") as out:
            out.write(bytes(_LENGTH))
            _write_records(out, generation, rows)
            size = out.tell()
            out.seek(0)
            out.write((size - _LENGTH).to_bytes(_LENGTH, "little"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise
    remove_other_copies(store, keep=[generation, *keep])
    return path


def remove_other_copies(store: str | os.PathLike[str], *, keep: Iterable[str]) -> None:
    """Remove the prepared copies of the generations not in ``keep`` and the temp files
    of writers that are gone."""
    folder = Path(store) / FOLDER
    if not folder.is_dir():
        return
    kept = {f"{g}{SUFFIX}" for g in keep}
    for entry in folder.iterdir():
        if entry.name not in kept and (entry.suffix == SUFFIX or _abandoned(entry)):
            entry.unlink(missing_ok=True)


def _graph_quads(data: Any, loaded: Mapping[str, Path]) -> Iterator[Any]:
    """Every graph's quads (a triple in several graphs more than once): a graph loaded
    from a file read from the file, unless it holds blank nodes (the store labels them
    anew), the others from the store."""
    yield from oxi.default_graph_quads(data)
    for graph in oxi.named_graphs(data):
        source = loaded.get(graph)
        if source is not None and not _names_blank_nodes(source):
            yield from oxi.parse(path=source, format="nt")
        else:
            yield from oxi.quads_of(data, graph)


def _names_blank_nodes(path: Path) -> bool:
    """Whether an N-Triples file may hold a blank node (``_:`` anywhere, literals too)."""
    with path.open("rb") as source:
        tail = b""
        while chunk := source.read(1 << 20):
            if b"_:" in tail + chunk:
                return True
            tail = chunk[-1:]
    return False


def _read_record(source: BinaryIO, end: int) -> Any:
    """The next record of a copy whose bytes end at ``end`` (its size, read once)."""
    length = int.from_bytes(source.read(_RECORD_LENGTH), "little")
    # a length read from a copy of another format can be anything: never past the end
    if length > end - source.tell():
        raise EOFError("a record cut short")
    return marshal.loads(source.read(length))


def _write_record(record: tuple[Any, ...], out: BinaryIO) -> None:
    data = marshal.dumps(record)
    out.write(len(data).to_bytes(_RECORD_LENGTH, "little"))
    out.write(data)


def _write_records(out: BinaryIO, generation: str, rows: PushRows) -> None:
    _write_record(_header(generation), out)
    _write_record((rows.extra, rows.triples, rows.nodes, rows.relationship_count), out)
    # a record of nodes is a message of a first push into FalkorDB, marked when it can go
    # as it is (no text to escape): the push then sends it without sizing its rows
    stamp = {"stamp": "0" * STAMP_CHARACTERS}
    for labels, keys, part in rows.shapes:
        query = new_nodes_query(labels, keys, "id")
        for start in range(0, len(part), RECORD_ROWS):
            chunk = part[start : start + RECORD_ROWS]
            begin = 0
            for end, _sent, clean in falkordb_parts(query, chunk, stamp):
                _write_record(("n", labels, keys, chunk[begin:end], clean), out)
                begin = end
    for kind, (by_source, part) in rows.relationships.items():
        for start in range(0, len(part), RECORD_ROWS):
            _write_record(("r", kind, by_source, part[start : start + RECORD_ROWS]), out)
    _write_record(("end",), out)


def _abandoned(entry: Path) -> bool:
    """A temp file of a writer that is gone (its pid, the name's second-last part)."""
    parts = entry.name.split(".")
    if entry.suffix != ".tmp" or len(parts) < 3 or not parts[-2].isdigit():
        return False
    return not process_alive(int(parts[-2]))
