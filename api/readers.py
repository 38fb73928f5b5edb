"""The stores a worker process reads: one generation, opened read-only once per worker."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from govkg.errors import Problem, StoreError
from govkg.store import oxigraph as oxi

_readers: dict[str, Any] = {}


def reader(store: str, generation: str | None) -> Any:
    """The store of one generation, opened read-only once per worker."""
    if generation is None:
        return oxi.memory_store()
    if generation not in _readers:
        path = Path(store) / generation
        if not path.is_dir():
            # gone: two writes ended since the request began; it reads the live data
            live = os.readlink(Path(store) / "current")
            return reader(store, live) if live != generation else _missing(path)
        _readers.clear()
        _readers[generation] = oxi.disk_store(path, read_only=True)
    return _readers[generation]


def _missing(path: Path) -> Any:
    raise StoreError(
        Problem(path.name, "存储已更新，请重试", "the store changed meanwhile; try again")
    )
