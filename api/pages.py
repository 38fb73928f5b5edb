"""/ui: the web pages for establishment-office staff — overview, agency, function,
dataset, findings and search. Server-rendered HTML, Chinese first (``?lang=en``).

The pages read the same snapshot, indexes and findings as the JSON resources.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from govkg.api import page_data
from govkg.api.agencies import agencies_of, agency_detail
from govkg.api.datasets import dataset_detail, datasets_of
from govkg.api.deps import PageId, SnapshotDep, StateDep
from govkg.api.functions import function_detail, functions_of
from govkg.api.models import AgencyDetail, DatasetDetail, FunctionDetail
from govkg.api.state import Snapshot
from govkg.api.web import render_page
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/ui", tags=["pages 网页"], include_in_schema=False)

Text = Annotated[str | None, Query(max_length=200)]
Code = Annotated[str | None, Query(max_length=20)]
FINDINGS_PER_PAGE = 50


def lookup(snap: Snapshot) -> Any:
    """For templates: what an id of a finding names (agency, function, dataset ...)."""
    return lambda ident: page_data.named(snap, ident)


def as_model(model: Any, build: Any) -> Any:
    """A payload in the shape of its JSON resource (optional fields filled in)."""
    return lambda: model.model_validate(build()).model_dump()


def not_found_page(request: Request, what: str, ident: str) -> HTMLResponse:
    return render_page(request, "not_found.html", status=404, what=what, ident=ident)


@router.get("", response_class=HTMLResponse, summary="概览 overview")
async def overview(
    request: Request, snap: SnapshotDep, state: StateDep, gov: Code = None
) -> HTMLResponse:
    findings = await state.findings(snap)
    counts = await run_in_threadpool(page_data.counts, snap, gov)
    rules = page_data.findings_by_rule(findings, gov)
    overlaps = next((r.count for r in rules if r.rule == "R2"), 0)
    return render_page(
        request,
        "overview.html",
        gov=gov,
        governments=page_data.governments(snap),
        counts=counts,
        rules=rules,
        overlaps=overlaps,
    )


async def detail_page(
    request: Request,
    snap: Snapshot,
    state: Any,
    ident: str,
    *,
    kind: str,
    entries: Callable[[Snapshot], dict[str, Any]],
    model: Any,
    detail: Callable[[Any, Any], Any],
) -> HTMLResponse:
    """The page of one agency, function or dataset (``kind``: its template and label),
    built once per snapshot in the shape of its JSON resource; 404 for an unknown id."""
    entry = (await run_in_threadpool(entries, snap)).get(ident)
    if entry is None:
        return not_found_page(request, kind, ident)
    findings = await state.findings(snap)
    payload = await run_in_threadpool(
        snap.cached, f"page-{kind}", ident, as_model(model, lambda: detail(entry, findings))
    )
    return render_page(request, f"{kind}.html", **{kind: payload}, named=lookup(snap))


@router.get("/agencies/{agency_id}", response_class=HTMLResponse, summary="机构 agency")
async def agency_page(
    request: Request, agency_id: PageId, snap: SnapshotDep, state: StateDep
) -> HTMLResponse:
    return await detail_page(
        request, snap, state, agency_id, kind="agency", entries=agencies_of,
        model=AgencyDetail, detail=lambda row, found: agency_detail(snap, row, found),
    )  # fmt: skip


@router.get("/functions/{function_id}", response_class=HTMLResponse, summary="职能 function")
async def function_page(
    request: Request, function_id: PageId, snap: SnapshotDep, state: StateDep
) -> HTMLResponse:
    return await detail_page(
        request, snap, state, function_id, kind="function", entries=functions_of,
        model=FunctionDetail, detail=lambda entry, found: function_detail(snap, entry, found),
    )  # fmt: skip


@router.get("/datasets/{dataset_id}", response_class=HTMLResponse, summary="数据资源 dataset")
async def dataset_page(
    request: Request, dataset_id: PageId, snap: SnapshotDep, state: StateDep
) -> HTMLResponse:
    return await detail_page(
        request, snap, state, dataset_id, kind="dataset", entries=datasets_of,
        model=DatasetDetail,
        detail=lambda entry, found: dataset_detail(snap, dataset_id, entry, found),
    )  # fmt: skip


@router.get("/findings", response_class=HTMLResponse, summary="问题清单 findings")
async def findings_page(
    request: Request,
    snap: SnapshotDep,
    state: StateDep,
    rule: Code = None,
    severity: Code = None,
    gov: Code = None,
    agency: Text = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = FINDINGS_PER_PAGE,
) -> HTMLResponse:
    findings = await state.findings(snap)
    matched = findings.matching(rule, severity, gov, agency)
    # paged: a province's R7 findings name tens of thousands of items
    items = findings.present(matched[offset : offset + limit])
    return render_page(
        request,
        "findings.html",
        items=items,
        total=len(matched),
        offset=offset,
        limit=limit,
        per_page=FINDINGS_PER_PAGE,
        rules=page_data.findings_by_rule(findings, None),
        governments=page_data.governments(snap),
        chosen={"rule": rule, "severity": severity, "gov": gov, "agency": agency},
        named=lookup(snap),
    )


@router.get("/search", response_class=HTMLResponse, summary="搜索 search")
async def search_page(request: Request, snap: SnapshotDep, q: Text = None) -> HTMLResponse:
    results = await run_in_threadpool(page_data.search, snap, q or "")
    return render_page(request, "search.html", q=q or "", results=results)
