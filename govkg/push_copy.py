"""The push's prepared copy (govkg/neo4j/prepared.py) of the generation a write of the
store has just switched to.

Every writer of a new generation calls ``prepare_push`` after its switch, still under
the store's lock (govkg/loading.py's ``after_switch``). `govkg load` prepares the copy
of its generation (unless ``neo4j_rows_on_load`` is off), reading its own N-Triples
files. The API's SPARQL update (api/tasks.py) and the decisions (govkg/decisions.py)
prepare none and only remove the older copies: mapping their generation from the store
would add ~65 % to their CPU (~12 s at 200 agencies, on a click in the pages), so a push
after them maps the store.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Mapping
from pathlib import Path

from govkg.errors import Problem
from govkg.store import GraphStore


def prepare_push(
    store: GraphStore, *, prepare: bool, loaded: Mapping[str, Path] | None = None
) -> bool:
    """The rows a push of the live generation sends, beside it; False when they were not
    written (the push then maps the store). Older generations' copies are removed, but
    the one a reader may still be on. ``loaded``: graphs the write has just loaded from
    N-Triples files, read from those files instead of the store (a load's sources);
    without ``prepare`` only older generations' copies go (``remove_older_copies``).

    The copy is a cache and the generation has already switched: a failure to map or
    write it (a full disk, memory, an error of the mapping) is said on stderr and
    leaves no copy, never failing the write."""
    if not prepare:
        remove_older_copies(store)
        return False
    from govkg.neo4j.prepared import prepared_path, write_prepared

    generation, data = store.open_generation()
    if generation is None:
        return False
    path = prepared_path(store.path, generation)
    try:
        write_prepared(store.path, generation, data, keep=_kept(store), loaded=loaded)
    except Exception as error:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)  # in case it was written whole before the failure
        _say_not_prepared(path, error)
        return False
    return True


def remove_older_copies(store: GraphStore) -> None:
    """What a write that prepares no copy of its generation leaves (the module says
    which and why): the copies of the generations the store no longer keeps are removed
    (an older one left behind would be harmless: it is never read as the live one's).
    The generation itself is not opened."""
    from govkg.neo4j.prepared import remove_other_copies

    with contextlib.suppress(OSError):
        remove_other_copies(store.path, keep=_kept(store))


def _kept(store: GraphStore) -> list[str]:
    """The generations the store keeps: the live one and the one a reader may be on."""
    return [entry.name for entry in store.path.glob("gen-*")]


def _say_not_prepared(path: Path, error: Exception) -> None:
    reason = f"{type(error).__name__}: {error}"
    problem = Problem(
        str(path),
        f"未能写入推送准备文件（{reason}）；数据已写入，推送时将改为读取存储",
        f"could not write the push's prepared rows ({reason}); the data is written, and a "
        "push will map the store instead",
    )
    print(f"govkg: {problem}", file=sys.stderr)
