"""The push's prepared copy (govkg/neo4j/prepared.py) of the generation a write of the
store has just switched to.

Every writer of a new generation calls ``prepare_push`` after its switch, still under
the store's lock: `govkg load` (govkg/loading.py), the API's SPARQL update
(api/tasks.py) and the decisions (govkg/decisions.py). So `govkg neo4j push` finds the
copy of whichever wrote the live generation, and maps the store only when the settings
(``neo4j_rows_on_load``) said to prepare none.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from govkg.store import GraphStore


def prepare_push(
    store: GraphStore, *, prepare: bool, loaded: Mapping[str, Path] | None = None
) -> bool:
    """The rows a push of the live generation sends, beside it; False when they were not
    written (the push then maps the store). Older generations' copies are removed, but
    the one a reader may still be on. ``loaded``: graphs the write has just loaded from
    N-Triples files, read from those files instead of the store (a load's sources);
    without ``prepare`` only older generations' copies go."""
    from govkg.neo4j.prepared import remove_other_copies, write_prepared

    generation, data = store.open_generation()
    if generation is None:
        return False
    kept = [entry.name for entry in store.path.glob("gen-*")]  # a reader may be on the last
    try:
        if not prepare:
            remove_other_copies(store.path, keep=kept)
            return False
        write_prepared(store.path, generation, data, keep=kept, loaded=loaded)
    except OSError:
        return False
    return True
