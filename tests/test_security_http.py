"""What a browser and an intranet expect of the server (issue 12): security headers on
every answer, /docs from the package (no CDN), the Host header checked when listening
beyond loopback, and bodies over the limit refused before they are read (chunked too,
and on /load before the token is even looked at)."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from govkg.api.main import create_app

from govkg.errors import InputError
from govkg.settings import Settings
from tests.api_server import CITY, Server, loaded_store

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    return loaded_store(tmp_path_factory.mktemp("http"))


@pytest.fixture(scope="module")
def client(store) -> Iterator[TestClient]:  # noqa: ANN001
    settings = Settings.from_env({}, store=store, token="t0ken", max_body_bytes=LIMIT)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("path", ["/ui", "/ui/agencies/JH-DSJ", "/agencies", "/nope", "/docs"])
def test_security_headers_on_every_answer(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[-1].split(";")[0]


def test_docs_come_from_the_server_itself(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<script>" not in page.text  # no inline script: the policy forbids it
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and len(asset.content) > 30, source
    assert "SwaggerUIBundle" in client.get("/docs-assets/swagger-ui-bundle.js").text
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")


def test_host_checked_beyond_loopback(store) -> None:  # noqa: ANN001
    settings = Settings.from_env({}, store=store, host="10.1.2.3", allowed_hosts="govkg.intranet")
    with TestClient(create_app(settings), base_url="http://govkg.intranet:8000") as client:
        assert client.get("/agencies", params={"limit": 1}).status_code == 200
        assert client.get("/", headers={"Host": "10.1.2.3:8000"}).status_code == 200
        evil = client.get("/agencies", headers={"Host": "evil.example"})
        assert evil.status_code == 400
        assert "GOVKG_ALLOWED_HOSTS" in evil.json()["error"]["en"]
        assert evil.headers["x-content-type-options"] == "nosniff"
    with pytest.raises(InputError, match="GOVKG_ALLOWED_HOSTS"):
        create_app(Settings.from_env({}, store=store, host="0.0.0.0"))


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        boundary = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"'
        yield boundary + b"\r\n\r\n"
        for _ in range(40):
            yield b"x" * 4096

    response = client.post(
        "/validate",
        content=chunks(),
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["status"] == 413 and f"{LIMIT:,}" in error["en"]


@pytest.fixture(scope="module")
def server(city_server: Server) -> Server:
    """The session's server over the example: these tests send it nothing it would keep."""
    return city_server


def test_load_without_the_token_is_refused_before_its_body(server: Server) -> None:
    """Headers announcing 1 MB, no body sent: the answer comes at once, unread."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /load HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 1000000\r\n\r\n"
        )
        started = time.monotonic()
        answer = sock.recv(4096)
    assert time.monotonic() - started < 3
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(
            b"POST /load HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 100000000\r\n\r\n"
        )
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")  # over the limit: 413 first
    with server.client() as client:  # a real upload without the token: 401 too
        response = client.post("/load", files={"file": ("city.xlsx", CITY.read_bytes())})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_route_queries_have_a_time_limit(store) -> None:  # noqa: ANN001
    """The pages' and REST routes' own queries stop at GOVKG_QUERY_TIMEOUT (here a
    microsecond: the agency list's query cannot finish in it)."""
    settings = Settings.from_env({}, store=store, query_timeout=1e-6)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/agencies")
        assert response.status_code == 503, response.text[:300]
        error = response.json()["error"]
        assert "time limit" in error["en"] and "时间上限" in error["zh"]
