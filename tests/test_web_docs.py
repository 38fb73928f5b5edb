"""/docs in a real browser (Debian's chromium): Swagger UI comes from the server itself,
under its Content-Security-Policy, with no request to any other host (issue 12)."""

from __future__ import annotations

from playwright.sync_api import Page, Request, expect

from tests.api_server import Server
from tests.test_web import ARTIFACTS, console_errors, page, server  # noqa: F401


def test_docs_render_offline(page: Page, server: Server) -> None:  # noqa: F811
    requested: list[str] = []

    def on_request(request: Request) -> None:
        requested.append(request.url)

    page.on("request", on_request)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("govkg API")
    expect(page.locator(".opblock").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "docs.png"))
    assert requested and all(url.startswith(server.url) for url in requested), requested
    assert missing == []
