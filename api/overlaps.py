"""/overlaps: each R2 finding (two agencies lead one function, no division clause) with
both agencies' lead duties side by side."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from govkg.api import queries
from govkg.api.agencies import agencies_of
from govkg.api.deps import PagingDep, SnapshotDep, StateDep
from govkg.api.functions import functions_of
from govkg.api.models import Overlap, Paged
from govkg.api.state import Snapshot
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/overlaps", tags=["overlaps 职责交叉"])


def overlap_items(snap: Snapshot, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's overlaps, with the lead duties of both sides (one query for the page)."""
    agencies, functions = agencies_of(snap), functions_of(snap)
    wanted = {(i["finding"]["focus"], a) for i in page for a in i["finding"]["related"]}
    duties: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if wanted:
        query_pairs = queries.pairs(sorted(wanted))
        for d in queries.rows(snap.reader, queries.LEAD_DUTIES, pairs=query_pairs):
            duties.setdefault((d["fid"], d["agency"]), []).append(
                {
                    "id": d["id"],
                    "holder": d["holder"],
                    "text": d["text"],
                    "role": snap.concept("https://govkg.org/ontology#Lead"),
                    "function": {"id": d["fid"], "name": None},
                }
            )
    for found in duties.values():
        found.sort(key=lambda duty: duty["id"])
    out = []
    for item in page:
        f = item["finding"]
        function = functions.get(f["focus"])
        name = function["name"] if function else None
        sides = []
        for agency in f["related"]:
            side_duties = duties.get((f["focus"], agency), [])
            for duty in side_duties:
                duty["function"]["name"] = name
            known = agencies.get(agency)
            sides.append(
                {
                    "agency": {"id": agency, "name": known["name"] if known else None},
                    "duties": side_duties,
                }
            )
        out.append(
            {"function": {"id": f["focus"], "name": name}, "message": f["message"], "sides": sides}
        )
    return out


@router.get("", response_model=Paged[Overlap], summary="职责交叉 overlapping duties (R2)")
async def list_overlaps(
    request: Request,
    snap: SnapshotDep,
    state: StateDep,
    page: PagingDep,
    government: Annotated[
        str | None, Query(max_length=20, description="政府代码 government", examples=["329900"])
    ] = None,
    agency: Annotated[
        str | None, Query(max_length=200, description="机构编码 agency id", examples=["JH-SCJG"])
    ] = None,
) -> Response:
    """两个机构牵头同一职能却没有分工：双方的牵头职责并列。
    Two agencies lead one function with no division clause: both sides' lead duties."""
    findings = await state.findings(snap)

    def build() -> dict[str, Any]:
        rows = [
            item
            for item in findings.items
            if item["finding"]["rule"] == "R2"
            and (government is None or government in item["governments"])
            and (agency is None or agency in item["agencies"])
        ]
        items = overlap_items(snap, rows[page.offset : page.offset + page.limit])
        return {"total": len(rows), "limit": page.limit, "offset": page.offset, "items": items}

    key = str(sorted(request.query_params.multi_items()))
    body = await run_in_threadpool(snap.cached_json, "overlaps", key, Paged[Overlap], build)
    return Response(body, media_type="application/json")
