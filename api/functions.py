"""/functions: the function catalogue as a tree; who leads, who supports, the divisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from govkg.api import queries
from govkg.api.agencies import agencies_of
from govkg.api.deps import FunctionId, PagingDep, SnapshotDep, StateDep
from govkg.api.errors import not_found
from govkg.api.models import FunctionDetail, FunctionSummary, Paged
from govkg.api.state import Findings, Snapshot
from govkg.api.transfers import transfers_of
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/functions", tags=["functions 职能"])

LEAD = "https://govkg.org/ontology#Lead"


def function_index(reader: Any) -> dict[str, dict[str, Any]]:
    """Every function by id, with its narrower functions."""
    out: dict[str, dict[str, Any]] = {}
    for row in queries.rows(reader, queries.FUNCTION_INDEX):
        entry = out.setdefault(
            row["id"],
            {
                "id": row["id"],
                "iri": row["f"],
                "name": row["name"],
                "broader": row["broader"],
                "mandatory": row["mandatory"] in ("true", "1"),
                "categories": [],
                "narrower": [],
            },
        )
        if row["category"] and row["category"] not in entry["categories"]:
            entry["categories"].append(row["category"])
    for entry in out.values():
        parent = out.get(entry["broader"] or "")
        if parent is not None:
            parent["narrower"].append(entry["id"])
    for entry in out.values():
        entry["categories"].sort()
        entry["narrower"].sort()
    return dict(sorted(out.items()))


def functions_of(snap: Snapshot) -> dict[str, dict[str, Any]]:
    return snap.index("functions", function_index)


def summary(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "narrower"}


@router.get("", response_model=Paged[FunctionSummary], summary="职能目录 list functions")
async def list_functions(
    snap: SnapshotDep,
    page: PagingDep,
    q: Annotated[
        str | None, Query(max_length=200, description="名称包含 name contains", examples=["数据"])
    ] = None,
    broader: Annotated[
        str | None,
        Query(max_length=200, description="上级职能编码 parent function id", examples=["F01"]),
    ] = None,
    category: Annotated[
        str | None, Query(max_length=100, description="职能类别 category", examples=["信息化"])
    ] = None,
) -> Paged[FunctionSummary]:
    """职能目录，可按名称、上级职能、类别筛选。 Functions, filtered by name, parent, category."""
    entries = await run_in_threadpool(functions_of, snap)
    rows = [
        e
        for e in entries.values()
        if (q is None or q.lower() in (e["name"] or "").lower())
        and (broader is None or e["broader"] == broader)
        and (category is None or category in e["categories"])
    ]
    items = [summary(e) for e in rows[page.offset : page.offset + page.limit]]
    return Paged[FunctionSummary].model_validate(
        {"total": len(rows), "limit": page.limit, "offset": page.offset, "items": items}
    )


def function_detail(snap: Snapshot, entry: dict[str, Any], findings: Findings) -> dict[str, Any]:
    index = functions_of(snap)
    out = summary(entry)
    parent = index.get(entry["broader"] or "")
    out["broader_function"] = {"id": parent["id"], "name": parent["name"]} if parent else None
    out["narrower"] = [{"id": i, "name": index[i]["name"]} for i in entry["narrower"]]
    out["leads"], out["supports"] = [], []
    for d in queries.rows(snap.reader, queries.FUNCTION_DUTIES, iri=entry["iri"]):
        duty = {
            "id": d["id"],
            "holder": d["holder"],
            "agency": {"id": d["agency"], "name": d["aname"]},
            "text": d["text"],
            "role": snap.concept(d["role"] or LEAD),
        }
        out["leads" if (d["role"] or LEAD) == LEAD else "supports"].append(duty)
    divisions: dict[str, dict[str, Any]] = {}
    for d in queries.rows(snap.reader, queries.FUNCTION_DIVISIONS, iri=entry["iri"]):
        division = divisions.setdefault(
            d["id"], {"id": d["id"], "text": d["text"], "basis": d["basis"], "agencies": []}
        )
        if d["agency"] and d["agency"] not in division["agencies"]:
            division["agencies"].append(d["agency"])
    out["divisions"] = list(divisions.values())
    agencies = agencies_of(snap)
    leads = sorted({d["agency"]["id"] for d in out["leads"]} & agencies.keys())
    iris = [agencies[i]["a"] for i in leads]
    out["transfers"] = transfers_of(snap, iris)
    out["findings"] = findings.present(findings.of_focus(entry["id"]))
    return out


@router.get("/{function_id}", response_model=FunctionDetail, summary="一项职能 one function")
async def get_function(function_id: FunctionId, snap: SnapshotDep, state: StateDep) -> Response:
    """谁牵头、谁配合、分工条款、上下级职能。
    Who leads, who supports, the division clauses, the tree (broader/narrower)."""
    entry = (await run_in_threadpool(functions_of, snap)).get(function_id)
    if entry is None:
        raise not_found("职能", "function", function_id)
    findings = await state.findings(snap)
    body = await run_in_threadpool(
        snap.cached_json,
        "function",
        function_id,
        FunctionDetail,
        lambda: function_detail(snap, entry, findings),
    )
    return Response(body, media_type="application/json")
