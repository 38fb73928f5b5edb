"""SPARQL queries on the store, and their results as text a terminal or a file can take."""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from govkg.errors import InputError, Problem
from govkg.ontology.namespaces import sparql_prefixes
from govkg.settings import Settings
from govkg.sparql_guard import check_sparql
from govkg.store import oxigraph as oxi

T = TypeVar("T")
# A user's query runs on a thread with this much stack (address space: only the pages
# used are mapped). A chain of 20,000 UNIONs, or 10,000 "+", recurses deeper in
# pyoxigraph than the main thread's 8 MiB allow, and an overflow kills the process;
# 512 MiB hold any query within the default length limit (docs/security.md).
DEEP_STACK = 512 * 1024 * 1024


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


def user_query(
    store: Any,
    sparql: str,
    settings: Settings,
    *,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> QueryOutcome:
    """A query a user wrote: checked first (govkg.sparql_guard: no SERVICE, no deep
    nesting, no huge text); its own FROM / FROM NAMED are honoured, and may not be
    combined with a dataset given beside it (the protocol's default-graph-uri)."""
    shape = check_sparql(
        sparql,
        max_length=settings.query_max_length,
        max_depth=settings.query_max_depth,
        allowed_endpoints=settings.sparql_endpoints,
    )
    options: dict[str, Any] = {}
    if default_graph is not None or named_graphs is not None:
        if shape.has_dataset:
            raise InputError(
                Problem(
                    "SPARQL",
                    "查询自带 FROM / FROM NAMED，不能再给 default-graph-uri / named-graph-uri",
                    "the query has FROM / FROM NAMED: give no default-graph-uri or "
                    "named-graph-uri beside it",
                )
            )
        options["default_graph"] = default_graph if default_graph is not None else []
        if named_graphs is not None:
            options["named_graphs"] = named_graphs
    elif shape.has_dataset:
        options["union_default"] = False  # the query's own dataset, not the union
    return run_query(store, sparql, **options)


def in_deep_stack(function: Callable[[], T]) -> T:
    """``function()`` on a thread with a DEEP_STACK stack; its result or its exception."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error

    previous = threading.stack_size(DEEP_STACK)
    try:
        thread = threading.Thread(target=target, name="govkg-query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


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
