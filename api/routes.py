"""Every route of the API, in one place."""

from __future__ import annotations

from fastapi import APIRouter
from govkg.api import (
    agencies,
    datasets,
    findings,
    functions,
    mandate,
    overlaps,
    service,
    sparql,
    validate,
)
from govkg.api.errors import COMMON_RESPONSES

api_router = APIRouter(responses=COMMON_RESPONSES)
api_router.include_router(service.router)  # GET /
api_router.include_router(sparql.router)  # GET, POST /sparql; POST /update
api_router.include_router(agencies.router)  # GET /agencies, /agencies/{id}
api_router.include_router(functions.router)  # GET /functions, /functions/{id}
api_router.include_router(datasets.router)  # GET /datasets, /datasets/{id}
api_router.include_router(findings.router)  # GET /findings
api_router.include_router(overlaps.router)  # GET /overlaps
api_router.include_router(validate.router)  # POST /validate, /load
api_router.include_router(mandate.router)  # POST /import/mandate
