"""SHACL Core constraint components compiled to one SPARQL SELECT each.

Every query runs over all focus nodes at once: ``focus`` is a group pattern binding
``?this`` (the shape's targets, or the value nodes of a parent shape), and the query
returns one row per validation result with ``?this`` and, where the component reports
one, ``?value`` (and ``?rpath`` for sh:closed). Components that need the conformance of
other shapes (sh:node, sh:and ...) are evaluated by the engine, not here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govkg.shapes.engine.results import RDF, SH, XSD
from govkg.shapes.engine.shapes_model import ShapesGraph

from govkg.store import oxigraph as oxi

RDF_TYPE_CLOSURE = f"<{RDF}type>/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
# XSD datatypes that SPARQL can cast to: a failing cast means an ill-formed literal.
CASTABLE = {
    XSD + n
    for n in ("integer", "decimal", "float", "double", "boolean", "dateTime", "date", "time")
}
# Integer types derived from xsd:integer: (lowest, highest) value; None is unbounded.
INTEGER_RANGES = {
    "byte": (-128, 127), "short": (-32768, 32767), "int": (-(2**31), 2**31 - 1),
    "long": (-(2**63), 2**63 - 1), "unsignedByte": (0, 255), "unsignedShort": (0, 65535),
    "unsignedInt": (0, 2**32 - 1), "unsignedLong": (0, 2**64 - 1),
    "nonNegativeInteger": (0, None), "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
}  # fmt: skip
NODE_KINDS = {
    "IRI": "isIRI(?value)",
    "BlankNode": "isBlank(?value)",
    "Literal": "isLiteral(?value)",
    "BlankNodeOrIRI": "!isLiteral(?value)",
    "BlankNodeOrLiteral": "!isIRI(?value)",
    "IRIOrLiteral": "!isBlank(?value)",
}
RANGES = {"minExclusive": ">", "minInclusive": ">=", "maxExclusive": "<", "maxInclusive": "<="}
PAIRS = {"lessThan": "<", "lessThanOrEquals": "<="}


# the constraint components the compiler translates, and how it names them
CORE = {
    "class", "datatype", "nodeKind", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "in", "hasValue",
    "minCount", "maxCount", "uniqueLang", "equals", "disjoint", "lessThan",
    "lessThanOrEquals", "closed",
}  # fmt: skip
COMPONENT = {
    "class": "Class", "nodeKind": "NodeKind", "in": "In", "languageIn": "LanguageIn",
    "lessThanOrEquals": "LessThanOrEquals", "uniqueLang": "UniqueLang", "hasValue": "HasValue",
}  # fmt: skip
LOGICAL = {"node": "Node", "not": "Not", "and": "And", "or": "Or", "xone": "Xone"}
MAX_DEPTH = 32
SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"


def component_iri(param: str) -> str:
    name = COMPONENT.get(param, param[:1].upper() + param[1:])
    return f"<{SH}{name}ConstraintComponent>"


class Unsupported(Exception):
    """A shape or constraint the compiler cannot translate (it goes to pyshacl)."""


def term(node: Any) -> str:
    """A constant for query text; blank nodes of the shapes graph cannot be named there."""
    if oxi.is_blank(node):
        raise Unsupported("blank node as a constraint parameter")
    return str(node)


def iri(node: Any) -> str:
    if not oxi.is_iri(node):
        raise Unsupported("IRI expected")
    return str(node)


def integer(node: Any) -> int:
    try:
        return int(node.value)
    except (AttributeError, ValueError):
        raise Unsupported("integer expected") from None


def sparql_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def values_of(path: str | None) -> str:
    """The pattern binding ``?value`` to each value node of ``?this``."""
    return "BIND(?this AS ?value)" if path is None else f"?this {path} ?value ."


def per_value(focus: str, path: str | None, condition: str) -> str:
    """Results for the value nodes that fail ``condition`` (an error counts as failing)."""
    return (
        f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values_of(path)} "
        f"FILTER(!COALESCE({condition}, false)) }}"
    )


def datatype_condition(dt: str) -> str:
    if dt == RDF + "langString":
        return 'isLiteral(?value) && lang(?value) != ""'
    cond = f"isLiteral(?value) && datatype(?value) = <{dt}>"
    if dt in CASTABLE:
        # Well-formedness: the cast of an ill-formed lexical form is an error.
        cond += f" && isLiteral(<{dt}>(?value))"
    elif dt.removeprefix(XSD) in INTEGER_RANGES:
        lo, hi = INTEGER_RANGES[dt.removeprefix(XSD)]
        as_int = f"<{XSD}integer>(STR(?value))"
        cond += f" && isLiteral({as_int})"
        cond += f" && {as_int} >= {lo}" if lo is not None else ""
        cond += f" && {as_int} <= {hi}" if hi is not None else ""
    return cond


def instance_of(var: str, classes: list[str]) -> str:
    """A pattern: ``var`` has rdf:type one of ``classes`` (a closed subclass set)."""
    if len(classes) == 1:
        return f"{var} <{RDF}type> {classes[0]} ."
    return f"VALUES ?cls {{ {' '.join(classes)} }} {var} <{RDF}type> ?cls ."


def value_condition(
    sg: ShapesGraph,
    shape: Any,
    param: str,
    node: Any,
    subclasses: Callable[[str], list[str]] | None = None,
) -> str | None:
    """The test a single value node ``?value`` must pass, for the components that test
    each value node on its own (None for the other components)."""
    if param == "class":
        test = (
            instance_of("?value", subclasses(iri(node)))
            if subclasses is not None
            else f"?value {RDF_TYPE_CLOSURE} {iri(node)}"
        )
        return f"EXISTS {{ {test} }}"
    if param == "datatype":
        return datatype_condition(iri(node)[1:-1])
    if param == "nodeKind":
        kind = iri(node)[1:-1].removeprefix(SH)
        if kind not in NODE_KINDS:
            raise Unsupported(f"node kind {kind}")
        return NODE_KINDS[kind]
    if param in RANGES:
        return f"?value {RANGES[param]} {term(node)}"
    if param == "minLength":
        return f"STRLEN(STR(?value)) >= {integer(node)}"
    if param == "maxLength":
        return f"!isBlank(?value) && STRLEN(STR(?value)) <= {integer(node)}"
    if param == "pattern":
        flags = sg.value(shape, SH + "flags")
        extra = f", {sparql_string(flags.value)}" if flags is not None else ""
        return f"!isBlank(?value) && REGEX(STR(?value), {sparql_string(node.value)}{extra})"
    if param == "languageIn":
        tags = [t.value for t in sg.items(node)]
        cond = " || ".join(f"langMatches(lang(?value), {sparql_string(t)})" for t in tags)
        return f"isLiteral(?value) && ({cond})" if tags else "false"
    if param == "in":
        members = [term(m) for m in sg.items(node)]
        return " || ".join(f"sameTerm(?value, {m})" for m in members) or "false"
    return None


def batch_check(
    sg: ShapesGraph,
    shape: Any,
    param: str,
    node: Any,
    path: str | None,
    subclasses: Callable[[str], list[str]] | None = None,
) -> tuple[str, bool] | None:
    """(expression true when ``?this`` passes, whether results name values), for the
    checks that can share one scan of the focus nodes with others; None otherwise."""
    cond = value_condition(sg, shape, param, node, subclasses)
    if cond is not None:
        return f"NOT EXISTS {{ {values_of(path)} FILTER(!COALESCE({cond}, false)) }}", True
    if path is not None and param in ("minCount", "maxCount") and integer(node) == 1:
        if param == "minCount":
            return f"EXISTS {{ ?this {path} ?value }}", False
        return f"NOT EXISTS {{ ?this {path} ?va , ?vb FILTER(!sameTerm(?va, ?vb)) }}", False
    return None


def compile_constraint(
    sg: ShapesGraph,
    shape: Any,
    param: str,
    node: Any,
    focus: str,
    path: str | None,
    subclasses: Callable[[str], list[str]] | None = None,
) -> str | None:
    """The query for one parameter value of a core component (None: nothing to check).

    ``subclasses(c)`` gives the classes of the data graph under ``c`` (``c`` included);
    with it, sh:class tests rdf:type against that set instead of walking
    rdfs:subClassOf* once per value node."""
    cond = value_condition(sg, shape, param, node, subclasses)
    if cond is not None:
        return per_value(focus, path, cond)
    if param == "hasValue":
        if path is None:
            return f"SELECT ?this WHERE {{ {focus} FILTER(!sameTerm(?this, {term(node)})) }}"
        return (
            f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ "
            f"?this {path} ?hv FILTER(sameTerm(?hv, {term(node)})) }} }}"
        )
    if param == "minCount":
        return min_count(focus, path, integer(node))
    if param == "maxCount":
        if path is None:
            raise Unsupported("sh:maxCount on a node shape")
        return (
            f"SELECT ?this WHERE {{ {focus} ?this {path} ?value }} "
            f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {integer(node)})"
        )
    if param == "uniqueLang":
        if path is None or not sg.boolean(shape, SH + "uniqueLang"):
            return None
        return (
            f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?a . ?this {path} ?b . "
            'FILTER(!sameTerm(?a, ?b) && lang(?a) != "" && LCASE(lang(?a)) = LCASE(lang(?b))) }'
        )
    if param == "equals":
        other = iri(node)
        # The focus pattern is repeated in each branch: a UNION branch is evaluated on its
        # own, so ?this must be bound inside it.
        mine = values_of(path).replace("?value", "?v2")
        return (
            f"SELECT DISTINCT ?this ?value WHERE {{ {{ {focus} {values_of(path)} "
            f"FILTER NOT EXISTS {{ ?this {other} ?o FILTER(sameTerm(?o, ?value)) }} }} UNION "
            f"{{ {focus} ?this {other} ?value "
            f"FILTER NOT EXISTS {{ {mine} FILTER(sameTerm(?v2, ?value)) }} }} }}"
        )
    if param == "disjoint":
        return (
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values_of(path)} "
            f"?this {iri(node)} ?o FILTER(sameTerm(?o, ?value)) }}"
        )
    if param in PAIRS:
        if path is None:
            raise Unsupported(f"sh:{param} on a node shape")
        return (
            f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values_of(path)} "
            f"?this {iri(node)} ?o FILTER(!COALESCE(?value {PAIRS[param]} ?o, false)) }}"
        )
    if param == "closed":
        if not sg.boolean(shape, SH + "closed"):
            return None
        allowed = [
            iri(m) for lst in sg.objects(shape, SH + "ignoredProperties") for m in sg.items(lst)
        ]
        for prop in sg.objects(shape, SH + "property"):
            p = sg.value(prop, SH + "path")
            if p is not None and oxi.is_iri(p):
                allowed.append(str(p))
        cond = f"FILTER(?rpath NOT IN ({', '.join(allowed)}))" if allowed else ""
        inner = values_of(path).replace("?value", "?cf")
        return (
            f"SELECT DISTINCT ?this ?rpath ?value WHERE {{ {focus} {inner} "
            f"?cf ?rpath ?value {cond} }}"
        )
    raise Unsupported(f"sh:{param}")


def min_count(focus: str, path: str | None, n: int) -> str | None:
    if n <= 0:
        return None
    if path is None:
        raise Unsupported("sh:minCount on a node shape")
    if n == 1:
        return f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?value }} }}"
    return (
        f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?value }} }} "
        f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})"
    )
