"""A size limit on request bodies (settings.max_body_bytes), as pure ASGI middleware:
a declared Content-Length above the limit is refused before reading, and a body that
grows past it while streaming (chunked, or lying about its length) is cut off. Both
answer 413 in the one error shape, whatever the route would have made of the cut body
(a form parser turns it into a 400 of its own)."""

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
        too_large = error_response(
            413, f"{_ZH}（上限 {limit:,} 字节）", f"{_EN} (limit {limit:,} bytes)"
        )
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await too_large(scope, receive, send)
            return
        seen = 0
        started = exceeded = False

        async def limited_receive() -> Message:
            nonlocal seen, exceeded
            event = await receive()
            if event["type"] == "http.request":
                seen += len(event.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise BodyTooLarge
            return event

        async def guarded_send(event: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own answer to a cut body; 413 goes out instead
            if event["type"] == "http.response.start":
                started = True
            await send(event)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await too_large(scope, receive, send)
