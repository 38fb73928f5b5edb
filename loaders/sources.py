"""Preparing sources for the store: each becomes the N-Triples of its own named graph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from govkg.loaders.checks import check_workbook
from govkg.loaders.mapping import provenance_triples, workbook_triples
from govkg.loaders.rdf_files import rdf_format_of, read_rdf_file
from govkg.loaders.workbook import read_workbook

from govkg.store import oxigraph as oxi


@dataclass(frozen=True)
class PreparedSource:
    """A checked source, serialized as N-Triples in ``data``, ready to be stored."""

    path: Path
    graph: str
    data: Path
    rows: int
    triples: int
    encodings: dict[str, str] = field(default_factory=dict)  # CSV files not in UTF-8


def graph_iri(path: Path, base_iri: str) -> str:
    """The named graph of a source: the file or folder name without its suffix.

    >>> graph_iri(Path("examples/city.xlsx"), "https://id.govkg.org/")
    'https://id.govkg.org/graph/city'
    """
    name = path.name if path.is_dir() else path.stem
    return f"{base_iri}graph/{quote(name, safe='._-~')}"


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def workbook_to_ntriples(path: str | Path, *, base_iri: str) -> bytes:
    """The N-Triples of a workbook, after checking it (raises InputError when bad)."""
    workbook = read_workbook(path)
    check_workbook(workbook)
    return "".join(workbook_triples(workbook, base_iri)).encode()


def prepare_source(
    path: Path,
    *,
    base_iri: str,
    scratch: Path,
    graph: str | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> PreparedSource:
    """Read and check one source, and write its graph (with provenance) into ``scratch``."""
    started = now()
    graph = graph or graph_iri(path, base_iri)
    out_path = scratch / f"{len(list(scratch.iterdir()))}.nt"
    rdf_format = None if path.is_dir() else rdf_format_of(path)
    with out_path.open("wb") as out:
        if rdf_format is not None:
            fmt, content = read_rdf_file(path)
            oxi.convert_to_ntriples(
                content, format=fmt, output=out, base_iri=path.resolve().as_uri()
            )
            rows = 0
            encodings = {}
        else:
            workbook = read_workbook(path)
            check_workbook(workbook)
            rows = workbook.row_count()
            encodings = workbook.other_encodings()
            for chunk in workbook_triples(workbook, base_iri):
                out.write(chunk.encode())
                if on_rows:
                    on_rows(chunk.count("\n"))
        out.write(provenance_triples(graph, path.resolve().as_uri(), started, now(), rows).encode())
    with out_path.open("rb") as handle:
        triples = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    return PreparedSource(path, graph, out_path, rows, triples, encodings)
