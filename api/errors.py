"""One JSON error shape for every error the API answers, 4xx and 5xx alike::

    {"error": {"status": 400, "zh": "…", "en": "…", "problems": [Problem.as_dict(), …]}}

GovkgError (bad input, store trouble) and ApiError are raised anywhere and translated
here only. No stack trace reaches a client: an unexpected exception is logged and
answered 500 with a fixed message.
"""

from __future__ import annotations

import logging
import re
import tempfile
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from govkg.errors import GovkgError, InputError, StoreError

log = logging.getLogger("govkg.api")

STATUS_TEXT: dict[int, tuple[str, str]] = {
    400: ("请求有误", "bad request"),
    401: ("需要身份验证", "authentication required"),
    403: ("无权执行此操作", "forbidden"),
    404: ("未找到", "not found"),
    405: ("不支持此请求方法", "method not allowed"),
    406: ("无法提供所要求的格式", "not acceptable"),
    413: ("请求体过大", "request body too large"),
    415: ("不支持的内容类型", "unsupported media type"),
    422: ("请求参数有误", "invalid request parameters"),
    500: ("服务器内部错误", "internal server error"),
    503: ("服务暂不可用", "service unavailable"),
}


class ProblemModel(BaseModel):
    """One located problem (govkg.errors.Problem)."""

    file: str
    zh: str
    en: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None
    char: int | None = None
    limit: str | None = None


class ErrorDetail(BaseModel):
    status: int = Field(examples=[404])
    zh: str = Field(examples=["未找到机构 X"])
    en: str = Field(examples=["no agency X"])
    problems: list[ProblemModel] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """The one error shape of the API."""

    error: ErrorDetail


def _response(status: int, description: str) -> dict[str, Any]:
    zh, en = STATUS_TEXT.get(status, ("错误", "error"))
    return {
        "model": ErrorBody,
        "description": description,
        "content": {
            "application/json": {
                "example": {"error": {"status": status, "zh": zh, "en": en, "problems": []}}
            }
        },
    }


# Every route may answer these; listed once for the OpenAPI document.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _response(400, "Bad request / 请求有误"),
    404: _response(404, "Not found / 未找到"),
    413: _response(413, "Request too large / 请求过大"),
    422: _response(422, "Invalid parameters / 参数有误"),
    500: _response(500, "Internal error / 内部错误"),
    503: _response(503, "Time limit, or store unavailable / 超时或存储不可用"),
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses of a route, beyond the common ones."""
    return {status: _response(status, STATUS_TEXT[status][1]) for status in statuses}


class ApiError(Exception):
    """An error answered with a given HTTP status."""

    def __init__(
        self,
        status: int,
        zh: str,
        en: str,
        problems: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(en)
        self.status = status
        self.zh = zh
        self.en = en
        self.problems = problems or []
        self.headers = headers


# The scratch folders uploads are saved in (tempfile.TemporaryDirectory(prefix="govkg-"))
_SCRATCH = re.compile(re.escape(tempfile.gettempdir()) + r"/govkg-[^/\s]*/(?:[^/\s'\"]+/)*")


def hide_scratch(text: str) -> str:
    """A message without the server's scratch folders: an upload is named as uploaded.

    >>> hide_scratch(tempfile.gettempdir() + "/govkg-load-x1/base/city.xlsx: bad")
    'city.xlsx: bad'
    """
    return _SCRATCH.sub("", text)


def error_response(
    status: int,
    zh: str,
    en: str,
    problems: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    shown = [
        {k: hide_scratch(v) if isinstance(v, str) else v for k, v in problem.items()}
        for problem in problems or []
    ]
    body = {
        "error": {
            "status": status,
            "zh": hide_scratch(zh),
            "en": hide_scratch(en),
            "problems": shown,
        }
    }
    return JSONResponse(body, status_code=status, headers=headers)


def not_found(what_zh: str, what_en: str, ident: str) -> ApiError:
    return ApiError(404, f"未找到{what_zh}「{ident}」", f"no {what_en} '{ident}'")


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.zh, exc.en, exc.problems, exc.headers)


def govkg_error_parts(exc: GovkgError) -> tuple[int, str, str, list[dict[str, Any]]]:
    """Status, messages and problems of a GovkgError: 400 for bad input, 413 for input
    over a size limit, 503 for the store."""
    too_large = any(p.limit for p in exc.problems)
    status = 503 if isinstance(exc, StoreError) else 413 if too_large else 400
    zh, en = STATUS_TEXT[status]
    if isinstance(exc, InputError) and len(exc.problems) == 1:
        zh, en = exc.problems[0].zh, exc.problems[0].en
    elif isinstance(exc, InputError):
        zh = f"输入有 {len(exc.problems)} 处问题"
        en = f"the input has {len(exc.problems)} problems"
    return status, zh, en, [p.as_dict() for p in exc.problems]


async def _govkg_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GovkgError)
    return error_response(*govkg_error_parts(exc))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    zh, en = STATUS_TEXT.get(exc.status_code, ("错误", "error"))
    if isinstance(exc.detail, str) and exc.detail and exc.status_code not in STATUS_TEXT:
        en = exc.detail
    return error_response(exc.status_code, zh, en, headers=getattr(exc, "headers", None))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    for item in exc.errors():
        where = ".".join(str(part) for part in item.get("loc", ()))
        message = str(item.get("msg", ""))
        problems.append({"file": where, "zh": f"参数无效：{message}", "en": message})
    return error_response(422, *STATUS_TEXT[422], problems)


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, *STATUS_TEXT[500])


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the one shape."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(GovkgError, _govkg_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
