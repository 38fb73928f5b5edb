"""The agencies and governments each finding concerns (what the API filters findings by).

A finding names workbook ids (its focus and related); an id concerns an agency when it is
the agency's own, or that of one of its units, power items, datasets or duties (or a
unit's), and a government when it is that agency's government, or a government's code.
Found once, when the findings are written (shapes/findings_store.py keeps them in the
findings graph), so that a server starting on a province's store need not look up its
~730k ids again (~60 s on RocksDB).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from govkg.ontology.namespaces import DCT, GK, ORG, RDF
from govkg.shapes.findings import Finding

from govkg.store import oxigraph as oxi

_INVOLVED = f"""
SELECT DISTINCT ?id ?agency ?gov WHERE {{
  VALUES ?id {{ %s }}
  ?x <{DCT}identifier> ?id .
  # itself, or the agency of a unit, a power item, a dataset or a duty (of a unit):
  # one path from the bound ?x (oxigraph walked a UNION of patterns from every entity)
  ?x (<{ORG}unitOf>|<{GK}implementedBy>|<{GK}sourceAgency>|<{GK}heldBy>/<{ORG}unitOf>?)? ?ag .
  ?ag <{RDF}type> <{GK}Agency> ; <{DCT}identifier> ?agency ;
      <{GK}government>/<{GK}divisionCode> ?gov .
}}"""
_GOVERNMENTS = (
    f"SELECT ?code WHERE {{ ?g <{RDF}type> <{GK}Government> ; <{GK}divisionCode> ?code }}"
)
# Past this many ids one pass over every entity beats looking each up: a province's
# findings name ~730k ids (R7: most power items), 77 s of lookups on RocksDB against a
# 35 s pass.
LOOKUPS_UP_TO = 50_000

Scope = tuple[list[str], list[str]]  # (agency ids, government codes), each sorted


def _csv_rows(store: Any, query: str) -> Iterator[list[str]]:
    """The rows of a SELECT, serialized as CSV in Rust and read by the csv module."""
    rows = csv.reader(io.StringIO(oxi.serialize_results(oxi.query(store, query), "csv").decode()))
    next(rows, None)
    yield from rows


def _involved(data: Any, ids: list[str]) -> Iterator[tuple[str, str, str]]:
    """(id, agency, government) of the entities among ``ids``."""
    if len(ids) > LOOKUPS_UP_TO:
        wanted: set[str] | None = set(ids)
        queries = [_INVOLVED.replace("VALUES ?id { %s }", "")]
    else:
        wanted = None
        queries = [
            _INVOLVED % " ".join(json.dumps(i, ensure_ascii=False) for i in ids[s : s + 400])
            for s in range(0, len(ids), 400)
        ]
    for query in queries:
        for ident, agency, gov in _csv_rows(data, query):
            if wanted is None or ident in wanted:
                yield ident, agency, gov


def finding_scopes(data: Any, found: Sequence[Finding]) -> list[Scope]:
    """The agencies and governments of each finding, in the order of ``found``."""
    ids = sorted({i for f in found for i in (f.focus, *f.related)})
    agencies: dict[str, set[str]] = {}
    governments: dict[str, set[str]] = {}
    for ident, agency, gov in _involved(data, ids):
        agencies.setdefault(ident, set()).add(agency)
        governments.setdefault(ident, set()).add(gov)
    codes = {code for (code,) in _csv_rows(data, _GOVERNMENTS)}
    out = []
    for f in found:
        keys = (f.focus, *f.related)
        involved = set().union(*(agencies.get(k, set()) for k in keys))
        govs = set().union(*(governments.get(k, set()) for k in keys)) | (set(keys) & codes)
        out.append((sorted(involved), sorted(govs)))
    return out
