"""/agencies: the agencies of the store, and one agency with everything it holds."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from govkg.api import queries
from govkg.api.deps import AgencyId, PagingDep, SnapshotDep, StateDep
from govkg.api.errors import not_found
from govkg.api.models import AgencyDetail, AgencySummary, Paged
from govkg.api.state import Findings, Snapshot
from govkg.api.transfers import transfers_of
from govkg.ontology.namespaces import GK
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/agencies", tags=["agencies 机构"])


def agency_index(reader: Any) -> dict[str, dict[str, Any]]:
    """Every agency by id (first name, kind, government, level), in id order."""
    out: dict[str, dict[str, Any]] = {}
    for row in queries.rows(reader, queries.AGENCY_INDEX):
        out.setdefault(row["id"], row)
    return dict(sorted(out.items()))


def agencies_of(snap: Snapshot) -> dict[str, dict[str, Any]]:
    return snap.index("agencies", agency_index)


def summary(snap: Snapshot, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "iri": row["a"],
        "name": row["name"],
        "kind": snap.concept(row["kind"]),
        "government": row["gov"],
        "level": snap.concept(row["level"]),
    }


def _matches_kind(snap: Snapshot, iri: str | None, wanted: str) -> bool:
    concept = snap.concept(iri)
    return concept is not None and wanted in (concept["id"], concept["zh"], concept["en"])


def _list(
    snap: Snapshot, government: str | None, kind: str | None, q: str | None
) -> list[dict[str, Any]]:
    rows = agencies_of(snap).values()
    return [
        row
        for row in rows
        if (government is None or row["gov"] == government)
        and (kind is None or _matches_kind(snap, row["kind"], kind))
        and (q is None or q.lower() in (row["name"] or "").lower())
    ]


@router.get("", response_model=Paged[AgencySummary], summary="机构列表 list agencies")
async def list_agencies(
    snap: SnapshotDep,
    page: PagingDep,
    government: Annotated[
        str | None, Query(max_length=20, description="所属政府代码", examples=["329900"])
    ] = None,
    kind: Annotated[
        str | None,
        Query(
            max_length=100,
            description="机构类别（概念 id 或中英文名）agency kind: concept id or label",
            examples=["ConstituentDepartment"],
        ),
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="名称包含 name contains", examples=["数据"])
    ] = None,
) -> Paged[AgencySummary]:
    """机构，可按政府、类别、名称筛选。 Agencies, filtered by government, kind, name."""
    rows = await run_in_threadpool(_list, snap, government, kind, q)
    items = [summary(snap, r) for r in rows[page.offset : page.offset + page.limit]]
    return Paged[AgencySummary].model_validate(
        {"total": len(rows), "limit": page.limit, "offset": page.offset, "items": items}
    )


def _ref(row: dict[str, Any], key: str = "oid", name: str = "oname") -> dict[str, Any] | None:
    return {"id": row[key], "name": row[name]} if row.get(key) is not None else None


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None


def _bool(value: str | None) -> bool | None:
    return None if value is None else value in ("true", "1")


def agency_detail(snap: Snapshot, row: dict[str, Any], findings: Findings) -> dict[str, Any]:
    """The whole payload of one agency (queries run on the snapshot's reader)."""
    reader, iri = snap.reader, row["a"]
    out = summary(snap, row)
    out.update(also_named=[], units=[], duties=[], data_duties=[])
    for prop in queries.rows(reader, queries.PROPERTIES, iri=iri):
        p, o = prop["p"], prop["o"]
        if p == GK + "rank":
            out["rank"] = snap.concept(o)
        elif p == GK + "administeredBy":
            out["parent"] = _ref(prop)
        elif p == GK + "hostedIn":
            out["hosted_in"] = _ref(prop)
        elif p == GK + "nameplate":
            out["also_named"].append(o)
        elif p == GK + "uscc":
            out["uscc"] = o
        elif p == GK + "staffing":
            out["staffing"] = _int(o)
        elif p == GK + "chiefDataOfficer":
            out["cdo"] = prop["oname"]
        elif p == GK + "mandateTitle":
            out["mandate"] = o
    out["also_named"].sort()
    out["units"] = [
        {"id": u["id"], "name": u["name"], "staffing": _int(u["staffing"])}
        for u in queries.rows(reader, queries.UNITS, iri=iri)
    ]
    out["duties"] = [
        {
            "id": d["id"],
            "holder": d["holder"],
            "text": d["text"],
            "role": snap.concept(d["role"]),
            "function": _ref(d, "fid", "fname"),
            "basis": d["basis"],
        }
        for d in queries.rows(reader, queries.DUTIES, iri=iri)
    ]
    out["data_duties"] = [
        {
            "id": d["id"],
            "holder": d["holder"],
            "kind": snap.concept(d["kind"]),
            "dataset": _ref(d, "dsid", "dsname"),
            "in_mandate": _bool(d["inMandate"]),
            "text": d["text"],
        }
        for d in queries.rows(reader, queries.DATA_DUTIES, iri=iri)
    ]
    out["datasets"] = [
        {
            "id": d["id"],
            "name": d["name"],
            "share_type": snap.concept(d["share"]),
            "open_type": snap.concept(d["open"]),
        }
        for d in queries.rows(reader, queries.SOURCED_DATASETS, iri=iri)
    ]
    out["power_items"] = [
        {
            "id": p["id"],
            "base_code": p["base"],
            "name": p["name"],
            "type": snap.concept(p["type"]),
            "source": snap.concept(p["source"]),
        }
        for p in queries.rows(reader, queries.POWER_ITEMS, iri=iri)
    ]
    out["transfers"] = transfers_of(snap, [iri], of=row["id"])
    out["findings"] = findings.tally(findings.matching(agency=row["id"]), agency=row["id"])
    return out


@router.get(
    "/{agency_id}", response_model=AgencyDetail, summary="一个机构 one agency, all it holds"
)
async def get_agency(agency_id: AgencyId, snap: SnapshotDep, state: StateDep) -> Response:
    """机构及其内设机构、职责、数据职责、数据资源、权力事项和发现的问题。
    An agency with its units, duties, data duties, datasets, power items and findings."""
    cached = snap.payloads.get(("agency", agency_id))
    if cached is None:
        row = agencies_of(snap).get(agency_id)
        if row is None:
            raise not_found("机构", "agency", agency_id)
        findings = await state.findings(snap)
        cached = await run_in_threadpool(
            snap.cached_json,
            "agency",
            agency_id,
            AgencyDetail,
            lambda: agency_detail(snap, row, findings),
        )
    return Response(cached, media_type="application/json")
