"""/ui: the web pages for establishment-office staff — overview, agency, function,
dataset, findings and search. Server-rendered HTML, Chinese first (``?lang=en``).

The pages read the same snapshot, indexes and findings as the JSON resources.
"""

from __future__ import annotations

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


@router.get("/agencies/{agency_id}", response_class=HTMLResponse, summary="机构 agency")
async def agency_page(
    request: Request, agency_id: PageId, snap: SnapshotDep, state: StateDep
) -> HTMLResponse:
    row = (await run_in_threadpool(agencies_of, snap)).get(agency_id)
    if row is None:
        return not_found_page(request, "agencies", agency_id)
    findings = await state.findings(snap)
    agency = await run_in_threadpool(
        snap.cached,
        "page-agency",
        agency_id,
        as_model(AgencyDetail, lambda: agency_detail(snap, row, findings)),
    )
    return render_page(request, "agency.html", agency=agency, named=lookup(snap))


@router.get("/functions/{function_id}", response_class=HTMLResponse, summary="职能 function")
async def function_page(
    request: Request, function_id: PageId, snap: SnapshotDep, state: StateDep
) -> HTMLResponse:
    entry = (await run_in_threadpool(functions_of, snap)).get(function_id)
    if entry is None:
        return not_found_page(request, "function", function_id)
    findings = await state.findings(snap)
    function = await run_in_threadpool(
        snap.cached,
        "page-function",
        function_id,
        as_model(FunctionDetail, lambda: function_detail(snap, entry, findings)),
    )
    return render_page(request, "function.html", function=function, named=lookup(snap))


@router.get("/datasets/{dataset_id}", response_class=HTMLResponse, summary="数据资源 dataset")
async def dataset_page(
    request: Request, dataset_id: PageId, snap: SnapshotDep, state: StateDep
) -> HTMLResponse:
    entry = (await run_in_threadpool(datasets_of, snap)).get(dataset_id)
    if entry is None:
        return not_found_page(request, "dataset", dataset_id)
    findings = await state.findings(snap)
    dataset = await run_in_threadpool(
        snap.cached,
        "page-dataset",
        dataset_id,
        as_model(DatasetDetail, lambda: dataset_detail(snap, dataset_id, entry, findings)),
    )
    return render_page(request, "dataset.html", dataset=dataset, named=lookup(snap))


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
