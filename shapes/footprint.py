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

from govkg.shapes.findings import NAME_PREDICATES
from govkg.shapes.results import RDF, SH
from govkg.shapes.shapes_model import RDFS, ShapesGraph

from govkg import oxi

ALWAYS = frozenset({RDF + "type", RDFS + "subClassOf", *NAME_PREDICATES})
SPARQL_TEXTS = ("select", "ask", "construct")


@functools.lru_cache(maxsize=4)
def visible_predicates(sg: ShapesGraph) -> frozenset[str] | None:
    """The predicates the shapes (and the findings) can see; None when they see all.
    Found once per shapes graph.

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
    """
    seen: set[str] = set(ALWAYS)
    for triple in sg.triples:
        if triple.predicate.value == SH + "closed":
            return None
        seen.update(
            t.value for t in (triple.subject, triple.predicate, triple.object) if oxi.is_iri(t)
        )
        if triple.predicate.value in {SH + k for k in SPARQL_TEXTS}:
            named = _query_iris(sg.prefixes(triple.subject) + triple.object.value)
            if named is None:
                return None
            seen.update(named)
    return frozenset(seen)


def _query_iris(text: str) -> set[str] | None:
    """The IRIs a SPARQL query names; None when a pattern can match any predicate."""
    from rdflib.plugins.sparql import prepareQuery  # half a second: load only when asked

    # $this and the other pre-bound variables are ordinary variables to the parser
    algebra = prepareQuery(text).algebra
    found: set[str] = set()
    for node in _walk(algebra):
        kind = type(node).__name__
        if kind == "NegatedPath":
            return None
        if kind == "URIRef":
            found.add(str(node))
        if isinstance(node, tuple) and len(node) == 3 and type(node[1]).__name__ == "Variable":
            return None
    return found


def _walk(node: Any) -> Iterator[Any]:
    """Every value inside rdflib's query algebra (dicts, lists, tuples and paths)."""
    todo = [node]
    seen: set[int] = set()
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(item)
        elif hasattr(item, "args"):  # AlternativePath, SequencePath
            todo.extend(item.args)
        elif hasattr(item, "arg"):  # InvPath
            todo.append(item.arg)
        elif hasattr(item, "path"):  # MulPath
            todo.append(item.path)
