"""Dependencies of the routes, as Annotated types."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from govkg.api.errors import ApiError
from govkg.api.state import AppState, Snapshot


def get_state(request: Request) -> AppState:
    return request.app.state.govkg


StateDep = Annotated[AppState, Depends(get_state)]


def get_snapshot(state: StateDep) -> Snapshot:
    return state.snapshot()


SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]


@dataclass(frozen=True)
class Paging:
    """Which part of a list a request wants: at most `limit` items after `offset`."""

    limit: int
    offset: int


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=1000, description="每页条数 items per page", examples=[20])
    ] = 50,
    offset: Annotated[
        int, Query(ge=0, le=10_000_000, description="跳过条数 items to skip", examples=[0])
    ] = 0,
) -> Paging:
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(page_params)]

# the ids a path names, one declaration each (OpenAPI shows their description and example)
AgencyId = Annotated[
    str, Path(max_length=200, description="机构编码 agency id", examples=["JH-DSJ"])
]
FunctionId = Annotated[
    str, Path(max_length=200, description="职能编码 function id", examples=["F0101"])
]
DatasetId = Annotated[
    str, Path(max_length=200, description="数据资源编码 dataset id", examples=["SJZY-001"])
]
PageId = Annotated[str, Path(max_length=200)]  # any id a web page names


_bearer = HTTPBearer(auto_error=False, description="令牌 the token of GOVKG_TOKEN")


def given_token_error(given: str, expected: str | None) -> ApiError | None:
    """Why a token a client gave does not allow a write (None when it does): the token of
    the settings, compared in constant time."""
    if not expected:
        return ApiError(
            403,
            "服务器未设置令牌（GOVKG_TOKEN），不接受写入",
            "no token is set on the server (GOVKG_TOKEN): writes are refused",
        )
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        return ApiError(403, "令牌不正确", "the token is not valid")
    return None


def token_error(header: str, expected: str | None) -> ApiError | None:
    """Why an Authorization header does not allow a write (None when it does): its bearer
    token, as :func:`given_token_error` judges it."""
    if not expected:
        return given_token_error("", expected)
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        return ApiError(
            401,
            "需要令牌：Authorization: Bearer <令牌>",
            "a token is required: Authorization: Bearer <token>",
            headers={"WWW-Authenticate": 'Bearer realm="govkg"'},
        )
    return given_token_error(given, expected)


def require_token(
    request: Request,
    state: StateDep,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """The token of a write (also checked before the body is read: api/guards.py)."""
    error = token_error(request.headers.get("authorization", ""), state.settings.token)
    if error is not None:
        raise error


TokenDep = Annotated[None, Depends(require_token)]
