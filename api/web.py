"""Rendering the web pages: the Jinja2 environment (the one module that imports jinja2),
the page language, and links that keep it.

The language is ``?lang=en`` (Chinese without it), carried in every link and form, so a
page's address says what one sees and pages need no cookie.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from govkg.api.labels import LANGUAGES, label


def make_environment() -> jinja2.Environment:
    """The templates of ``govkg.api`` (package data), HTML-escaped."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("govkg.api", "templates"),
        autoescape=jinja2.select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def language(request: Request) -> str:
    lang = request.query_params.get("lang", "zh")
    return lang if lang in LANGUAGES else "zh"


class PageContext:
    """What every template gets: the language, labels and links that keep the language."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.lang = language(request)

    def t(self, key: str, **values: Any) -> str:
        text = label(key, self.lang)
        return text.format(**values) if values else text

    def pick(self, pair: dict[str, Any] | None, fallback: str = "") -> str:
        """The text of a {zh, en} pair (a concept or a message) in the page language."""
        if not pair:
            return fallback
        return pair.get(self.lang) or pair.get("zh") or pair.get("id") or fallback

    def url(self, path: str, **params: Any) -> str:
        """``path`` with ``params`` (None left out) and the page language."""
        query = {k: v for k, v in params.items() if v is not None and v != ""}
        if self.lang != "zh":
            query["lang"] = self.lang
        return path + ("?" + urlencode(query) if query else "")

    def switch_url(self) -> str:
        """This page in the other language."""
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        if self.lang == "zh":
            query.append(("lang", "en"))
        return self.request.url.path + ("?" + urlencode(query) if query else "")


def render_page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page of the site, in the request's language."""
    environment: jinja2.Environment = request.app.state.govkg_templates
    page = PageContext(request)
    html = environment.get_template(template).render(page=page, t=page.t, **context)
    return HTMLResponse(html, status_code=status, headers={"Content-Language": page.lang})


def wants_html(request: Request) -> bool:
    """True when the client prefers HTML to JSON (a browser), by its Accept header."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]
