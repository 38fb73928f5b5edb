"""One JSON error shape everywhere — 400, 401, 403, 404, 405, 406, 413, 415, 422, 500 —
and never a stack trace (in-process, with TestClient)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from govkg.api import agencies
from govkg.api.main import create_app

from govkg.settings import Settings
from tests.api_server import loaded_store

LIMIT = 4096


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = loaded_store(tmp_path_factory.mktemp("errors"))
    settings = Settings.from_env({}, store=store, token="t0ken", max_body_bytes=LIMIT)
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def assert_error_shape(response, status: int) -> dict:  # noqa: ANN001
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "zh", "en", "problems"}
    assert error["status"] == status and error["zh"] and error["en"]
    assert isinstance(error["problems"], list)
    assert "Traceback" not in response.text and 'File "' not in response.text
    return error


def test_404_unknown_path_and_resource(client: TestClient) -> None:
    assert_error_shape(client.get("/no/such/path"), 404)
    error = assert_error_shape(client.get("/datasets/NOPE"), 404)
    assert error["zh"] == "未找到数据资源「NOPE」"


def test_405(client: TestClient) -> None:
    assert_error_shape(client.delete("/agencies"), 405)
    assert_error_shape(client.put("/sparql"), 405)


def test_422_with_problems(client: TestClient) -> None:
    error = assert_error_shape(client.get("/agencies", params={"limit": 0}), 422)
    assert error["problems"][0]["file"] == "query.limit"
    assert error["problems"][0]["zh"].startswith("参数无效")
    assert_error_shape(client.get("/findings", params={"offset": "x"}), 422)


def test_400_401_403_406_415(client: TestClient) -> None:
    error = assert_error_shape(client.get("/sparql", params={"query": "SELECT"}), 400)
    assert error["problems"][0]["line"] == 1
    assert_error_shape(client.get("/sparql"), 400)
    assert_error_shape(client.post("/update", data={"update": "CLEAR ALL"}), 401)
    assert_error_shape(
        client.post(
            "/update", data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer no"}
        ),
        403,
    )
    assert_error_shape(
        client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"}), 406
    )
    assert_error_shape(
        client.post("/sparql", content=b"{}", headers={"Content-Type": "application/json"}),
        415,
    )


def test_413_body_too_large(client: TestClient) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * LIMIT
    error = assert_error_shape(
        client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"}),
        413,
    )
    assert str(f"{LIMIT:,}") in error["en"]
    assert_error_shape(client.get("/sparql", params={"query": big}), 413)
    upload = client.post("/validate", files={"file": ("big.xlsx", b"x" * (2 * LIMIT))})
    assert_error_shape(upload, 413)


def test_500_hides_the_trace(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_reader: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(agencies, "agency_index", broken)
    client.app.state.govkg._snapshot = None  # type: ignore[attr-defined]  # drop the caches
    response = client.get("/agencies")
    error = assert_error_shape(response, 500)
    assert error == {
        "status": 500,
        "zh": "服务器内部错误",
        "en": "internal server error",
        "problems": [],
    }
    assert "secret" not in response.text


def test_openapi_documents_the_error_shape(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "ErrorBody" in document["components"]["schemas"]
    for path, methods in document["paths"].items():
        for operation in methods.values():
            for status in ("400", "404", "422", "500"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (path, status)
