"""A generation's sidecar: derived data kept beside the store in one SQLite file.

Reading a row from the RocksDB store costs ~10 µs a quad (every term is looked up by its
id: docs/benchmarks.md), so what a reader needs often and in bulk — the findings of a
generation, the rows a draft check reads — is also kept, per generation, in a file that
reads in milliseconds::

    STORE/sidecars/gen-000007.sqlite

A sidecar is a cache, never the source of truth: written after the generation it
derives from was switched to (temp file, then an atomic rename, so a crash while
writing leaves no sidecar, never a half one), keyed by the generation's name and what
its content depends on (``meta``), and ignored when missing, stale or unreadable (the
caller reads the store instead, and may write it again). This module knows nothing of
what the tables hold; it is the only one that imports sqlite3.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from govkg.lifetime import process_alive

SIDECARS = "sidecars"
SUFFIX = ".sqlite"
# VALUES of an IN (...) per statement (SQLite's default limit is 32,766 variables)
CHUNK = 900


def sidecar_path(store: str | os.PathLike[str], generation: str) -> Path:
    """Where the sidecar of ``generation`` of the store at ``store`` lives."""
    return Path(store) / SIDECARS / f"{generation}{SUFFIX}"


class Sidecar:
    """A sidecar opened read-only; ``meta`` is its key -> value table."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self.meta = dict(self.rows("SELECT key, value FROM meta"))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        return iter(self._db.execute(sql, params))

    def rows_in(self, sql: str, values: Iterable[Any], params: Sequence[Any] = ()) -> Iterator:
        """``sql`` with ``IN ({})`` filled by chunks of ``values`` (after ``params``)."""
        ordered = sorted(set(values))
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            yield from self._db.execute(sql.format(",".join("?" * len(chunk))), (*params, *chunk))

    def close(self) -> None:
        self._db.close()


def open_sidecar(path: Path, expected: dict[str, str]) -> Sidecar | None:
    """The sidecar at ``path`` when it exists, is readable and its meta holds
    ``expected``; else None (a missing, stale or corrupt sidecar is only a miss)."""
    if not path.is_file():
        return None
    try:
        # immutable: a sidecar is never written after its rename (no locking, no journal)
        connection = sqlite3.connect(
            f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        sidecar = Sidecar(path, connection)
    except sqlite3.DatabaseError:
        return None
    if any(sidecar.meta.get(k) != v for k, v in expected.items()):
        sidecar.close()
        return None
    return sidecar


class SidecarWriter:
    """The tables being written (``execute``, ``executemany``) and the meta to add."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self.meta: dict[str, str] = {}

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)


@contextlib.contextmanager
def write_sidecar(path: Path, *, keep: Iterable[str] = ()) -> Iterator[SidecarWriter]:
    """Write the sidecar at ``path`` all or nothing: filled through the writer yielded,
    then renamed into place. The other sidecars of the folder are removed, but for the
    generations named in ``keep`` (a reader may still be on the one replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    scratch.unlink(missing_ok=True)
    connection = sqlite3.connect(scratch, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        writer = SidecarWriter(connection)
        yield writer
        connection.executemany("INSERT INTO meta VALUES (?, ?)", writer.meta.items())
        connection.execute("COMMIT")
        connection.close()
        with scratch.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(scratch, path)
    except BaseException as error:
        connection.close()
        scratch.unlink(missing_ok=True)
        if isinstance(error, sqlite3.Error):  # a full disk, a broken file: as the OS says
            raise OSError(str(error)) from error
        raise
    kept = {path.name, *(f"{g}{SUFFIX}" for g in keep)}
    for entry in path.parent.iterdir():
        if entry.name in kept or entry.name.endswith(f".{os.getpid()}.tmp"):
            continue
        if entry.suffix == SUFFIX or _abandoned(entry):
            entry.unlink(missing_ok=True)


def _abandoned(entry: Path) -> bool:
    """A temp file of a writer that is gone (its pid, the name's second-last part)."""
    parts = entry.name.split(".")
    if entry.suffix != ".tmp" or len(parts) < 3 or not parts[-2].isdigit():
        return False
    return not process_alive(int(parts[-2]))
