"""What every request passes before a route sees it, as pure ASGI middleware:

- the Host header, when the server listens beyond loopback: only the names of
  ``settings.allowed_hosts`` (or the address it is bound to), so that a page on another
  site cannot reach the server by rebinding its own name to the server's address;
- the token of a write (/load, /update), checked before the body is read: an upload
  without the token is never read into the server (one announced over the size limit
  is answered 413 first);
- the security headers of every answer: Content-Security-Policy (nothing from another
  origin, no inline script, no framing), X-Content-Type-Options, Referrer-Policy.
"""

from __future__ import annotations

import ipaddress

from govkg.api.deps import token_error
from govkg.api.errors import error_response
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from govkg.errors import InputError, Problem
from govkg.settings import Settings

WRITE_PATHS = frozenset({"/load", "/update"})
# The pages: server-rendered HTML, one stylesheet, SVG inline; no script at all.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# /docs runs Swagger UI (served from the package) and its styles set inline.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def is_loopback(host: str) -> bool:
    """Whether an address (or ``localhost``) is the machine's own.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("10.0.0.5")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The Host names accepted; None (any) when the server listens on loopback only.
    InputError when it listens on every address and no name is configured."""
    if is_loopback(settings.host):
        return None
    names = {name.lower() for name in settings.allowed_hosts}
    if settings.host not in WILDCARDS:
        names.add(settings.host.lower())
    if not names:
        raise InputError(
            Problem(
                "--host",
                f"监听所有地址（{settings.host or '*'}）时"
                "须用 GOVKG_ALLOWED_HOSTS 列出服务器的名称",
                f"listening on every address ({settings.host or '*'}) needs the server's "
                "names in GOVKG_ALLOWED_HOSTS",
            )
        )
    return frozenset(names)


def host_name(header: str) -> str:
    """The name of a Host header, without its port.

    >>> host_name("Govkg.Intranet:8000"), host_name("[::1]:8000"), host_name("10.0.0.5")
    ('govkg.intranet', '::1', '10.0.0.5')
    """
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _declared_too_large(headers: Headers, limit: int) -> bool:
    declared = headers.get("content-length", "")
    return declared.isdigit() and int(declared) > limit


class Guards:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.hosts = allowed_hosts(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = None
        if self.hosts is not None and host_name(headers.get("host", "")) not in self.hosts:
            refusal = error_response(
                400,
                "主机名不在允许之列（GOVKG_ALLOWED_HOSTS）",
                "the Host header is not one of the allowed names (GOVKG_ALLOWED_HOSTS)",
            )
        elif (
            scope["path"] in WRITE_PATHS
            and scope["method"] == "POST"
            and not _declared_too_large(headers, self.settings.max_body_bytes)
        ):  # a body announced too large is answered 413 first, by BodyLimit
            error = token_error(headers.get("authorization", ""), self.settings.token)
            if error is not None:
                refusal = error_response(error.status, error.zh, error.en, headers=error.headers)
        policy = (DOCS_POLICY if scope["path"] == "/docs" else PAGE_POLICY).encode()

        async def secured_send(event: Message) -> None:
            if event["type"] == "http.response.start":
                present = {name.lower() for name, _ in event.get("headers", [])}
                extra = [(n, v) for n, v in HEADERS if n not in present]
                if b"content-security-policy" not in present:
                    extra.append((b"content-security-policy", policy))
                event = {**event, "headers": [*event.get("headers", []), *extra]}
            await send(event)

        if refusal is not None:
            await refusal(scope, receive, secured_send)
            return
        await self.app(scope, receive, secured_send)
