"""What part of the data a shapes graph can see: the predicates it names.

A triple whose predicate no shape names (as a path, a target, a class, or in the text of
a SPARQL constraint), and that the findings do not use to name an entity, cannot change
a finding. Leaving such triples out of the store a workbook is validated in saves a
third of a province's triples (power items' materials and time limits, the source row
of every entity, descriptions). A shape that can see every predicate — a SPARQL pattern
with a variable predicate or a negated property set, or ``sh:closed`` — turns this off.

Parsing the SPARQL texts costs about half a second (once per shapes graph), so callers
use it for large inputs.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from govkg.ontology.namespaces import DCT
from govkg.shapes.engine.results import RDF, SH
from govkg.shapes.engine.shapes_model import RDFS, ShapesGraph
from govkg.shapes.findings import NAME_PREDICATES

from govkg.store import oxigraph as oxi

ALWAYS = frozenset({RDF + "type", RDFS + "subClassOf", *NAME_PREDICATES})
IDENTIFIER = DCT + "identifier"
SPARQL_TEXTS = ("select", "ask", "construct")


@functools.lru_cache(maxsize=4)
def visible_predicates(sg: ShapesGraph, *, ids_in_iris: bool = False) -> frozenset[str] | None:
    """The predicates the shapes (and the findings) can see; None when they see all.
    Found once per shapes graph. With ``ids_in_iris`` (the findings read the workbook
    ids from the IRIs they were made into), dct:identifier only when a shape names it.

    >>> sg = ShapesGraph.parse('''
    ...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://ex/> .
    ...   ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
    ... ''')
    >>> "https://ex/p" in visible_predicates(sg)
    True
    >>> open_shape = ShapesGraph.parse('''
    ...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://ex/> .
    ...   ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .
    ... ''')
    >>> visible_predicates(open_shape) is None
    True
    >>> IDENTIFIER in visible_predicates(sg, ids_in_iris=True)
    False
    """
    seen: set[str] = set()
    for triple in sg.triples:
        if triple.predicate.value == SH + "closed":
            return None
        seen.update(
            t.value for t in (triple.subject, triple.predicate, triple.object) if oxi.is_iri(t)
        )
        if triple.predicate.value in {SH + k for k in SPARQL_TEXTS}:
            named = _query_iris(_algebra(sg.prefixes(triple.subject) + triple.object.value))
            if named is None:
                return None
            seen.update(named)
    if ids_in_iris and IDENTIFIER not in seen:
        return frozenset(seen | ALWAYS - {IDENTIFIER})
    return frozenset(seen | ALWAYS)


@functools.lru_cache(maxsize=4)
def visible_classes(sg: ShapesGraph) -> frozenset[str] | None:
    """The classes whose rdf:type triples the shapes can see; None when they see all.

    A shape sees the classes it names; a SPARQL pattern ``?x a ?t`` sees more, unless
    ``?t`` is used nowhere but in ``FILTER (?t = <class> && ...)`` around that pattern
    (the rules' way of testing a class). A province's million power items need no
    rdf:type triple: no rule names their class.

    >>> sg = ShapesGraph.parse('''
    ...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://ex/> .
    ...   ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:sparql [ sh:select
    ...     "SELECT $this WHERE {?u <https://ex/of> $this; a ?t FILTER (?t = <https://ex/C>)}" ] .
    ... ''')
    >>> sorted(c for c in visible_classes(sg) if c.startswith("https://ex/"))
    ['https://ex/C', 'https://ex/S', 'https://ex/n', 'https://ex/of']
    >>> any_type = ShapesGraph.parse('''
    ...   @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://ex/> .
    ...   ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:sparql [ sh:select
    ...     "SELECT $this WHERE { $this a ?t . FILTER (?t != <https://ex/C>) }" ] .
    ... ''')
    >>> visible_classes(any_type) is None
    True
    """
    if visible_predicates(sg) is None:
        return None
    seen: set[str] = set()
    for triple in sg.triples:
        seen.update(t.value for t in (triple.subject, triple.object) if oxi.is_iri(t))
        if triple.predicate.value in {SH + k for k in SPARQL_TEXTS}:
            algebra = _algebra(sg.prefixes(triple.subject) + triple.object.value)
            if not _types_tested(algebra):
                return None
            seen.update(_query_iris(algebra) or ())
    return frozenset(seen)


@functools.lru_cache(maxsize=256)
def _algebra(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery  # half a second: load only when asked

    # $this and the other pre-bound variables are ordinary variables to the parser
    return prepareQuery(text).algebra


def _types_tested(algebra: Any) -> bool:
    """Whether every ``?x a ?t`` of a query is inside a FILTER (or an OPTIONAL's filter)
    that has ``?t = <IRI>`` among its conjuncts, and ``?t`` is used nowhere else;
    rdf:type must be nowhere but as the predicate of a pattern."""
    objects = _type_objects(algebra)
    if objects is None:
        return False  # rdf:type in a path or an expression
    pending: dict[Any, int] = {}  # variable: its patterns not inside a FILTER testing it
    for obj in objects:
        if type(obj).__name__ == "Variable":
            pending[obj] = pending.get(obj, 0) + 1
    allowed = dict(pending)  # uses that cannot see another class: patterns and tests
    for node in _walk(algebra):
        kind = getattr(node, "name", None)
        if kind not in ("Filter", "LeftJoin") or node.get("expr") is None:
            continue
        inside = _type_objects(node["p" if kind == "Filter" else "p2"], subqueries=False)
        for var in _class_tests(node["expr"]):
            if var in pending:
                allowed[var] += 1
                pending[var] -= sum(1 for obj in inside or () if obj == var)
    uses: dict[Any, int] = {}
    for node in _walk(algebra):
        if type(node).__name__ == "Variable" and node in allowed:
            uses[node] = uses.get(node, 0) + 1
    return all(count <= 0 and uses[var] == allowed[var] for var, count in pending.items())


def _type_objects(algebra: Any, *, subqueries: bool = True) -> list[Any] | None:
    """The objects of the rdf:type patterns in ``algebra``; None if rdf:type appears
    anywhere else (in a path, an expression)."""
    objects = [o for _, p, o in _patterns(algebra, subqueries=subqueries) if _is_type_iri(p)]
    mentions = sum(1 for node in _walk(algebra, subqueries=subqueries) if _is_type_iri(node))
    return objects if mentions == len(objects) else None


def _is_type_iri(node: Any) -> bool:
    return type(node).__name__ == "URIRef" and str(node) == RDF + "type"


def _class_tests(expr: Any) -> list[Any]:
    """The variables ``?v`` of the ``?v = <IRI>`` conjuncts of a FILTER expression."""
    conjuncts = [expr]
    if getattr(expr, "name", None) == "ConditionalAndExpression":
        conjuncts = [expr["expr"], *(expr.get("other") or [])]
    found = []
    for c in conjuncts:
        if getattr(c, "name", None) != "RelationalExpression" or c.get("op") != "=":
            continue
        sides = [type(x).__name__ for x in (c["expr"], c["other"])]
        if sides == ["Variable", "URIRef"]:
            found.append(c["expr"])
        elif sides == ["URIRef", "Variable"]:
            found.append(c["other"])
    return found


def _query_iris(algebra: Any) -> set[str] | None:
    """The IRIs a SPARQL query names; None when a pattern can match any predicate."""
    found: set[str] = set()
    for node in _walk(algebra):
        kind = type(node).__name__
        if kind == "NegatedPath":
            return None
        if kind == "URIRef":
            found.add(str(node))
    if any(type(p).__name__ == "Variable" for _, p, _ in _patterns(algebra)):
        return None
    return found


def _patterns(algebra: Any, *, subqueries: bool = True) -> Iterator[tuple[Any, Any, Any]]:
    """The triple patterns of a query: tuples in a BGP, flat lists (s p o s p o ...) in
    the TriplesBlock of an EXISTS."""
    for node in _walk(algebra, subqueries=subqueries):
        if isinstance(node, tuple) and len(node) == 3:
            yield node
        elif getattr(node, "name", None) == "TriplesBlock":
            for flat in node.get("triples") or ():
                yield from (tuple(flat[i : i + 3]) for i in range(0, len(flat) - 2, 3))


def _walk(node: Any, *, subqueries: bool = True) -> Iterator[Any]:
    """Every value inside rdflib's query algebra, each occurrence once (the scope sets
    ``_vars`` left out; sub-SELECTs only if asked)."""
    todo = [node]
    while todo:
        item = todo.pop()
        yield item
        if isinstance(item, dict):
            if not subqueries and getattr(item, "name", None) == "Project":
                continue
            todo.extend(v for k, v in item.items() if not str(k).startswith("_"))
        elif isinstance(item, (list, tuple)):
            todo.extend(item)
        elif hasattr(item, "args"):  # AlternativePath, SequencePath
            todo.extend(item.args)
        elif hasattr(item, "arg"):  # InvPath
            todo.append(item.arg)
        elif hasattr(item, "path"):  # MulPath
            todo.append(item.path)
