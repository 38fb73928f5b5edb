"""SHACL-SPARQL constraints (``sh:sparql``) and SPARQL-based constraint components.

Pre-binding ``$this`` for every focus node at once: the focus pattern (which binds
``?this``) is joined at the start of the WHERE group, and again inside every nested group
that mentions ``$this`` (UNION branches, sub-groups, sub-SELECTs), so that a FILTER there
sees ``?this`` bound, as it would under the spec's per-node pre-binding. Groups after
EXISTS and OPTIONAL need no copy: SPARQL evaluates them with the outer bindings.
``$PATH``, ``$currentShape`` and component parameters are substituted as text.
ASK validators become ``FILTER NOT EXISTS { ... }`` over the value nodes (oxigraph gives
EXISTS substitution semantics, which is pre-binding).
"""

from __future__ import annotations

import re
from typing import Any

from govkg.shapes.engine.compile_core import Unsupported, values_of
from govkg.shapes.engine.results import SH
from govkg.shapes.engine.shapes_model import ShapesGraph

from govkg.store import oxigraph as oxi

# Strings, IRIs and comments are masked before scanning so that braces and keywords in
# them are not mistaken for syntax.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
)
_FORBIDDEN = re.compile(r"\b(MINUS|SERVICE|VALUES)\b", re.IGNORECASE)
_VAR = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
PREBOUND = ("this", "currentShape", "shapesGraph")
# The name of the shapes graph in the scratch store of queries that use $shapesGraph.
SHAPES_GRAPH = "urn:x-govkg:shapes-graph"


def uses_shapes_graph(query: str) -> bool:
    return SHAPES_GRAPH in query


class ShaclFailure(Exception):
    """The shapes graph asks for something SHACL forbids (a failure, not a result)."""


def mask(query: str) -> str:
    """The query with strings, IRIs and comments blanked out (same length)."""
    return _OPAQUE.sub(lambda m: " " * len(m.group(0)), query)


def _match_brace(masked: str, start: int) -> int:
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ShaclFailure("unbalanced braces in SPARQL query")


def check_prebinding(masked: str, prebound: set[str]) -> None:
    """Raise ShaclFailure for the constructs SHACL forbids next to pre-bound variables."""
    found = _FORBIDDEN.search(masked)
    if found:
        raise ShaclFailure(f"{found.group(1).upper()} is not allowed in a SHACL query")
    for m in re.finditer(r"\bAS\s*[?$]([A-Za-z_][A-Za-z0-9_]*)", masked, re.IGNORECASE):
        if m.group(1) in prebound:
            raise ShaclFailure(f"a pre-bound variable ?{m.group(1)} is assigned")
    # Sub-SELECTs must project $this explicitly (a `*` or a list without it hides it).
    for m in list(re.finditer(r"\bSELECT\b", masked, re.IGNORECASE))[1:]:
        head = re.split(r"\bWHERE\b|\{", masked[m.end() :], maxsplit=1, flags=re.IGNORECASE)[0]
        if "this" in prebound and not re.search(r"[?$]this\b", head):
            raise ShaclFailure("a sub-SELECT does not project $this")


def substitutions(
    masked: str, consts: dict[str, str], path: str | None
) -> list[tuple[int, int, str]]:
    """Text edits (start, end, replacement) putting constants for pre-bound variables.

    ``bound($x)`` of a substituted variable becomes ``true`` (a constant cannot be an
    argument of BOUND, and a pre-bound variable is bound)."""
    edits: list[tuple[int, int, str]] = []
    names = set(consts) | {"shapesGraph"}
    covered: set[int] = set()
    for m in re.finditer(r"\bbound\s*\(\s*[?$]([A-Za-z_][A-Za-z0-9_]*)\s*\)", masked, re.I):
        if m.group(1) in names:
            edits.append((m.start(), m.end(), "(true)"))
            covered.update(range(m.start(), m.end()))
    for m in _VAR.finditer(masked):
        if m.start() in covered:
            continue
        name = m.group(1)
        if m.group(0) == "$PATH":
            if path is None:
                raise ShaclFailure("$PATH in a query of a node shape")
            edits.append((m.start(), m.end(), path))
        elif name == "shapesGraph":
            edits.append((m.start(), m.end(), f"<{SHAPES_GRAPH}>"))
        elif name in consts:
            edits.append((m.start(), m.end(), consts[name]))
    return edits


