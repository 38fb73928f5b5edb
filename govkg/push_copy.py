"""The push's prepared copy (govkg/neo4j/prepared.py) of the generation a write of the
store has just switched to."""

from __future__ import annotations

from pathlib import Path

from govkg.store import GraphStore


def prepare_push(store: GraphStore, loaded: dict[str, Path], *, prepare: bool = True) -> bool:
    """The rows a push of the live generation sends (govkg/neo4j/prepared.py), its graphs
    in ``loaded`` read from those N-Triples files; False when they were not written (the
    push then maps the store). Without ``prepare`` only older generations' copies go."""
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
