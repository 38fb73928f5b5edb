"""What the worker processes do (see govkg.api.workers): SPARQL queries (sparql_task.py),
the findings of a generation, validation of uploaded workbooks, loads and updates.

Runs in the child process only. Each reply is ``("ok", value)`` or
``("error", status, zh, en, problems)``; no traceback leaves the process.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from govkg.api.draft_reports import kept_findings, page_check, xlsx_bytes
from govkg.api.readers import reader
from govkg.api.sparql_task import sparql
from govkg.loaders.archives import ArchiveLimits, use_limits
from govkg.ontology.namespaces import sparql_prefixes

from govkg.errors import GovkgError
from govkg.querying import query_syntax_error
from govkg.settings import Settings
from govkg.sparql_guard import check_sparql

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

    from govkg.loading import after_switch, derived_graphs
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
        after_switch(graph_store, hook, settings, prepare=False)  # no copy: push_copy.py
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
