"""/docs: the OpenAPI documentation in Swagger UI, served from the package itself.

FastAPI's own /docs loads Swagger UI from a public CDN, blank on an intranet without
one; the fastapi wheel does not ship the files. They come from the swagger-ui-bundle-v2
package (Swagger UI 5: OpenAPI 3.1, as FastAPI writes it), and the page starts it from
a script file of ours rather than inline, so that the Content-Security-Policy needs no
'unsafe-inline' for scripts.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<title>govkg API 接口文档</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs-assets/favicon-32x32.png">
</head><body>
<div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body></html>
"""


@router.get("/docs")
async def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)


def mount_assets(app: FastAPI) -> None:
    """Swagger UI's files at /docs-assets (from the installed package)."""
    from swagger_ui_bundle import swagger_ui_path

    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")
