"""SPARQL queries on the store, and their results as text a terminal or a file can take."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from govkg.errors import InputError, Problem
from govkg.ontology.namespaces import sparql_prefixes
from govkg.store import oxigraph as oxi


@dataclass
class QueryOutcome:
    """What a query gave: ``kind`` is select, ask or graph; ``results`` pyoxigraph's."""

    kind: str
    results: Any


def run_query(store: Any, sparql: str, **options: Any) -> QueryOutcome:
    """Run a query (the project's prefixes are predeclared); a bad query is an InputError
    that keeps the parser's position."""
    prefixes = "" if "prefix" in sparql.lower() else sparql_prefixes()
    try:
        results = oxi.query(store, prefixes + sparql, **options)
    except SyntaxError as error:
        raise query_syntax_error(error, prefixes.count("\n")) from None
    if oxi.is_boolean_result(results):
        return QueryOutcome("ask", results)
    if oxi.is_graph_result(results):
        return QueryOutcome("graph", results)
    return QueryOutcome("select", results)


def query_syntax_error(error: SyntaxError, hidden_lines: int = 0) -> InputError:
    """The parser's complaint, its position counted in the text the user wrote.

    >>> query_syntax_error(SyntaxError("error at 12:26: expected ..."), 11).problems[0].line
    1
    """
    message = str(error.msg if error.msg else error)
    line = column = None
    found = re.match(r"error at (\d+):(\d+): ?(.*)", message, re.S)
    if found:
        line, column = int(found[1]) - hidden_lines, int(found[2])
        message = found[3]
    return InputError(
        Problem(
            "SPARQL",
            f"查询语法错误：{message}",
            f"query syntax error: {message}",
            line=line,
            char=column,
        )
    )


def term_text(term: Any) -> str:
    """A term as a person reads it: IRIs bare, literals without quotes."""
    return "" if term is None else str(term.value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_outcome(outcome: QueryOutcome, fmt: str) -> bytes:
    """Results as ``table``, ``json``, ``csv``, ``tsv`` or ``xml``; graphs as ``ttl``/``nt``.

    >>> store = oxi.memory_store()
    >>> print(format_outcome(run_query(store, "SELECT ?x WHERE { VALUES ?x { '机构' } }"), "table")
    ...       .decode())
    x
    ----
    机构
    <BLANKLINE>
    """
    if outcome.kind == "graph":
        return oxi.serialize_graph(outcome.results, fmt if fmt in oxi.FORMATS else "ttl")
    if fmt != "table":
        return oxi.serialize_results(outcome.results, fmt)
    if outcome.kind == "ask":
        return b"true\n" if outcome.results else b"false\n"
    names = [v.value for v in outcome.results.variables]
    rows = [[term_text(solution[name]) for name in names] for solution in outcome.results]
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]
    out = io.StringIO()
    out.write("  ".join(_pad(n, w) for n, w in zip(names, widths, strict=True)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    return out.getvalue().encode()
