"""/sparql (SPARQL 1.1 Protocol, read-only) and /update (SPARQL Update, bearer token).

Queries run in a worker process (govkg.api.workers) under ``settings.query_timeout``
(the worker is killed when the time is up: 503), ``settings.row_limit`` and
``settings.result_max_bytes`` (more than that: 400), at most ``queries_per_client`` at
once per client (503 with Retry-After). Every query and update is checked first
(govkg.sparql_guard): SERVICE and LOAD, which would make the server connect out, deep
nesting and very long texts are refused (400); a query's own FROM is honoured. The
default graph is the union of all graphs unless ``default-graph-uri`` /
``named-graph-uri`` (or FROM) say otherwise. Updates go through the store's
one writer and become a new generation, all or nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from govkg.api.deps import SnapshotDep, StateDep, TokenDep
from govkg.api.errors import ApiError, error_responses
from govkg.api.models import UpdateReport
from govkg.api.workers import Task

router = APIRouter(tags=["sparql"])

# media type -> format, for SELECT/ASK results and for graphs (CONSTRUCT/DESCRIBE)
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdf",
}
RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_MEDIA = {
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
UPDATE_TIMEOUT_FLOOR = 30.0  # seconds
# recomputing the findings of a province takes more than a minute on 2 cores
# (docs/benchmarks.md#findings-stored-at-load-time)
UPDATE_WITH_FINDINGS_TIMEOUT_FLOOR = 600.0
EXAMPLE_QUERY = "SELECT ?name WHERE { ?a a gk:Agency ; skos:prefLabel ?name } LIMIT 5"


def accepted(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q=0 left out)."""
    ranked = []
    for index, part in enumerate((header or "*/*").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            ranked.append((-q, index, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(header: str | None) -> tuple[str, str]:
    """(results format, graph format) for an Accept header; 406 when nothing fits."""
    result = graph = None
    for media in accepted(header):
        if media in ("*/*", "application/*", "text/*"):
            result = result or "json"
            graph = graph or "ttl"
        result = result or RESULT_TYPES.get(media)
        graph = graph or GRAPH_TYPES.get(media)
    if result is None and graph is None:
        raise ApiError(
            406,
            "无法提供所要求的格式：结果可用 JSON、XML、CSV、TSV，图可用 Turtle、N-Triples、JSON-LD",
            "not acceptable: results come as JSON, XML, CSV or TSV; graphs as Turtle, "
            "N-Triples, JSON-LD or RDF/XML",
        )
    return result or "json", graph or "ttl"


def _check_size(state: Any, text: str) -> None:
    if len(text.encode()) > state.settings.max_body_bytes:
        raise ApiError(413, "查询过长", "the query is too long")


async def _run(
    request: Request,
    state: Any,
    snap: Any,
    query: str | None,
    default_graph: list[str],
    named_graphs: list[str],
) -> Response:
    if not query or not query.strip():
        raise ApiError(400, "缺少查询（query 参数）", "the query parameter is missing")
    _check_size(state, query)
    result_format, graph_format = negotiate(request.headers.get("accept"))
    args: dict[str, Any] = {
        "generation": snap.generation,
        "query": query,
        "result_format": result_format,
        "graph_format": graph_format,
        "settings": state.settings,
    }
    if default_graph or named_graphs:
        args["default_graph"] = default_graph
        args["named_graphs"] = named_graphs or None
    client = request.client.host if request.client else ""
    kind, body = await state.readers.run(
        Task("sparql", args), state.settings.query_timeout, client=client
    )
    media = RESULT_MEDIA[result_format] if kind == "results" else GRAPH_MEDIA[graph_format]
    return Response(body, media_type=media, headers={"Vary": "Accept"})


SPARQL_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "结果 results (SELECT/ASK) or a graph (CONSTRUCT/DESCRIBE)",
        "content": {
            **{m: {"schema": {"type": "object"}} for m in ("application/sparql-results+json",)},
            **{
                m.split(";")[0]: {"schema": {"type": "string"}}
                for m in (*list(RESULT_MEDIA.values())[1:], *GRAPH_MEDIA.values())
            },
        },
    },
    **error_responses(403, 406, 415),
}

GraphParam = Annotated[
    list[str] | None,
    Query(
        alias="default-graph-uri",
        description="默认图 default graph IRIs (else the union of all graphs)",
        examples=[["https://id.govkg.org/graph/city"]],
    ),
]
NamedParam = Annotated[
    list[str] | None,
    Query(alias="named-graph-uri", description="命名图 named graph IRIs for GRAPH"),
]


@router.get(
    "/sparql",
    summary="SPARQL 查询 query (GET)",
    response_class=Response,
    responses=SPARQL_RESPONSES,
)
async def sparql_get(
    request: Request,
    state: StateDep,
    snap: SnapshotDep,
    query: Annotated[
        str | None, Query(description="SPARQL 1.1 查询 query", examples=[EXAMPLE_QUERY])
    ] = None,
    default_graph_uri: GraphParam = None,
    named_graph_uri: NamedParam = None,
) -> Response:
    """SPARQL 1.1 Protocol, query via GET. 结果格式按 Accept 协商 (JSON by default)."""
    return await _run(request, state, snap, query, default_graph_uri or [], named_graph_uri or [])


FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "example": EXAMPLE_QUERY},
        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["query"],
}


