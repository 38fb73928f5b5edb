"""`govkg export`: the store's data as Turtle, N-Triples, JSON-LD, N-Quads or TriG."""

from __future__ import annotations

from typing import IO, Any

from govkg.ontology.namespaces import PREFIXES
from govkg.store import oxigraph as oxi


def export(store: Any, output: IO[bytes], *, format: str, graph: str | None = None) -> None:
    """Write the union of all named graphs, or one graph, or (nq/trig) the whole dataset."""
    if graph is not None:
        oxi.dump(store, output, format=format, graph=graph, prefixes=PREFIXES)
    elif format in ("nq", "trig"):
        oxi.dump(store, output, format=format, prefixes=PREFIXES)
    else:
        union = oxi.query(store, "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        oxi.serialize_stream(union, output, format=format, prefixes=PREFIXES)
