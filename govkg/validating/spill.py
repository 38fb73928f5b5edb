"""Rows filed on disk by key (a government, a government's units, a range of base codes,
a file of ids), in pickled frames appended to one file per key, read back a key at a
time: the scratch files of validation by government (govkg/validating/government_stream.py)."""

from __future__ import annotations

import pickle
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

Filed = tuple[Any, ...]  # a row, or what R7 reads of a power item (R7_COLUMNS)
FLUSH_ROWS = 250_000  # rows held in the files' buffers at most (a flush opens every file)


class Spill:
    """Rows written to one file per key (a government, a range of base codes), read back
    a key at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, Path] = {}
        self.buffers: dict[str, dict[str, list[Filed]]] = defaultdict(lambda: defaultdict(list))
        self.buffered = 0

    def add(self, table: str, keyed: Iterable[tuple[str, Filed]]) -> None:
        """Rows of ``table``, each under its key (a block of them: one call, and one
        list looked up per key, not per row)."""
        buffers = self.buffers
        lists: dict[str, list[Filed]] = {}
        n = 0
        for key, row in keyed:
            rows = lists.get(key)
            if rows is None:
                rows = lists[key] = buffers[key][table]
            rows.append(row)
            n += 1
        self.buffered += n
        if self.buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for key, tables in self.buffers.items():
            path = self.files.setdefault(key, self.folder / f"{len(self.files)}.pickle")
            with path.open("ab") as out:
                pickle.dump(dict(tables), out, protocol=pickle.HIGHEST_PROTOCOL)
        self.buffers.clear()
        self.buffered = 0

    def read(self, key: str) -> dict[str, list[Filed]]:
        """The rows written under ``key``, per table, in the order written."""
        found: dict[str, list[Filed]] = defaultdict(list)
        path = self.files.get(key)
        if path is None:
            return found
        with path.open("rb") as source:
            while True:
                try:
                    frame = pickle.load(source)
                except EOFError:
                    return found
                for table, rows in frame.items():
                    found[table].extend(rows)