@router.post(
    "/sparql",
    summary="SPARQL 查询 query (POST)",
    response_class=Response,
    responses=SPARQL_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": FORM_SCHEMA},
                "application/sparql-query": {
                    "schema": {"type": "string", "example": EXAMPLE_QUERY}
                },
            },
        }
    },
)
async def sparql_post(
    request: Request,
    state: StateDep,
    snap: SnapshotDep,
    default_graph_uri: GraphParam = None,
    named_graph_uri: NamedParam = None,
) -> Response:
    """SPARQL 1.1 Protocol, query via POST: a form, or the query as the body
    (``application/sparql-query``). 更新请用 /update. Updates go to /update."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        form = await request.form()
        if "update" in form:
            raise ApiError(
                403,
                "本端点只读：SPARQL 更新请发到 /update（需令牌）",
                "this endpoint is read-only: send SPARQL Update to /update (with the token)",
            )
        query = form.get("query")
        graphs = [str(g) for g in form.getlist("default-graph-uri")] or default_graph_uri or []
        named = [str(g) for g in form.getlist("named-graph-uri")] or named_graph_uri or []
        return await _run(request, state, snap, str(query) if query else None, graphs, named)
    if media == "application/sparql-query":
        text = _decode(await request.body())
        graphs, named = default_graph_uri or [], named_graph_uri or []
        return await _run(request, state, snap, text, graphs, named)
    if media == "application/sparql-update":
        raise ApiError(
            403,
            "本端点只读：SPARQL 更新请发到 /update（需令牌）",
            "this endpoint is read-only: send SPARQL Update to /update (with the token)",
        )
    raise ApiError(
        415,
        "请用 application/x-www-form-urlencoded 或 application/sparql-query",
        "use application/x-www-form-urlencoded or application/sparql-query",
    )


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "请求体不是 UTF-8 文本", "the body is not UTF-8 text") from None


@router.post(
    "/update",
    summary="SPARQL 更新 update (bearer token)",
    response_model=UpdateReport,
    responses=error_responses(401, 403, 415),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"update": {"type": "string"}},
                        "required": ["update"],
                    }
                },
                "application/sparql-update": {
                    "schema": {
                        "type": "string",
                        "example": "INSERT DATA { <https://e/a> <https://e/p> 'x' }",
                    }
                },
            },
        }
    },
)
async def update(request: Request, state: StateDep, _token: TokenDep) -> UpdateReport:
    """SPARQL 1.1 Update，经存储唯一的写入者生成新的一代（全部成功或全部不写）。
    SPARQL 1.1 Update through the store's one writer, as a new generation (all or nothing).
    ``Authorization: Bearer <token>`` of the settings is required."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        text = (await request.form()).get("update")
        text = str(text) if text else None
    elif media == "application/sparql-update":
        text = _decode(await request.body())
    else:
        raise ApiError(
            415,
            "请用 application/x-www-form-urlencoded 或 application/sparql-update",
            "use application/x-www-form-urlencoded or application/sparql-update",
        )
    if not text or not text.strip():
        raise ApiError(400, "缺少更新（update 参数）", "the update parameter is missing")
    _check_size(state, text)
    # an update also copies the live generation (a checkpoint), and recomputes the
    # findings: a longer floor than queries
    floor = (
        UPDATE_WITH_FINDINGS_TIMEOUT_FLOOR
        if state.settings.findings_on_load
        else UPDATE_TIMEOUT_FLOOR
    )
    timeout = max(state.settings.query_timeout, floor)
    report = await state.writer.run(
        Task("update", {"text": text, "settings": state.settings}), timeout
    )
    state.warm()
    return UpdateReport.model_validate(report)
