"""SPARQL from an attacker (issue 12): no request ever makes the server connect out
(SERVICE, LOAD), nothing crashes a worker (deep nesting, long chains), results are
bounded in bytes, the query's FROM is honoured, and one client cannot hold every
worker. A real server; a real listener on loopback that must hear nothing."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api_server import GRAPH, TOKEN, Server, loaded_store, start_server
from tests.conftest import run_govkg

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
QUICK = "ASK { ?s ?p ?o }"


class Listener:
    """A TCP listener on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = loaded_store(tmp_path_factory.mktemp("security"))
    settings = {"GOVKG_RESULT_MAX_BYTES": "50000", "GOVKG_QUEUE_WAIT": "0.5"}
    yield from start_server(store, findings=False, env=settings)


def refused(response: httpx.Response, word: str) -> dict:
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert set(error) == {"status", "zh", "en", "problems"}
    assert word in error["en"] and error["problems"][0]["file"] == "SPARQL"
    return error


def test_service_and_load_never_connect_out(server: Server, listener: Listener) -> None:
    service = f"SELECT ?x WHERE {{ SERVICE <{listener.url('internal')}> {{ ?a ?b ?x }} }}"
    prefixed = (
        f"PREFIX in: <{listener.url('')}> SELECT * WHERE {{ SERVICE SILENT in:x {{ ?a ?b ?c }} }}"
    )
    based = f"BASE <{listener.url('')}> SELECT * WHERE {{ service <x> {{ ?a ?b ?c }} }}"
    variable = f"SELECT * {{ BIND(<{listener.url('v')}> AS ?u) SERVICE ?u {{ ?a ?b ?c }} }}"
    with server.client() as client:
        for query in (service, prefixed, based, variable):
            refused(client.get("/sparql", params={"query": query}), "SERVICE")
        # a form POST, as any web page can send
        refused(client.post("/sparql", data={"query": service}), "SERVICE")
        load = client.post(
            "/update",
            data={"update": f"LOAD <{listener.url('dump.ttl')}>"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        refused(load, "LOAD")
        remote = listener.url("u")
        in_update = f"INSERT {{ ?a ?b ?c }} WHERE {{ SERVICE <{remote}> {{ ?a ?b ?c }} }}"
        refused(
            client.post(
                "/update", data={"update": in_update}, headers={"Authorization": f"Bearer {TOKEN}"}
            ),
            "SERVICE",
        )
    done = run_govkg("query", service, "--store", server.store)
    assert done.returncode == 2 and "SERVICE" in done.stderr
    time.sleep(0.3)
    assert listener.connections == 0


def test_a_keyword_in_a_string_or_comment_is_no_keyword(server: Server) -> None:
    query = "SELECT ?service WHERE { BIND('SERVICE <http://x/> {}' AS ?service) } # LOAD <x>"
    with server.client() as client:
        response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["service"]["value"].startswith("SERVICE")


def test_deep_nesting_is_refused_before_evaluation(server: Server) -> None:
    nested = "SELECT * WHERE " + "{" * 5000 + "}" * 5000  # 10 KB: segfaulted a worker
    with server.client() as client:
        error = refused(client.get("/sparql", params={"query": nested}), "nested too deeply")
        assert "GOVKG_QUERY_MAX_DEPTH" in error["en"] and error["problems"][0]["line"] == 1
        too_long = "ASK {} #" + "x" * 100_000
        refused(client.post("/sparql", data={"query": too_long}), "too long")
        # the server is still whole
        assert client.get("/sparql", params={"query": QUICK}).status_code == 200
    done = run_govkg("query", nested, "--store", server.store)
    assert done.returncode == 2 and "GOVKG_QUERY_MAX_DEPTH" in done.stderr


def test_a_long_chain_does_not_crash(server: Server) -> None:
    """10,000 '!' nest no brackets, yet overflowed the 8 MiB stack (exit 139)."""
    chain = "SELECT ?x WHERE { BIND(" + "!" * 10_000 + "true AS ?x) }"
    done = run_govkg("query", chain, "--store", server.store, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["x", "true"]
    with server.client() as client:
        response = client.get("/sparql", params={"query": chain})
    assert response.status_code == 200, response.text


def test_results_are_limited_in_bytes(server: Server) -> None:
    """One row of GROUP_CONCAT is under the row limit and over the byte limit."""
    query = "SELECT (GROUP_CONCAT(STR(?o)) AS ?all) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }"
    with server.client() as client:
        error = refused(client.get("/sparql", params={"query": query}), "bytes")
        assert "50,000" in error["en"]
        graph = client.get(
            "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 400"},
            headers={"Accept": "text/turtle"},
        )
    assert graph.status_code in (200, 400)


def count(client: httpx.Client, query: str, **params: object) -> int:
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_from_is_honoured(server: Server) -> None:
    every = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    from_city = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}"
    from_nothing = "SELECT (COUNT(*) AS ?n) FROM <https://e/none> WHERE { ?s ?p ?o }"
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    with server.client() as client:
        union, city = count(client, every), count(client, from_city)
        assert 0 < city < union  # the ontology graph is left out
        assert city == count(client, every, **{"default-graph-uri": GRAPH})
        assert count(client, from_nothing) == 0
        assert count(client, named) == city
        both = client.get("/sparql", params={"query": from_city, "default-graph-uri": GRAPH})
        refused(both, "FROM")


def slow_query(server: Server, client_address: str, answers: list[int]) -> None:
    with server.client() as client:
        response = client.get(
            "/sparql", params={"query": SLOW}, headers={"X-Forwarded-For": client_address}
        )
        answers.append(response.status_code)


def test_one_client_cannot_starve_the_others(server: Server) -> None:
    """Client A's second query is answered 503 at once while its first holds a worker;
    client B is served meanwhile. When every worker is busy a query waits no longer
    than GOVKG_QUEUE_WAIT (0.5 s here), then 503 with Retry-After."""
    answers: list[int] = []
    first = threading.Thread(target=slow_query, args=(server, "10.0.0.1", answers))
    first.start()
    time.sleep(0.5)
    with server.client() as client:
        started = time.monotonic()
        again = client.get(
            "/sparql", params={"query": QUICK}, headers={"X-Forwarded-For": "10.0.0.1"}
        )
        assert again.status_code == 503 and again.headers["retry-after"].isdigit()
        assert again.json()["error"]["status"] == 503
        assert time.monotonic() - started < 1.0
        other = client.get(
            "/sparql", params={"query": QUICK}, headers={"X-Forwarded-For": "10.0.0.2"}
        )
        assert other.status_code == 200
        second = threading.Thread(target=slow_query, args=(server, "10.0.0.3", answers))
        second.start()
        time.sleep(0.5)
        started = time.monotonic()
        queued = client.get(
            "/sparql", params={"query": QUICK}, headers={"X-Forwarded-For": "10.0.0.4"}
        )
        assert queued.status_code == 503 and "retry-after" in queued.headers
        assert time.monotonic() - started < 1.5
    first.join()
    second.join()
    assert answers == [503, 503]  # the slow ones were stopped at the time limit


def test_cli_query_honours_from(tmp_path: Path) -> None:
    store = loaded_store(tmp_path)
    query = "SELECT (COUNT(*) AS ?n) FROM <https://e/none> WHERE { ?s ?p ?o }"
    done = run_govkg("query", query, "--store", store, "--format", "csv")
    assert done.returncode == 0 and done.stdout.split() == ["n", "0"]
