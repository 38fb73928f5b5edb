"""What the worker processes do (see govkg.api.workers): SPARQL queries under row and
byte limits, the findings of a generation, validation of uploaded workbooks, loads and
updates.

Runs in the child process only. Each reply is ``("ok", value)`` or
``("error", status, zh, en, problems)``; no traceback leaves the process.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from govkg.api.draft_reports import kept_findings, page_check, xlsx_bytes
from govkg.loaders.archives import ArchiveLimits, use_limits
from govkg.ontology.namespaces import sparql_prefixes

from govkg.errors import GovkgError, InputError, Problem, StoreError
from govkg.querying import in_deep_stack, query_syntax_error, user_query
from govkg.settings import Settings
from govkg.sparql_guard import check_sparql
from govkg.store import oxigraph as oxi

_readers: dict[str, Any] = {}
_cache: dict[str, Any] = {}


def worker_main(conn: Connection, store: str, limits: ArchiveLimits) -> None:
    """Serve tasks until the pipe closes or a None arrives; uploads are checked against
    ``limits`` (the server's settings)."""
    from govkg.api.errors import STATUS_TEXT, govkg_error_parts

    use_limits(limits)

    conn.send(("ready",))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            reply: tuple[Any, ...] = ("ok", TASKS[task.kind](store, **task.args))
        except GovkgError as error:
            reply = ("error", *govkg_error_parts(error))
        except OSError as error:
            print(f"govkg worker: {error}", file=sys.stderr)
            reply = ("error", 503, *STATUS_TEXT[503], [])
        except Exception:
            traceback.print_exc(file=sys.stderr)
            reply = ("error", 500, *STATUS_TEXT[500], [])
        conn.send(reply)


def reader(store: str, generation: str | None) -> Any:
    """The store of one generation, opened read-only once per worker."""
    if generation is None:
        return oxi.memory_store()
    if generation not in _readers:
        path = Path(store) / generation
        if not path.is_dir():
            # gone: two writes ended since the request began; it reads the live data
            live = os.readlink(Path(store) / "current")
            return reader(store, live) if live != generation else _missing(path)
        _readers.clear()
        _readers[generation] = oxi.disk_store(path, read_only=True)
    return _readers[generation]


def _missing(path: Path) -> Any:
    raise StoreError(
        Problem(path.name, "存储已更新，请重试", "the store changed meanwhile; try again")
    )


# --- SPARQL ---------------------------------------------------------------------------
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


# --- findings ---------------------------------------------------------------------------
def _rule_book() -> Any:
    if "book" not in _cache:
        from govkg.shapes.store_validation import rule_book

        _cache["book"] = rule_book()
    return _cache["book"]


def findings(store: str, *, generation: str | None, base_iri: str) -> dict[str, Any]:
    """The findings of a generation, each with the agencies and governments it concerns:
    those stored with the generation when up to date, else computed now (a store written
    before the findings kept their agencies and governments has them found now)."""
    from govkg.shapes.findings_scope import finding_scopes
    from govkg.shapes.findings_store import (
        compute_findings,
        stored_findings,
        stored_scoped_findings,
    )

    from govkg.validating.draft_sidecar import finding_entries
    from govkg.validating.draft_store import generation_sidecar

    book = _rule_book()
    data = reader(store, generation)
    # the generation's sidecar reads in seconds; the findings graph of a province in minutes
    sidecar = generation_sidecar(data, Path(store), generation, base_iri, book)
    if sidecar is not None:
        out = finding_entries(sidecar)
    else:
        scoped = stored_scoped_findings(data, base_iri)
        if scoped is None:
            found = stored_findings(data, base_iri)
            if found is None:
                # every predicate finding_scopes uses is one the rules see: the copy holds them
                found, data = compute_findings(data, book, base_iri)
            scoped = list(zip(found, finding_scopes(data, found), strict=True))
        out = [
            {"finding": f.as_dict(), "agencies": agencies, "governments": governments}
            for f, (agencies, governments) in scoped
        ]
    rules = {
        r.id: {"severity": r.severity, "zh": r.name.get("zh", r.id), "en": r.name.get("en", r.id)}
        for r in book.ordered()
    }
    return {"findings": out, "rules": rules}


# --- validation, loads, updates ------------------------------------------------------------
def _outcome(paths: list[str], draft: str | None, base_iri: str) -> Any:
    from govkg.validating.sources import validate_sources

    sources = [Path(p) for p in paths]
    if draft is not None:
        from govkg.validating.draft import validate_draft

        return validate_draft(sources, Path(draft), base_iri=base_iri)
    return validate_sources(sources, base_iri=base_iri)


def validate(store: str, *, paths: list[str], draft: str | None, base_iri: str) -> dict[str, Any]:
    """The findings JSON of workbook.md for uploaded workbooks (and a draft)."""
    from govkg.shapes.findings import as_json

    return as_json(_outcome(paths, draft, base_iri).findings)


def validate_for_page(
    store: str, *, paths: list[str], draft: str | None, base_iri: str, reports: str, shown: int
) -> dict[str, Any]:
    """As ``validate``, as the /ui/draft page shows it, the report kept in the folder
    ``reports`` for download (api/draft_reports.py)."""
    from govkg.validating.draft_result import DraftFindings

    found = _outcome(paths, draft, base_iri).findings
    return page_check(DraftFindings(list(found)), Path(reports), shown)


def _store_baseline(store: str, data: Any, generation: str | None, base_iri: str) -> Any:
    """The findings a generation keeps, from its sidecar (written first when missing),
    opened once per generation (drafts compared with it)."""
    from govkg.validating.draft_store import sidecar_baseline

    key = (generation, base_iri)
    if _cache.get("baseline_of") != key:
        _cache.pop("baseline", None)  # one generation's at a time
        _cache["baseline"] = sidecar_baseline(data, Path(store), generation, base_iri, _rule_book())
        _cache["baseline_of"] = key
    return _cache["baseline"]


def validate_draft_store(
    store: str, *, draft: str, generation: str | None, base_iri: str, reports: str, shown: int
) -> dict[str, Any]:
    """A draft workbook checked against a generation of the store (govkg/validating/draft_store.py),
    as ``validate_for_page`` answers it."""
    from govkg.loaders.workbook import read_workbook

    from govkg.validating.draft_store import check_draft_on_store

    workbook = read_workbook(Path(draft))
    data = reader(store, generation)
    baseline = _store_baseline(store, data, generation, base_iri)
    check = check_draft_on_store(data, workbook, base_iri, baseline=baseline)
    return page_check(check, Path(reports), shown)


def draft_report(store: str, *, path: str, lang: str) -> bytes:
    """The xlsx report of a check the page kept (``page_check``)."""
    return xlsx_bytes(kept_findings(Path(path)), _rule_book(), lang)


def load(store: str, *, paths: list[str], settings: Settings) -> dict[str, Any]:
    """Load uploaded sources into the store through its one writer."""
    from govkg.loading import load_sources

    report = load_sources([Path(p) for p in paths], settings, show_progress=False)
    return {
        "sources": [
            {"graph": s.graph, "rows": s.rows, "triples": s.triples} for s in report.sources
        ],
        "seconds": round(report.seconds, 3),
        "findings": report.findings_count,
    }


def update(store: str, *, text: str, settings: Settings) -> dict[str, Any]:
    """Apply a SPARQL Update through the one writer, as a new generation with its
    findings recomputed (or none, as for a load, when the settings say so)."""
    from govkg.shapes.findings_rdf import findings_graph

    from govkg.loading import derived_graphs
    from govkg.store import GraphStore

    check_sparql(
        text,
        max_length=settings.query_max_length,
        max_depth=settings.query_max_depth,
        allowed_endpoints=settings.sparql_endpoints,
    )
    prefixes = "" if "prefix" in text.lower() else sparql_prefixes()
    graph_store = GraphStore(store)
    with graph_store.writer() as writer:
        hook = derived_graphs(settings, writer.scratch)
        try:
            writer.update(
                prefixes + text, removed=[findings_graph(settings.base_iri)], prepare=hook
            )
        except SyntaxError as error:
            raise query_syntax_error(error, prefixes.count("\n")) from None
        if hook is not None:
            from govkg.validating.draft_sidecar import write_after_switch

            write_after_switch(graph_store.path, hook, settings.base_iri)
    return {
        "generation": os.readlink(Path(store) / "current"),
        "findings": hook.count if hook else None,
    }


def import_mandate(
    store: str,
    *,
    path: str,
    name: str,
    government: str | None,
    generation: str | None,
    base_iri: str,
    out: str,
    reports: str | None = None,
    shown: int = 0,
) -> dict[str, Any]:
    """A 三定 upload as a draft (written to ``out``) checked against the store's graph;
    with ``reports``, the check as the /ui/draft page shows it (as ``validate_for_page``)."""
    from govkg.loaders.mandate.baseline import baseline_from_store
    from govkg.loaders.mandate.drafting import skipped
    from govkg.loaders.mandate.importer import build_draft, read_mandate
    from govkg.loaders.mandate.writing import write_draft
    from govkg.loaders.workbook import read_workbook
    from govkg.shapes.findings import as_json

    from govkg.validating.draft_store import check_draft_on_store

    data = reader(store, generation)
    baseline = baseline_from_store(data, "store")
    mandate = read_mandate(Path(path), name)
    result = build_draft([], baseline, government, mandates=[mandate])
    write_draft(result.draft, Path(out))
    answer: dict[str, Any] = {"draft": result.as_json(), "check": None}
    if result.draft.unchecked:
        # A government the store lacks: nothing to check the draft against.
        zh, en = skipped(next(iter(result.draft.unchecked.values())))
        answer["skipped"] = {"zh": zh, "en": en}
        return answer
    baseline = _store_baseline(store, data, generation, base_iri)
    check = check_draft_on_store(data, read_workbook(out), base_iri, baseline=baseline)
    if reports is None:
        answer["check"] = as_json(check.findings())
    else:
        answer["check"] = page_check(check, Path(reports), shown)
    return answer


def ping(store: str) -> str:
    return "pong"


TASKS: dict[str, Callable[..., Any]] = {
    "sparql": sparql,
    "findings": findings,
    "validate": validate,
    "validate_for_page": validate_for_page,
    "validate_draft_store": validate_draft_store,
    "draft_report": draft_report,
    "load": load,
    "update": update,
    "import_mandate": import_mandate,
    "ping": ping,
}
