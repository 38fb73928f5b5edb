"""The push's prepared copy after each writer of a new generation (govkg/push_copy.py):
`govkg load` leaves the copy of its generation; the API's SPARQL update and `govkg
decisions apply` leave none (it would cost them ~65 % more) and remove the older copies,
so the push after them maps the store; a copy that cannot be written never fails the
write."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from govkg.neo4j.client import Connection
from govkg.neo4j.sync import pull, push
from govkg.store import GraphStore
from tests.api_server import TOKEN, Server, loaded_store, start_server
from tests.conftest import run_govkg, write_csv_workbook
from tests.neo4j_support import as_rdflib, store_rdflib
from tests.test_neo4j_prepared import copy_of, pushed_both_ways
from tests.test_overlaps import TABLES

# an integer of more digits than Python turns into a number
BIG = '<http://e.org/big> <http://e.org/size> "%s"^^<http://www.w3.org/2001/XMLSchema#integer>' % (
    "7" * 5000
)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
# a unit in the workbook's graph, and a graph of its own with a namespace the ontology has
# no prefix for and typed literals (the copy then carries one: ns11 …)
UPDATE = """INSERT DATA {
  GRAPH <https://id.govkg.org/graph/city> {
    <https://id.govkg.org/unit/U-NEW> a gk:InternalUnit ; dct:identifier "U-NEW" ;
      skos:prefLabel "新设科"@zh ; org:unitOf <https://id.govkg.org/agency/JH-DSJ> }
  GRAPH <http://example.org/notes> {
    <https://id.govkg.org/agency/JH-DSJ> <http://example.org/notes/note> "见会议纪要"@zh ,
      "7"^^xsd:integer , "0.5"^^xsd:decimal ;
      <http://example.org/notes/seeAlso> <http://example.org/notes/minutes> }
}"""
DISMISS = [{"rule": "R16", "focus": "D2", "related": "D1", "decision": "dismiss", "note": "已核"}]


def live(store: Path) -> str:
    return os.readlink(store / "current")


def copies(store: Path) -> list[str]:
    return sorted(p.name for p in (store / "neo4j").iterdir())


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = loaded_store(tmp_path_factory.mktemp("push-copy"))
    yield from start_server(store, findings=False)


def test_an_update_through_the_api_leaves_no_copy_and_the_push_maps_the_store(
    server: Server, conn: Connection
) -> None:
    store = server.store
    loaded = live(store)
    assert copies(store) == [f"{loaded}.rows"]
    with server.client() as client:
        response = client.post("/update", data={"update": UPDATE}, headers=AUTH)
        assert response.status_code == 200, response.text
        assert response.json()["generation"] != loaded
        again = UPDATE.replace('"7"', '"8"')  # a second generation, a value more
        assert client.post("/update", data={"update": again}, headers=AUTH).status_code == 200
    assert copies(store) == []  # the load's copy went with its generation
    assert pushed_from_the_store(conn, store)


def test_decisions_leave_no_copy_and_the_push_maps_the_store(
    conn: Connection, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    workbook = write_csv_workbook(tmp_path / "wb", TABLES)
    for _ in range(2):
        assert run_govkg("load", workbook, "--store", store).returncode == 0
    first, second = copies(store)
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps(DISMISS, ensure_ascii=False), encoding="utf-8")
    done = run_govkg("decisions", "apply", decisions, "--who", "编办", "--store", store)
    assert done.returncode == 0, done.stderr
    assert not copy_of(store).path.exists()
    assert copies(store) == [second]  # the generation before the live one keeps its copy
    assert first < second < f"{live(store)}.rows"
    assert pushed_from_the_store(conn, store)


def pushed_from_the_store(conn: Connection, store: Path) -> bool:
    """A push with the live generation's (missing) copy maps the store: the database's
    graph is then the store's."""
    conn.run("MATCH (n) DETACH DELETE n")
    _generation, data = GraphStore(store).open_generation()
    push(data, conn, prepared=copy_of(store))
    return isomorphic(as_rdflib(pull(conn)), store_rdflib(data))


# --- a copy that cannot be written never fails the write ------------------------------
def said_once(stderr: str) -> bool:
    """The failure said once, Chinese first, then English."""
    zh, en = "未能写入推送准备文件", "could not write the push's prepared rows"
    return stderr.count(zh) == stderr.count(en) == 1 and stderr.index(zh) < stderr.index(en)


def test_an_occupied_copy_folder_fails_neither_load_nor_decisions(
    falkordb, conn: Connection, tmp_path: Path
) -> None:
    """`STORE/neo4j` a file, not a folder: the load switches and says once that it has no
    copy, the decisions switch too (they prepare none), and the push maps the store."""
    store = tmp_path / "store"
    store.mkdir()
    (store / "neo4j").write_text("not a folder", encoding="utf-8")
    workbook = write_csv_workbook(tmp_path / "wb", TABLES)
    done = run_govkg("load", workbook, "--store", store)
    assert done.returncode == 0 and said_once(done.stderr), done.stderr
    assert str(store / "neo4j" / f"{live(store)}.rows") in done.stderr
    loaded = live(store)
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps(DISMISS, ensure_ascii=False), encoding="utf-8")
    done = run_govkg("decisions", "apply", decisions, "--who", "编办", "--store", store)
    assert done.returncode == 0 and "未能写入" not in done.stderr, done.stderr  # no copy tried
    assert live(store) != loaded
    listed = run_govkg("decisions", "list", "--store", store, "--format", "json")
    assert [d["focus"] for d in json.loads(listed.stdout)] == ["D1"]
    pushed = run_govkg("neo4j", "push", "--uri", falkordb.uri, "--user", "x", "--store", store)
    assert pushed.returncode == 0, pushed.stderr
    _generation, data = GraphStore(store).open_generation()
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))


def test_an_integer_of_thousands_of_digits_is_pushed_as_text(
    conn: Connection, tmp_path: Path
) -> None:
    """More digits than Python turns into a number (it raised ValueError in the mapping):
    kept as typed text, in the load's copy and in a push that maps the store alike."""
    store = tmp_path / "store"
    big = tmp_path / "big.nt"
    big.write_text(f"{BIG} .\n", encoding="utf-8")
    done = run_govkg("load", big, "--store", store)
    assert done.returncode == 0 and "未能写入" not in done.stderr, done.stderr
    prepared, mapped = pushed_both_ways(conn, store)
    assert prepared == mapped
    (row,) = conn.read("MATCH (n:Resource {uri: 'http://e.org/big'}) RETURN properties(n) AS p")
    assert "7" * 5000 in row["p"].values()
