"""What the worker processes do (see govkg.api.workers): SPARQL queries under a row limit,
the findings of a generation, validation of uploaded workbooks, loads and updates.

Runs in the child process only. Each reply is ``("ok", value)`` or
``("error", status, zh, en, problems)``; no traceback leaves the process.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from govkg.ontology.namespaces import sparql_prefixes

from govkg.errors import GovkgError, InputError, Problem, StoreError
from govkg.querying import query_syntax_error, run_query
from govkg.settings import Settings
from govkg.store import oxigraph as oxi

_readers: dict[str, Any] = {}
_cache: dict[str, Any] = {}


def worker_main(conn: Connection, store: str) -> None:
    """Serve tasks until the pipe closes or a None arrives."""
    from govkg.api.errors import STATUS_TEXT, govkg_error_parts

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
        _readers.clear()
        path = Path(store) / generation
        if not path.is_dir():
            raise StoreError(
                Problem(str(path), "存储已更新，请重试", "the store changed meanwhile; try again")
            )
        _readers[generation] = oxi.disk_store(path, read_only=True)
    return _readers[generation]


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


def sparql(
    store: str,
    *,
    generation: str | None,
    query: str,
    result_format: str,
    graph_format: str,
    row_limit: int,
    default_graph: list[str] | None = None,
    named_graphs: list[str] | None = None,
) -> tuple[str, bytes]:
    """Run a query; answer (kind, bytes): kind is ``results`` or ``graph``."""
    options: dict[str, Any] = {}
    _check_iris([*(default_graph or []), *(named_graphs or [])])
    if default_graph is not None or named_graphs is not None:
        options["default_graph"] = default_graph if default_graph is not None else []
        if named_graphs is not None:
            options["named_graphs"] = named_graphs
    outcome = run_query(reader(store, generation), query, **options)
    if outcome.kind == "ask":
        return "results", oxi.serialize_results(outcome.results, result_format)
    if outcome.kind == "graph":
        triples = []
        for triple in outcome.results:
            triples.append(triple)
            if len(triples) > row_limit:
                raise _row_limit_error(row_limit, "个三元组", "triples")
        return "graph", oxi.serialize_graph(triples, graph_format)
    names = [v.value for v in outcome.results.variables]
    rows = []
    for solution in outcome.results:
        rows.append({n: _term_json(solution[n]) for n in names if solution[n] is not None})
        if len(rows) > row_limit:
            raise _row_limit_error(row_limit, "行", "rows")
    body = json.dumps(
        {"head": {"vars": names}, "results": {"bindings": rows}}, ensure_ascii=False
    ).encode()
    if result_format == "json":
        return "results", body
    return "results", oxi.serialize_results(oxi.results_from_json(body), result_format)


# --- findings ---------------------------------------------------------------------------
_INVOLVED = """
SELECT DISTINCT ?id ?agency ?gov WHERE {
  VALUES ?id { %s }
  ?x dct:identifier ?id .
  # itself, or the agency of a unit, a power item, a dataset or a duty (of a unit):
  # one path from the bound ?x (oxigraph walked a UNION of patterns from every entity)
  ?x (org:unitOf|gk:implementedBy|gk:sourceAgency|gk:heldBy/org:unitOf?)? ?ag .
  ?ag a gk:Agency ; dct:identifier ?agency ; gk:government/gk:divisionCode ?gov .
}"""
_GOVERNMENTS = "SELECT ?code WHERE { ?g a gk:Government ; gk:divisionCode ?code }"
# Past this many ids one pass over every entity beats looking each up: a province's
# findings name hundreds of thousands of ids (R7: most power items) (docs/benchmarks.md#api).
LOOKUPS_UP_TO = 50_000


def _involved(data: Any, ids: list[str]) -> Iterator[tuple[str, str, str]]:
    """(id, agency, government) of the entities among ``ids``, read as CSV (in Rust)."""
    if len(ids) > LOOKUPS_UP_TO:
        wanted = set(ids)
        queries = [_INVOLVED.replace("VALUES ?id { %s }", "")]
    else:
        wanted = None
        queries = [
            _INVOLVED % " ".join(json.dumps(i, ensure_ascii=False) for i in ids[s : s + 400])
            for s in range(0, len(ids), 400)
        ]
    for query in queries:
        table = oxi.serialize_results(run_query(data, query).results, "csv").decode()
        rows = csv.reader(io.StringIO(table))
        next(rows, None)
        for ident, agency, gov in rows:
            if wanted is None or ident in wanted:
                yield ident, agency, gov


def _rule_book() -> Any:
    if "book" not in _cache:
        from govkg.shapes.validation import rule_book

        _cache["book"] = rule_book()
    return _cache["book"]


def findings(store: str, *, generation: str | None, base_iri: str) -> dict[str, Any]:
    """The findings of a generation, each with the agencies and governments it concerns:
    those stored with the generation when up to date, else computed now."""
    from govkg.shapes.findings_store import compute_findings, stored_findings

    book = _rule_book()
    data = reader(store, generation)
    stored = stored_findings(data, base_iri)
    if stored is None:
        # every predicate the queries below use is one the rules see: the copy holds them
        found, data = compute_findings(data, book, base_iri)
    else:
        found = stored
    ids = sorted({i for f in found for i in (f.focus, *f.related)})
    agencies: dict[str, set[str]] = {}
    governments: dict[str, set[str]] = {}
    for ident, agency, gov in _involved(data, ids):
        agencies.setdefault(ident, set()).add(agency)
        governments.setdefault(ident, set()).add(gov)
    codes = {row["code"].value for row in run_query(data, _GOVERNMENTS).results}
    out = []
    for f in found:
        keys = (f.focus, *f.related)
        involved = set().union(*(agencies.get(k, set()) for k in keys))
        govs = set().union(*(governments.get(k, set()) for k in keys)) | (set(keys) & codes)
        out.append(
            {"finding": f.as_dict(), "agencies": sorted(involved), "governments": sorted(govs)}
        )
    rules = {
        r.id: {"severity": r.severity, "zh": r.name.get("zh", r.id), "en": r.name.get("en", r.id)}
        for r in book.ordered()
    }
    return {"findings": out, "rules": rules}


# --- validation, loads, updates ------------------------------------------------------------
def _outcome(paths: list[str], draft: str | None, base_iri: str) -> Any:
    from govkg.shapes.validation import validate_sources

    sources = [Path(p) for p in paths]
    if draft is not None:
        from govkg.shapes.draft import validate_draft

        return validate_draft(sources, Path(draft), base_iri=base_iri)
    return validate_sources(sources, base_iri=base_iri)


def validate(store: str, *, paths: list[str], draft: str | None, base_iri: str) -> dict[str, Any]:
    """The findings JSON of workbook.md for uploaded workbooks (and a draft)."""
    from govkg.shapes.findings import as_json

    return as_json(_outcome(paths, draft, base_iri).findings)


def validate_with_xlsx(
    store: str, *, paths: list[str], draft: str | None, base_iri: str, lang: str
) -> dict[str, Any]:
    """As ``validate``, with the xlsx report (summary sheet, a sheet per rule) as bytes."""
    from govkg.shapes.findings import as_json

    outcome = _outcome(paths, draft, base_iri)
    return {
        "report": as_json(outcome.findings),
        "xlsx": _xlsx(outcome.findings, outcome.book, lang),
    }


def _xlsx(found: list[Any], book: Any, lang: str) -> bytes:
    """The xlsx report of findings (summary sheet, a sheet per rule), as bytes."""
    from govkg.shapes.report import xlsx_report

    with tempfile.TemporaryDirectory(prefix="govkg-report-") as scratch:
        target = Path(scratch) / "report.xlsx"
        xlsx_report(target, found, book, lang)
        return target.read_bytes()


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
    lang: str | None = None,
) -> dict[str, Any]:
    """A 三定 upload as a draft (written to ``out``) checked against the store's graph;
    with ``lang``, the check's xlsx report too (as ``validate_with_xlsx``)."""
    from govkg.loaders.mandate.baseline import baseline_from_store
    from govkg.loaders.mandate.importer import build_draft, read_mandate
    from govkg.loaders.mandate.writing import write_draft
    from govkg.loaders.workbook import read_workbook
    from govkg.shapes.draft_store import validate_draft_on_store
    from govkg.shapes.findings import as_json

    data = reader(store, generation)
    baseline = baseline_from_store(data, "store")
    mandate = read_mandate(Path(path), name)
    result = build_draft([], baseline, government, mandates=[mandate])
    write_draft(result.draft, Path(out))
    findings = validate_draft_on_store(data, read_workbook(out), base_iri)
    answer: dict[str, Any] = {"draft": result.as_json(), "check": as_json(findings)}
    if lang is not None:
        answer["xlsx"] = _xlsx(findings, _rule_book(), lang)
    return answer


def ping(store: str) -> str:
    return "pong"


TASKS: dict[str, Callable[..., Any]] = {
    "sparql": sparql,
    "findings": findings,
    "validate": validate,
    "validate_with_xlsx": validate_with_xlsx,
    "load": load,
    "update": update,
    "import_mandate": import_mandate,
    "ping": ping,
}
