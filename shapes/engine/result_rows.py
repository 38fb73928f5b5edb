"""Validation results from the rows of a compiled query: one function per kind of query
(a core constraint, a SPARQL-based constraint component, an sh:sparql constraint).

>>> from govkg.store import oxigraph as oxi
>>> store = oxi.memory_store()
>>> oxi.load(store, b'<http://e/a> <http://e/p> 1 .', format="ttl")
>>> rows = oxi.query(store, "SELECT ?this ?value WHERE { ?this <http://e/p> ?value }")
>>> found = core_results(rows, "<c>", "<p>", ("<s>", "Violation"), [])
>>> [(r.focus, r.value, r.component) for r in found]
[('<http://e/a>', '"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '<c>')]
"""

from __future__ import annotations

from typing import Any

from govkg.shapes.engine.batching import fill_messages, get
from govkg.shapes.engine.compile_sparql import ShaclFailure
from govkg.shapes.engine.results import SH, ValidationResult

from govkg.store import oxigraph as oxi


def core_results(
    rows: Any, comp: str, path: str | None, base: tuple, messages: list[Any]
) -> list[ValidationResult]:
    """The results of a core constraint's query (``?this``, ``?value``, ``?rpath``)."""
    out = []
    for row in rows:
        this, value, rpath = get(row, "this"), get(row, "value"), get(row, "rpath")
        out.append(
            ValidationResult(
                str(this), str(rpath) if rpath is not None else path,
                None if value is None else str(value), base[0], comp, base[1],
                fill_messages(messages, {"this": this, "value": value}) if messages else (),
            )
        )  # fmt: skip
    return out


def component_results(
    rows: Any, comp: str, path: str | None, base: tuple, templates: list, params: dict
) -> list[ValidationResult]:
    """The results of a SPARQL-based constraint component's query."""
    out = []
    for row in rows:
        this, value = get(row, "this"), get(row, "value")
        if value is None and path is None:
            value = this
        msgs = fill_messages(templates, {**params, "this": this, "value": value})
        out.append(
            ValidationResult(
                str(this), path, None if value is None else str(value), base[0],
                comp, base[1], msgs,
            )
        )  # fmt: skip
    return out


def sparql_results(
    rows: Any, sg: Any, shape: Any, node: Any, path: str | None, base: tuple
) -> list[ValidationResult]:
    """The results of one sh:sparql SELECT constraint; ShaclFailure when it reports ?failure."""
    templates = sg.objects(node, SH + "message") or sg.objects(shape, SH + "message")
    comp = f"<{SH}SPARQLConstraintComponent>"
    out = []
    for row in rows:
        failure = get(row, "failure")
        if failure is not None and failure.value.lower() in ("true", "1"):
            raise ShaclFailure(f"sh:sparql constraint of {shape} reported ?failure")
        this = get(row, "this")
        if this is None:
            continue
        value, rpath, message = get(row, "value"), get(row, "path"), get(row, "message")
        if value is None and path is None:
            value = this
        bindings = {v.value: row[v] for v in rows.variables if row[v] is not None}
        msgs = (
            ((message.value, message.language or None),)
            if message is not None and oxi.is_literal(message)
            else fill_messages(templates, bindings)
        )
        out.append(
            ValidationResult(
                str(this), str(rpath) if rpath is not None else path,
                None if value is None else str(value), base[0], comp, base[1], msgs,
            )
        )  # fmt: skip
    return out
