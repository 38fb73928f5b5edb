"""Every route of the API, in one place."""

from __future__ import annotations

from fastapi import APIRouter
from govkg.api import (
    agencies,
    datasets,
    draft_page,
    findings,
    functions,
    graph_page,
    hidden_overlaps,
    mandate,
    mandate_page,
    overlap_page,
    overlaps,
    pages,
    service,
    sparql,
    validate,
)
from govkg.api.errors import COMMON_RESPONSES

api_router = APIRouter(responses=COMMON_RESPONSES)
api_router.include_router(service.router)  # GET / (a browser is sent on to /ui)
api_router.include_router(sparql.router)  # GET, POST /sparql; POST /update
api_router.include_router(agencies.router)  # GET /agencies, /agencies/{id}
api_router.include_router(functions.router)  # GET /functions, /functions/{id}
api_router.include_router(datasets.router)  # GET /datasets, /datasets/{id}
api_router.include_router(findings.router)  # GET /findings
api_router.include_router(overlaps.router)  # GET /overlaps
api_router.include_router(validate.router)  # POST /validate, /load
# the web pages (HTML, Chinese first, ?lang=en); their CSS is mounted at /static in main
api_router.include_router(pages.router)  # GET /ui, /ui/agencies/{id}, /ui/functions/{id},
#                                          /ui/datasets/{id}, /ui/findings, /ui/search
api_router.include_router(overlap_page.router)  # GET /ui/overlaps (R2 side by side, R10)
api_router.include_router(hidden_overlaps.router)  # POST /ui/overlaps/decide (R16), xlsx
api_router.include_router(graph_page.router)  # GET /ui/graph?node=
api_router.include_router(draft_page.router)  # GET, POST /ui/draft; GET /ui/draft/report/{token}
api_router.include_router(mandate_page.router)  # POST /ui/draft/mandate (a 三定 text)
api_router.include_router(mandate.router)  # POST /import/mandate
