"""/findings: what the rules R1-R17 find in the store, computed once per generation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from govkg.api.deps import PagingDep, SnapshotDep, StateDep
from govkg.api.models import FindingView, Paged
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/findings", tags=["findings 问题"])


@router.get("", response_model=Paged[FindingView], summary="发现的问题 list findings")
async def list_findings(
    request: Request,
    snap: SnapshotDep,
    state: StateDep,
    page: PagingDep,
    rule: Annotated[
        str | None, Query(max_length=20, description="规则 rule id", examples=["R2"])
    ] = None,
    severity: Annotated[
        str | None,
        Query(
            max_length=20,
            description="严重程度 severity: violation, warning, info",
            examples=["violation"],
        ),
    ] = None,
    government: Annotated[
        str | None, Query(max_length=20, description="政府代码 government", examples=["329900"])
    ] = None,
    agency: Annotated[
        str | None, Query(max_length=200, description="机构编码 agency id", examples=["JH-DSJ"])
    ] = None,
) -> Response:
    """规则 R1–R17 发现的问题，可按规则、严重程度、政府、机构筛选。
    Findings of the rules R1-R17, filtered by rule, severity, government and agency."""
    findings = await state.findings(snap)

    def build() -> dict[str, Any]:
        rows = findings.matching(rule, severity, government, agency)
        items = findings.present(rows[page.offset : page.offset + page.limit])
        return {"total": len(rows), "limit": page.limit, "offset": page.offset, "items": items}

    key = str(sorted(request.query_params.multi_items()))
    body = await run_in_threadpool(snap.cached_json, "findings", key, Paged[FindingView], build)
    return Response(body, media_type="application/json")