def prebind(query: str, focus: str, consts: dict[str, str], path: str | None) -> str:
    """The query with ``$this`` bound by ``focus`` and constants/``$PATH`` substituted."""
    masked = mask(query)
    check_prebinding(masked, set(PREBOUND) | set(consts))
    edits = substitutions(masked, consts, path)
    where = re.search(r"\bWHERE\s*\{|\{", masked, re.IGNORECASE)
    if where is None:
        raise ShaclFailure("no WHERE clause")
    first = where.end() - 1
    edits.append((first + 1, first + 1, f" {focus} "))
    for i, ch in enumerate(masked):
        if ch != "{" or i == first:
            continue
        before = masked[:i].rstrip()
        after = masked[i + 1 :].lstrip()
        if re.search(r"\b(EXISTS|OPTIONAL)$", before, re.IGNORECASE):
            continue
        if re.search(r"\bGRAPH\s+\S+$", before, re.IGNORECASE):
            continue
        if re.match(r"SELECT\b", after, re.IGNORECASE):
            continue
        if re.search(r"[?$]this\b", masked[i : _match_brace(masked, i)]):
            edits.append((i + 1, i + 1, f" {focus} "))
    out = query
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + text + out[end:]
    return out


def select_constraint(sg: ShapesGraph, shape: Any, node: Any, focus: str, path: str | None) -> str:
    """The query of one ``sh:sparql`` SELECT constraint over all focus nodes."""
    select = sg.value(node, SH + "select")
    if select is None:
        raise Unsupported("sh:sparql without sh:select")
    consts = current_shape(shape, select.value)
    return sg.prefixes(node) + prebind(select.value, focus, consts, path)


def current_shape(shape: Any, query: str) -> dict[str, str]:
    """The constant for ``$currentShape``; a blank-node shape has no name the data store
    could match, so a query using it then goes to pyshacl."""
    if oxi.is_iri(shape):
        return {"currentShape": str(shape)}
    if re.search(r"[?$]currentShape\b", mask(query)):
        raise Unsupported("$currentShape of a blank-node shape")
    return {}


def component_queries(
    sg: ShapesGraph, shape: Any, focus: str, path: str | None
) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """(component IRI, query, validator node, parameter values) for each SPARQL-based
    constraint component whose mandatory parameters the shape has."""
    out: list[tuple[str, str, Any, dict[str, Any]]] = []
    for comp in sg.subjects(SH + "parameter"):
        params = sg.objects(comp, SH + "parameter")
        consts: dict[str, str] = {}
        terms: dict[str, Any] = {}
        complete = True
        for param in params:
            p = sg.value(param, SH + "path")
            if p is None or not oxi.is_iri(p):
                raise Unsupported("parameter without an IRI path")
            name = re.split(r"[#/]", p.value)[-1]
            value = sg.value(shape, p.value)
            if value is None:
                if not sg.boolean(param, SH + "optional"):
                    complete = False
                continue
            if oxi.is_blank(value):
                raise Unsupported("blank node parameter value")
            consts[name] = str(value)
            terms[name] = value
        if not complete or not consts:
            continue
        kind = "nodeValidator" if path is None else "propertyValidator"
        validator = sg.value(comp, SH + kind) or sg.value(comp, SH + "validator")
        if validator is None:
            continue
        prefixes = sg.prefixes(validator)
        select, ask = sg.value(validator, SH + "select"), sg.value(validator, SH + "ask")
        given = select or ask
        consts.update(current_shape(shape, given.value if given else ""))
        if select is not None:
            query = prefixes + prebind(select.value, focus, consts, path)
        elif ask is not None:
            query = prefixes + ask_query(ask.value, focus, consts, path)
        else:
            raise Unsupported("validator without sh:select or sh:ask")
        out.append((str(comp), query, validator, terms))
    return out


def ask_query(ask: str, focus: str, consts: dict[str, str], path: str | None) -> str:
    """An ASK validator as one SELECT of the value nodes for which the ASK is false."""
    masked = mask(ask)
    check_prebinding(masked, {*PREBOUND, "value", *consts})
    edits = substitutions(masked, consts, path)
    out = ask
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    masked = mask(out)
    open_at = masked.find("{")
    if open_at < 0:
        raise ShaclFailure("ASK query without a pattern")
    close_at = _match_brace(masked, open_at)
    head, body = out[:open_at], out[open_at + 1 : close_at]
    head = re.sub(r"\bASK\b", "", head, flags=re.IGNORECASE)
    head = re.sub(r"\bWHERE\b", "", head, flags=re.IGNORECASE)
    return (
        f"{head}SELECT DISTINCT ?this ?value WHERE {{ {focus} {values_of(path)} "
        f"FILTER NOT EXISTS {{ {body} }} }}"
    )
