"""/ui/overlaps: every unresolved overlap (R2) with both agencies' lead duties side by
side and what a division clause would have to settle; the lines of R10 as pictures."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from govkg.api import layout, page_data, queries
from govkg.api.agencies import agencies_of
from govkg.api.deps import SnapshotDep, StateDep
from govkg.api.functions import functions_of
from govkg.api.hidden_overlaps import hidden_overlaps_of, transfer_gaps_of
from govkg.api.overlaps import overlap_items
from govkg.api.state import Findings, Snapshot
from govkg.api.web import render_page
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/ui", tags=["pages 网页"], include_in_schema=False)

Code = Annotated[str | None, Query(max_length=20)]


def _divisions(snap: Snapshot, function_id: str) -> list[dict[str, Any]]:
    """The division clauses already on a function (each with the agencies it names)."""
    entry = functions_of(snap).get(function_id)
    if entry is None:
        return []
    out: dict[str, dict[str, Any]] = {}
    for d in queries.rows(snap.reader, queries.FUNCTION_DIVISIONS, iri=entry["iri"]):
        clause = out.setdefault(d["id"], {"id": d["id"], "text": d["text"], "agencies": []})
        if d["agency"] and d["agency"] not in clause["agencies"]:
            clause["agencies"].append(d["agency"])
    return list(out.values())


def overlaps_of(snap: Snapshot, findings: Findings, gov: str | None) -> list[dict[str, Any]]:
    rows = [
        item
        for item in findings.items
        if item["finding"]["rule"] == "R2" and (gov is None or gov in item["governments"])
    ]
    items = overlap_items(snap, rows)
    for item in items:
        item["divisions"] = _divisions(snap, item["function"]["id"])
    return items


def data_line_pictures(
    snap: Snapshot, findings: Findings, gov: str | None
) -> list[tuple[dict[str, Any], int, layout.Picture]]:
    """Per R10 finding: the finding, its number of lines, and the picture of them."""
    names = {ident: row["name"] for ident, row in agencies_of(snap).items()}
    out = []
    for item in findings.items:
        f = item["finding"]
        if f["rule"] != "R10" or (gov is not None and gov not in item["governments"]):
            continue
        lines = page_data.data_lines(snap, list(f["related"]))
        out.append((f, len(lines), layout.lines_picture(lines, names, set(f["related"]))))
    return out


@router.get("/overlaps", response_class=HTMLResponse, summary="职责交叉 overlaps")
async def overlaps_page(
    request: Request, snap: SnapshotDep, state: StateDep, gov: Code = None
) -> HTMLResponse:
    findings = await state.findings(snap)
    items = await run_in_threadpool(
        snap.cached, "page-overlaps", gov or "", lambda: overlaps_of(snap, findings, gov)
    )
    pictures = await run_in_threadpool(data_line_pictures, snap, findings, gov)
    hidden = await run_in_threadpool(
        snap.cached, "page-hidden", gov or "", lambda: hidden_overlaps_of(snap, findings, gov)
    )
    return render_page(
        request,
        "overlaps.html",
        gov=gov,
        governments=page_data.governments(snap),
        items=items,
        pictures=pictures,
        hidden=hidden,
        gaps=transfer_gaps_of(findings, gov),
        decided=request.query_params.get("decided", ""),
        confirmed=request.query_params.get("confirmed", ""),
        confirmed_with=request.query_params.get("with", ""),
    )
