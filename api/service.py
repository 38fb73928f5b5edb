"""/ : what this service is, and the store generation it serves."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from govkg.api.deps import StateDep
from govkg.api.web import wants_html
from pydantic import BaseModel, Field

from govkg import __version__

router = APIRouter(tags=["service 服务"])


class ServiceInfo(BaseModel):
    name: dict[str, str] = Field(
        examples=[{"zh": "政府职能与数据职责知识图谱", "en": "government functions graph"}]
    )
    version: str = Field(examples=["0.1.0"])
    generation: str | None = Field(examples=["gen-000001"])
    links: dict[str, str]


@router.get("/", response_model=ServiceInfo, summary="服务信息 about this service")
async def about(request: Request, state: StateDep) -> ServiceInfo | RedirectResponse:
    """服务名称、版本和当前存储代次；浏览器（Accept: text/html）转到网页 /ui。
    The service, its version and the live store generation; a browser (Accept: text/html)
    is sent on to the web pages at /ui."""
    if wants_html(request):
        query = request.url.query
        return RedirectResponse("/ui" + (f"?{query}" if query else ""), status_code=303)
    return ServiceInfo(
        name={
            "zh": "政府职能与数据职责知识图谱",
            "en": "knowledge graph of government functions and data duties",
        },
        version=__version__,
        generation=state.generation(),
        links={
            "sparql": "/sparql",
            "agencies": "/agencies",
            "functions": "/functions",
            "datasets": "/datasets",
            "findings": "/findings",
            "overlaps": "/overlaps",
            "docs": "/docs",
            "pages": "/ui",
        },
    )
