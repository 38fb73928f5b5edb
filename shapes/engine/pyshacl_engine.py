"""pyshacl as the reference SHACL engine, and the fallback of the compiled one.

The one module that imports pyshacl (and, to feed it, rdflib). Graphs are converted term
by term, keeping blank-node ids, so that its results name the same nodes as the store
and the shapes graph do, and compare as sets with those of the compiled engine.
"""

from __future__ import annotations

from typing import Any

import pyshacl
from govkg.shapes.engine.results import (
    RDF,
    SH,
    XSD,
    ValidationReport,
    ValidationResult,
    dedupe,
    path_string,
    severity_name,
)
from govkg.shapes.engine.shapes_model import TARGETS, ShapesGraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF as RDFNS
from rdflib.plugins.sparql import prepareQuery

from govkg.store import oxigraph as oxi

_SH = {n: URIRef(SH + n) for n in (
    "focusNode", "resultPath", "value", "sourceShape", "sourceConstraintComponent",
    "resultSeverity", "resultMessage", "ValidationResult",
)}  # fmt: skip
_CLASSES = {"http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class"}


def to_rdflib(node: Any) -> Any:
    """A pyoxigraph term as an rdflib term (blank-node ids and lexical forms kept)."""
    if oxi.is_iri(node):
        return URIRef(node.value)
    if oxi.is_blank(node):
        return BNode(node.value)
    value, datatype, language = oxi.literal_parts(node)
    if language:
        return Literal(value, lang=language)
    if datatype == XSD + "string":
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype), normalize=False)


def to_ntriples(node: Any) -> str:
    """An rdflib term as the canonical N-Triples string pyoxigraph writes."""
    if isinstance(node, URIRef):
        return str(oxi.named_node(str(node)))
    if isinstance(node, BNode):
        return f"_:{node}"
    lang = node.language
    datatype = str(node.datatype) if node.datatype is not None and not lang else None
    return str(oxi.literal(str(node), datatype=datatype, language=lang))


class DataGraph(Graph):
    """An rdflib graph that parses each query text once.

    pyshacl runs a sh:sparql constraint once per focus node, with the same text and the
    focus pre-bound; rdflib would parse and translate the text every time (tens of ms, and
    far more for long queries), which dominated the run time. Evaluation is unchanged.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[tuple[str, str | None], Any] = {}

    def query(
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,  # noqa: N803
        initBindings: Any = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and processor == "sparql" and not initNs:
            key = (query_object, kwargs.get("base"))
            if key not in self._prepared:
                self._prepared[key] = prepareQuery(query_object, base=kwargs.get("base"))
            query_object = self._prepared[key]
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def _graph(triples: Any, cls: type[Graph] = Graph) -> Graph:
    g = cls()
    for t in triples:
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def shapes_for(sg: ShapesGraph, only: list[Any] | None) -> Graph:
    """The shapes graph for pyshacl; with ``only``, the other shapes lose their targets."""
    g = _graph(sg.triples)
    if only is None:
        return g
    keep = {str(s) for s in only}
    for shape in sg.shapes():
        if str(shape) in keep:
            continue
        node = to_rdflib(shape)
        for t in TARGETS:
            g.remove((node, URIRef(SH + t), None))
        for c in _CLASSES:
            g.remove((node, RDFNS.type, URIRef(c)))
    return g


def results_of(report: Graph, shapes: Graph) -> list[ValidationResult]:
    """The validation results of a pyshacl report graph."""

    def objects(node: Any, pred: str) -> list[Any]:
        found = list(report.objects(node, URIRef(pred)))
        return found or list(shapes.objects(node, URIRef(pred)))

    out = []
    # Only the report's own results: pyshacl also types nested sh:detail results.
    for r in report.objects(None, URIRef(SH + "result")):
        one = {k: report.value(r, _SH[k]) for k in _SH}
        path_node = one["resultPath"]
        path = (
            None
            if path_node is None
            else path_string(path_node, objects, lambda n: isinstance(n, URIRef), str)
        )
        messages = tuple(
            (str(m), getattr(m, "language", None) or None)
            for m in report.objects(r, _SH["resultMessage"])
        )
        severity = one["resultSeverity"]
        out.append(
            ValidationResult(
                to_ntriples(one["focusNode"]),
                path,
                None if one["value"] is None else to_ntriples(one["value"]),
                to_ntriples(one["sourceShape"]),
                to_ntriples(one["sourceConstraintComponent"]),
                severity_name(str(severity) if severity is not None else SH + "Violation"),
                messages,
            )
        )
    return out


def validate_store(
    store: Any,
    sg: ShapesGraph,
    *,
    only: list[Any] | None = None,
    union_default: bool = True,
) -> ValidationReport:
    """Validate a pyoxigraph store with pyshacl (only the shapes ``only`` when given)."""
    quads = oxi.quads_of(store)
    data = _graph((q for q in quads if union_default or oxi.in_default_graph(q)), DataGraph)
    shapes = shapes_for(sg, only)
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False
    )
    results = dedupe(results_of(report, shapes))
    return ValidationReport(
        conforms=not results,
        results=results,
        engine="pyshacl",
        fallback=len(only) if only is not None else 0,
    )


def validate(data: Any, shapes: ShapesGraph | bytes | str, **kw: Any) -> ValidationReport:
    """Same inputs as the default engine's ``validate``: a store or Turtle bytes."""
    from govkg.shapes.engine.sparql_engine import validate as _validate

    return _validate(data, shapes, engine="pyshacl", **kw)


__all__ = ["RDF", "results_of", "shapes_for", "to_ntriples", "to_rdflib", "validate_store"]
