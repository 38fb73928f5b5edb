"""A size limit on request bodies (settings.max_body_bytes), as pure ASGI middleware:
a declared Content-Length above the limit is refused before reading, and a body that
grows past it while streaming is cut off. Both answer 413 in the one error shape."""

from __future__ import annotations

from govkg.api.errors import error_response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_ZH, _EN = "请求体过大", "the request body is too large"


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        limit = self.max_bytes
        message = f"{_EN} (limit {limit:,} bytes)"
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await error_response(413, _ZH, message)(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            event = await receive()
            if event["type"] == "http.request":
                seen += len(event.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return event

        async def tracking_send(event: Message) -> None:
            nonlocal started
            if event["type"] == "http.response.start":
                started = True
            await send(event)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await error_response(413, _ZH, message)(scope, receive, send)
