"""The result type shared by the SHACL engines, and the W3C validation-report graph.

Terms are canonical N-Triples strings (``<iri>``, ``_:id``, ``"lex"^^<dt>``, ``"lex"@lang``)
so that results of different engines compare as plain sets. A result path is the SPARQL
property-path string of the shape's ``sh:path`` as written by :func:`path_string`
(``<p>``, ``^<p>``, ``(<a>/<b>)``, ``(<a>|<b>)``, ``(<p>)*``, ``(<p>)+``, ``(<p>)?``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_FIRST, RDF_REST, RDF_NIL = RDF + "first", RDF + "rest", RDF + "nil"


class ValidationResult(NamedTuple):
    """One validation result; ``key`` is what the W3C suite compares."""

    focus: str
    path: str | None
    value: str | None
    source_shape: str
    component: str
    severity: str
    messages: tuple[tuple[str, str | None], ...] = ()

    @property
    def key(self) -> tuple[str, str | None, str | None, str, str, str]:
        """The result without its messages (engines word messages differently)."""
        return (
            self.focus,
            self.path,
            self.value,
            self.source_shape,
            self.component,
            self.severity,
        )


@dataclass
class ValidationReport:
    """The outcome of a validation: ``conforms`` and the (de-duplicated) results.

    ``compiled`` and ``fallback`` count the shapes with targets that the SPARQL compiler
    ran itself and those it handed to pyshacl.
    """

    conforms: bool
    results: list[ValidationResult]
    engine: str = "default"
    compiled: int = 0
    fallback: int = 0
    fallback_shapes: list[str] = field(default_factory=list)

    def key_set(self) -> set[tuple[str, str | None, str | None, str, str, str]]:
        """The results as a set of message-less tuples (for comparing engines)."""
        return {r.key for r in self.results}

    def to_ntriples(self) -> str:
        """The report as a W3C ``sh:ValidationReport`` graph in N-Triples."""
        return report_ntriples(self)


def severity_name(iri: str) -> str:
    """``Violation``/``Warning``/``Info`` for the SHACL severities, else the IRI as N-Triples."""
    if iri.startswith(SH) and iri[len(SH) :] in ("Violation", "Warning", "Info"):
        return iri[len(SH) :]
    return f"<{iri}>"


def path_string(
    node: Any,
    objects: Callable[[Any, str], list[Any]],
    is_iri: Callable[[Any], bool],
    iri: Callable[[Any], str],
) -> str:
    """The canonical SPARQL path string of a SHACL path node.

    ``objects(node, predicate_iri)`` reads the graph holding the path, so the same function
    serves pyoxigraph, rdflib and the test suite. Raises ValueError for a malformed path.
    """

    def walk(n: Any, depth: int) -> str:
        if depth > 50:
            raise ValueError("path nested too deeply (cyclic?)")
        if is_iri(n):
            if iri(n) == RDF_NIL:
                raise ValueError("empty sequence path")
            return f"<{iri(n)}>"
        if objects(n, RDF_FIRST):
            items = [walk(x, depth + 1) for x in _list(n, objects, is_iri, iri)]
            return items[0] if len(items) == 1 else "(" + "/".join(items) + ")"
        for pred, fmt in (
            ("zeroOrMorePath", "({})*"),
            ("oneOrMorePath", "({})+"),
            ("zeroOrOnePath", "({})?"),
        ):
            inner = objects(n, SH + pred)
            if inner:
                return fmt.format(walk(inner[0], depth + 1))
        inner = objects(n, SH + "inversePath")
        if inner:
            sub = walk(inner[0], depth + 1)
            return "^" + sub if sub.startswith("<") else f"^({sub})"
        inner = objects(n, SH + "alternativePath")
        if inner:
            items = [walk(x, depth + 1) for x in _list(inner[0], objects, is_iri, iri)]
            if len(items) < 2:
                raise ValueError("alternative path needs two members")
            return "(" + "|".join(items) + ")"
        raise ValueError("not a SHACL path")

    return walk(node, 0)


def _list(
    node: Any,
    objects: Callable[[Any, str], list[Any]],
    is_iri: Callable[[Any], bool],
    iri: Callable[[Any], str],
) -> list[Any]:
    items: list[Any] = []
    seen = 0
    while not (is_iri(node) and iri(node) == RDF_NIL):
        first, rest = objects(node, RDF_FIRST), objects(node, RDF_REST)
        if not first or not rest or seen > 10_000:
            raise ValueError("malformed RDF list")
        items.append(first[0])
        node = rest[0]
        seen += 1
    return items


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def report_ntriples(report: ValidationReport) -> str:
    """A W3C validation-report graph; complex result paths become ``sh:resultPath`` literals
    of their SPARQL form (a simplification: the report is for reading, not re-validation)."""
    lines: list[str] = []
    rep = "_:report"
    lines.append(f"{rep} <{RDF}type> <{SH}ValidationReport> .")
    conforms = "true" if report.conforms else "false"
    lines.append(f'{rep} <{SH}conforms> "{conforms}"^^<{XSD}boolean> .')
    for i, r in enumerate(report.results):
        node = f"_:r{i}"
        sev = r.severity if r.severity.startswith("<") else f"<{SH}{r.severity}>"
        lines.append(f"{rep} <{SH}result> {node} .")
        lines.append(f"{node} <{RDF}type> <{SH}ValidationResult> .")
        lines.append(f"{node} <{SH}focusNode> {r.focus} .")
        lines.append(f"{node} <{SH}sourceShape> {r.source_shape} .")
        lines.append(f"{node} <{SH}sourceConstraintComponent> {r.component} .")
        lines.append(f"{node} <{SH}resultSeverity> {sev} .")
        if r.value is not None:
            lines.append(f"{node} <{SH}value> {r.value} .")
        if r.path is not None:
            path = r.path if _simple_iri(r.path) else f'"{_escape(r.path)}"'
            lines.append(f"{node} <{SH}resultPath> {path} .")
        for text, lang in r.messages:
            tag = f"@{lang}" if lang else ""
            lines.append(f'{node} <{SH}resultMessage> "{_escape(text)}"{tag} .')
    return "\n".join(lines) + "\n"


def _simple_iri(path: str) -> bool:
    return path.startswith("<") and path.endswith(">") and ">" not in path[:-1]


def dedupe(results: Iterable[ValidationResult]) -> list[ValidationResult]:
    """Results in first-seen order without repeats."""
    return list(dict.fromkeys(results))
