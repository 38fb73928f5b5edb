"""Writes through the server: /update and /load need the bearer token, go through the
store's one writer, make a new generation, and are all or nothing."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterator

import pytest

from tests.api_server import CITY, TOKEN, Server, loaded_store, start_server

AUTH = {"Authorization": f"Bearer {TOKEN}"}
INSERT = "INSERT DATA { GRAPH <https://e/g> { <https://e/a> <https://e/p> '写入' } }"
PROBE = "SELECT (COUNT(*) AS ?n) WHERE { <https://e/a> <https://e/p> ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = loaded_store(tmp_path_factory.mktemp("write"))
    yield from start_server(store, findings=False)


def probe(server: Server) -> int:
    with server.client() as client:
        response = client.get("/sparql", params={"query": PROBE})
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def generation(server: Server) -> str:
    return os.readlink(server.store / "current")


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 403),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
        ({"Authorization": f"Basic {TOKEN}"}, 401),
    ],
)
def test_update_refused_without_the_token(
    server: Server, headers: dict[str, str], status: int
) -> None:
    before = generation(server)
    with server.client() as client:
        response = client.post("/update", data={"update": INSERT}, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert generation(server) == before and probe(server) == 0


def test_update_with_the_token(server: Server) -> None:
    before = generation(server)
    with server.client() as client:
        response = client.post("/update", data={"update": INSERT}, headers=AUTH)
        assert response.status_code == 200, response.text
        assert response.json()["generation"] == generation(server) != before
        assert probe(server) == 1
        delete = "DELETE DATA { GRAPH <https://e/g> { <https://e/a> <https://e/p> '写入' } }"
        response = client.post(
            "/update",
            content=delete.encode(),
            headers={**AUTH, "Content-Type": "application/sparql-update"},
        )
    assert response.status_code == 200 and probe(server) == 0


def test_update_is_all_or_nothing(server: Server) -> None:
    before = generation(server)
    failing = INSERT + " ; CLEAR GRAPH <https://e/no-such-graph>"
    with server.client() as client:
        response = client.post("/update", data={"update": failing}, headers=AUTH)
        bad = client.post("/update", data={"update": "INSERT DATA { <a> }"}, headers=AUTH)
    assert response.status_code in (400, 500, 503)
    assert "Traceback" not in response.text
    assert bad.status_code == 400 and bad.json()["error"]["problems"][0]["line"] == 1
    assert generation(server) == before and probe(server) == 0
    assert not [p for p in server.store.glob("gen-*") if p.name > before]  # none half-built


def test_load_needs_the_token(server: Server) -> None:
    with server.client() as client:
        response = client.post("/load", files={"file": ("city.xlsx", CITY.read_bytes())})
    assert response.status_code == 401


def test_load_an_uploaded_workbook(server: Server) -> None:
    before = generation(server)
    with server.client() as client:
        response = client.post(
            "/load", files={"file": ("city.xlsx", CITY.read_bytes())}, headers=AUTH
        )
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["sources"][0]["graph"] == "https://id.govkg.org/graph/city"
        assert report["sources"][0]["rows"] > 1000
        assert report["generation"] == generation(server) != before
        # the server serves the new generation at once
        assert client.get("/agencies", params={"limit": 1}).json()["total"] == 45


def test_load_refuses_a_bad_workbook_whole(server: Server) -> None:
    before = generation(server)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("机构.csv", "机构编码,机构名称\nX1,无类别\n")
    with server.client() as client:
        response = client.post(
            "/load", files={"file": ("bad.zip", buffer.getvalue())}, headers=AUTH
        )
        graphs = client.get(
            "/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}
        ).json()
    assert response.status_code == 400
    problems = response.json()["error"]["problems"]
    assert problems and all({"file", "zh", "en"} <= set(p) for p in problems)
    assert generation(server) == before
    assert "https://id.govkg.org/graph/bad" not in {
        b["g"]["value"] for b in graphs["results"]["bindings"]
    }


def test_update_recomputes_the_stored_findings(server: Server) -> None:
    """A unit added without duties is R5's: the new generation's findings graph says so,
    and /findings reads it."""
    unit = "<https://id.govkg.org/unit/U-NEW>"
    add = f"""INSERT DATA {{ GRAPH <https://id.govkg.org/graph/city> {{
        {unit} a gk:InternalUnit ; dct:identifier "U-NEW" ; skos:prefLabel "新设科"@zh ;
               org:unitOf <https://id.govkg.org/agency/JH-DSJ> }} }}"""
    stored = """SELECT ?x WHERE { GRAPH <https://id.govkg.org/graph/findings> {
        ?x gk:ruleId "R5" ; gk:focusId "U-NEW" ; sh:focusNode ?unit } }"""
    with server.client() as client:
        response = client.post("/update", data={"update": add}, headers=AUTH)
        assert response.status_code == 200, response.text
        assert response.json()["findings"] == 52
        rows = client.get("/sparql", params={"query": stored}).json()["results"]["bindings"]
        assert len(rows) == 1
        found = client.get("/findings", params={"rule": "R5"}).json()
        assert "U-NEW" in {item["focus"] for item in found["items"]}
        remove = f"DELETE WHERE {{ GRAPH <https://id.govkg.org/graph/city> {{ {unit} ?p ?o }} }}"
        response = client.post("/update", data={"update": remove}, headers=AUTH)
        assert response.status_code == 200 and response.json()["findings"] == 51
        assert not client.get("/sparql", params={"query": stored}).json()["results"]["bindings"]


def test_reads_during_writes_see_the_previous_generation(server: Server) -> None:
    """Queries keep being answered (never 503 "the store changed") while loads switch
    generations under them; only the generation before the live one is kept."""
    import threading

    statuses: list[tuple[int, str]] = []
    writing = True

    def read(address: str) -> None:  # two clients (one query at a time each)
        with server.client(headers={"X-Forwarded-For": address}) as client:
            while writing:
                response = client.get("/sparql", params={"query": PROBE})
                statuses.append((response.status_code, response.text[:200]))

    readers = [threading.Thread(target=read, args=(f"10.9.0.{i}",)) for i in (1, 2)]
    for thread in readers:
        thread.start()
    try:
        with server.client() as client:
            for _ in range(2):
                response = client.post(
                    "/load", files={"file": ("city.xlsx", CITY.read_bytes())}, headers=AUTH
                )
                assert response.status_code == 200, response.text
    finally:
        writing = False
        for thread in readers:
            thread.join()
    assert statuses and {status for status, _ in statuses} == {200}, statuses
    assert len(list(server.store.glob("gen-*"))) == 2
