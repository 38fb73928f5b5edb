"""The FastAPI app: ``create_app(settings)``; nothing is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from govkg.api import api_docs, errors, web
from govkg.api.guards import Guards, allowed_hosts
from govkg.api.limits import BodyLimit
from govkg.api.routes import api_router
from govkg.api.state import AppState
from govkg.loaders.archives import use_limits

from govkg import __version__
from govkg.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    """The API over the store of ``settings``: worker pools start with the app.
    InputError when it would listen on every address with no Host name to check."""
    allowed_hosts(settings)
    use_limits(settings.archive_limits())
    state = AppState(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        state.start()
        state.warm()
        try:
            yield
        finally:
            state.close()

    app = FastAPI(
        title="govkg API",
        summary="政府职能与数据职责知识图谱 "
        "A knowledge graph of government functions and data duties",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # served from the package instead of a CDN: api/api_docs.py
        redoc_url=None,
    )
    app.state.govkg = state
    app.state.govkg_templates = web.make_environment()
    errors.install(app)
    app.include_router(api_router)
    app.include_router(api_docs.router)
    app.mount("/static", StaticFiles(packages=[("govkg.api", "static")]), name="static")
    api_docs.mount_assets(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    # outermost: the Host and the token of a write are checked before the body is read
    app.add_middleware(Guards, settings=settings)
    return app
