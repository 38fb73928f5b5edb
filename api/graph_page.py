"""/ui/graph: agencies, functions and datasets as a picture one clicks through; every
node is a link that centres the picture on it (plain SVG links, no script)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from govkg.api import layout, page_data
from govkg.api.agencies import agencies_of
from govkg.api.deps import SnapshotDep, StateDep
from govkg.api.state import Findings, Snapshot
from govkg.api.web import render_page
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/ui", tags=["pages 网页"], include_in_schema=False)

Node = Annotated[str | None, Query(max_length=200)]


def default_centre(snap: Snapshot, findings: Findings) -> str | None:
    """An agency of the first overlap (where a user most likely wants to look), else the
    first agency."""
    for item in findings.items:
        if item["finding"]["rule"] == "R2" and item["finding"]["related"]:
            return item["finding"]["related"][0]
    return next(iter(agencies_of(snap)), None)


def _picture(snap: Snapshot, ident: str) -> tuple[page_data.Neighbourhood, layout.Picture] | None:
    centre = page_data.named(snap, ident)
    if centre.kind not in ("agency", "function", "dataset"):
        return None
    around = page_data.neighbourhood(snap, centre)
    return around, layout.graph_picture(around)


@router.get("/graph", response_class=HTMLResponse, summary="关系图 graph")
async def graph_page(
    request: Request, snap: SnapshotDep, state: StateDep, node: Node = None
) -> HTMLResponse:
    findings = await state.findings(snap)
    ident = node or default_centre(snap, findings)
    drawn = None if ident is None else await run_in_threadpool(_picture, snap, ident)
    if drawn is None:
        return render_page(request, "not_found.html", status=404, what="graph", ident=ident or "")
    around, picture = drawn
    agencies = [(i, row["name"]) for i, row in agencies_of(snap).items()]
    return render_page(
        request, "graph.html", around=around, picture=picture, agencies=agencies, centre=ident
    )
