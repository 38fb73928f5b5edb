"""The worker's SPARQL task: a user's query under the row and byte limits (see
govkg.api.tasks), answered as SPARQL results or a graph."""

from __future__ import annotations

import json
from typing import Any

from govkg.api.readers import reader

from govkg.errors import InputError, Problem
from govkg.querying import in_deep_stack, user_query
from govkg.settings import Settings
from govkg.store import oxigraph as oxi


def _term_json(term: Any) -> dict[str, Any]:
    if oxi.is_iri(term):
        return {"type": "uri", "value": term.value}
    if oxi.is_blank(term):
        return {"type": "bnode", "value": term.value}
    if oxi.is_triple_term(term):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    value, datatype, language = oxi.literal_parts(term)
    out: dict[str, Any] = {"type": "literal", "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = datatype
    return out


def _row_limit_error(limit: int, what_zh: str, what_en: str) -> InputError:
    return InputError(
        Problem(
            "SPARQL",
            f"结果超过 {limit:,} {what_zh}的上限，请加 LIMIT 或缩小查询范围",
            f"the result has more than the limit of {limit:,} {what_en}; add LIMIT or narrow "
            "the query",
        )
    )


def _check_iris(iris: list[str]) -> None:
    problems = []
    for iri in iris:
        try:
            oxi.named_node(iri)
        except ValueError as error:
            problems.append(
                Problem(iri, f"图的 IRI 无效：{error}", f"not a valid graph IRI: {error}")
            )
    if problems:
        raise InputError(problems)


def _byte_limit_error(limit: int) -> InputError:
    return InputError(
        Problem(
            "SPARQL",
            f"结果超过 {limit:,} 字节的上限（GOVKG_RESULT_MAX_BYTES），请加 LIMIT 或缩小查询范围",
            f"the result is larger than the limit of {limit:,} bytes "
            "(GOVKG_RESULT_MAX_BYTES); add LIMIT or narrow the query",
        )
    )


def sparql(
    store: str,
    *,
    generation: str | None,
    query: str,
    result_format: str,
    graph_format: str,
    settings: Settings,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> tuple[str, bytes]:
    """Run a user's query (checked first, see govkg.sparql_guard) under the row and byte
    limits of the settings; answer (kind, bytes): kind is ``results`` or ``graph``."""
    _check_iris([*(default_graph or []), *(named_graphs or [])])
    data = reader(store, generation)
    dataset = {"default_graph": default_graph, "named_graphs": named_graphs}
    return in_deep_stack(
        lambda: _answer(
            user_query(data, query, settings, **dataset),
            result_format,
            graph_format,
            settings.row_limit,
            settings.result_max_bytes,
        )
    )


def _answer(
    outcome: Any, result_format: str, graph_format: str, row_limit: int, byte_limit: int
) -> tuple[str, bytes]:
    """The results serialized, refused as soon as they pass either limit (the bytes are
    counted as the terms' texts while reading: one row of GROUP_CONCAT can be 100 MB)."""
    size = 0
    if outcome.kind == "ask":
        return "results", oxi.serialize_results(outcome.results, result_format)
    if outcome.kind == "graph":
        triples = []
        for triple in outcome.results:
            triples.append(triple)
            size += len(triple.subject.value) + len(triple.object.value) + 40
            if len(triples) > row_limit:
                raise _row_limit_error(row_limit, "个三元组", "triples")
            if size > byte_limit:
                raise _byte_limit_error(byte_limit)
        body = oxi.serialize_graph(triples, graph_format)
    else:
        names = [v.value for v in outcome.results.variables]
        rows = []
        for solution in outcome.results:
            row = {n: _term_json(solution[n]) for n in names if solution[n] is not None}
            rows.append(row)
            size += sum(len(term["value"]) + 40 for term in row.values() if "value" in term)
            if len(rows) > row_limit:
                raise _row_limit_error(row_limit, "行", "rows")
            if size > byte_limit:
                raise _byte_limit_error(byte_limit)
        body = json.dumps(
            {"head": {"vars": names}, "results": {"bindings": rows}}, ensure_ascii=False
        ).encode()
        if result_format != "json":
            body = oxi.serialize_results(oxi.results_from_json(body), result_format)
    if len(body) > byte_limit:
        raise _byte_limit_error(byte_limit)
    return ("graph" if outcome.kind == "graph" else "results"), body
