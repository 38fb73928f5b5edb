"""/datasets: data resources, their source agencies, the data duties on them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from govkg.api import queries
from govkg.api.agencies import agencies_of
from govkg.api.deps import DatasetId, PagingDep, SnapshotDep, StateDep
from govkg.api.errors import not_found
from govkg.api.models import DatasetDetail, DatasetSummary, Paged
from govkg.api.state import Findings, Snapshot
from govkg.ontology.namespaces import GK
from starlette.concurrency import run_in_threadpool

router = APIRouter(prefix="/datasets", tags=["datasets 数据资源"])


def dataset_index(reader: Any) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    """Every dataset by id: (iri, name, source agency ids), kept small (tuples)."""
    out: dict[str, tuple[str, str | None, tuple[str, ...]]] = {}
    for row in queries.rows(reader, queries.DATASET_INDEX):
        sources = tuple(sorted(set((row["sources"] or "").split())))
        out.setdefault(row["id"], (row["ds"], row["name"], sources))
    return dict(sorted(out.items()))


def datasets_of(snap: Snapshot) -> dict[str, tuple[str, str | None, tuple[str, ...]]]:
    return snap.index("datasets", dataset_index)


@router.get("", response_model=Paged[DatasetSummary], summary="数据资源列表 list datasets")
async def list_datasets(
    snap: SnapshotDep,
    page: PagingDep,
    q: Annotated[
        str | None, Query(max_length=200, description="名称包含 name contains", examples=["人口"])
    ] = None,
    source: Annotated[
        str | None,
        Query(max_length=200, description="数源部门编码 source agency id", examples=["JH-GAJ"]),
    ] = None,
) -> Paged[DatasetSummary]:
    """数据资源，可按名称、数源部门筛选。 Datasets, filtered by name and source agency."""
    index = await run_in_threadpool(datasets_of, snap)
    rows = [
        (ident, entry)
        for ident, entry in index.items()
        if (q is None or q.lower() in (entry[1] or "").lower())
        and (source is None or source in entry[2])
    ]
    items = [
        {"id": ident, "iri": iri, "name": name, "sources": list(sources)}
        for ident, (iri, name, sources) in rows[page.offset : page.offset + page.limit]
    ]
    return Paged[DatasetSummary].model_validate(
        {"total": len(rows), "limit": page.limit, "offset": page.offset, "items": items}
    )


def dataset_detail(
    snap: Snapshot, ident: str, entry: tuple[str, str | None, tuple[str, ...]], findings: Findings
) -> dict[str, Any]:
    iri, name, sources = entry
    agencies = agencies_of(snap)
    out: dict[str, Any] = {
        "id": ident,
        "iri": iri,
        "name": name,
        "sources": [
            {"id": s, "name": agencies[s]["name"] if s in agencies else None} for s in sources
        ],
    }
    for prop in queries.rows(snap.reader, queries.PROPERTIES, iri=iri):
        p, o = prop["p"], prop["o"]
        if p == GK + "shareType":
            out["share_type"] = snap.concept(o)
        elif p == GK + "openType":
            out["open_type"] = snap.concept(o)
        elif p == GK + "updateFrequency":
            out["update"] = snap.concept(o)
        elif p == GK + "sourceSystem":
            out["system"] = o
    out["data_duties"] = [
        {
            "id": d["id"],
            "holder": d["holder"],
            "agency": d["agency"],
            "kind": snap.concept(d["kind"]),
            "in_mandate": None if d["inMandate"] is None else d["inMandate"] in ("true", "1"),
            "text": d["text"],
        }
        for d in queries.rows(snap.reader, queries.DATASET_DUTIES, iri=iri)
    ]
    out["findings"] = findings.present(findings.of_focus(ident))
    return out


@router.get("/{dataset_id}", response_model=DatasetDetail, summary="一项数据资源 one dataset")
async def get_dataset(dataset_id: DatasetId, snap: SnapshotDep, state: StateDep) -> Response:
    """数据资源及其数源部门、数据职责和发现的问题。
    A dataset with its sources, data duties and findings."""
    entry = (await run_in_threadpool(datasets_of, snap)).get(dataset_id)
    if entry is None:
        raise not_found("数据资源", "dataset", dataset_id)
    findings = await state.findings(snap)
    body = await run_in_threadpool(
        snap.cached_json,
        "dataset",
        dataset_id,
        DatasetDetail,
        lambda: dataset_detail(snap, dataset_id, entry, findings),
    )
    return Response(body, media_type="application/json")
