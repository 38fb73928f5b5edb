"""Every writer of a new generation leaves the push's prepared copy of it (govkg/push_copy.py):
the API's SPARQL update and `govkg decisions apply` as `govkg load` does, so that a push
after them reads the copy and gives the graph a push that maps the store gives."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from govkg.neo4j.client import Connection
from govkg.neo4j.sync import pull
from govkg.store import GraphStore
from tests.api_server import TOKEN, Server, loaded_store, start_server
from tests.conftest import run_govkg, write_csv_workbook
from tests.neo4j_support import as_rdflib, store_rdflib
from tests.test_neo4j_prepared import copy_of, pushed_both_ways, readable
from tests.test_overlaps import TABLES

# an integer of more digits than Python turns into a number: the mapping refuses it
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


def kept_generations(store: Path) -> list[str]:
    """The copies a store should hold: one for each generation it keeps (the live one,
    and the one before, which a reader may still be on)."""
    return sorted(f"{p.name}.rows" for p in store.glob("gen-*"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = loaded_store(tmp_path_factory.mktemp("push-copy"))
    yield from start_server(store, findings=False)


def test_an_update_through_the_api_leaves_the_copy_of_its_generation(
    server: Server, conn: Connection
) -> None:
    store = server.store
    before = live(store)
    with server.client() as client:
        response = client.post("/update", data={"update": UPDATE}, headers=AUTH)
        assert response.status_code == 200, response.text
        assert response.json()["generation"] != before
        again = UPDATE.replace('"7"', '"8"')  # a second generation, a value more
        assert client.post("/update", data={"update": again}, headers=AUTH).status_code == 200
    copy = copy_of(store)
    assert copy.generation == live(store) and readable(copy)
    assert copies(store) == kept_generations(store) and len(copies(store)) == 2
    prepared, mapped = pushed_both_ways(conn, store)
    assert prepared == mapped


def test_decisions_leave_the_copy_of_their_generation(conn: Connection, tmp_path: Path) -> None:
    store = tmp_path / "store"
    workbook = write_csv_workbook(tmp_path / "wb", TABLES)
    assert run_govkg("load", workbook, "--store", store).returncode == 0
    loaded = live(store)
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps(DISMISS, ensure_ascii=False), encoding="utf-8")
    done = run_govkg("decisions", "apply", decisions, "--who", "编办", "--store", store)
    assert done.returncode == 0, done.stderr
    copy = copy_of(store)
    assert copy.generation == live(store) != loaded and readable(copy)
    assert copies(store) == kept_generations(store) == [f"{loaded}.rows", copy.path.name]
    prepared, mapped = pushed_both_ways(conn, store)
    assert prepared == mapped


def test_decisions_respect_the_setting(tmp_path: Path) -> None:
    """GOVKG_NEO4J_ROWS_ON_LOAD=0: no copy of the new generation, and older generations'
    copies go, as `load --no-neo4j-rows` does."""
    store = tmp_path / "store"
    workbook = write_csv_workbook(tmp_path / "wb", TABLES)
    for _ in range(2):
        assert run_govkg("load", workbook, "--store", store).returncode == 0
    first, second = copies(store)
    decisions = tmp_path / "decisions.json"
    decisions.write_text(json.dumps(DISMISS, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "GOVKG_NEO4J_ROWS_ON_LOAD": "0"}
    done = run_govkg("decisions", "apply", decisions, "--who", "编办", "--store", store, env=env)
    assert done.returncode == 0, done.stderr
    assert not copy_of(store).path.exists()
    assert copies(store) == [second]  # the generation before the live one keeps its copy
    assert first < second < f"{live(store)}.rows"


# --- a copy that cannot be written never fails the write ------------------------------
def said_once(stderr: str) -> bool:
    """The failure said once, Chinese first, then English."""
    zh, en = "未能写入推送准备文件", "could not write the push's prepared rows"
    return stderr.count(zh) == stderr.count(en) == 1 and stderr.index(zh) < stderr.index(en)


def test_an_occupied_copy_folder_fails_neither_load_nor_decisions(
    falkordb, conn: Connection, tmp_path: Path
) -> None:
    """`STORE/neo4j` a file, not a folder: the load and the decisions switch, say so once,
    and the push maps the store."""
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
    assert done.returncode == 0 and said_once(done.stderr), done.stderr
    assert live(store) != loaded
    listed = run_govkg("decisions", "list", "--store", store, "--format", "json")
    assert [d["focus"] for d in json.loads(listed.stdout)] == ["D1"]
    pushed = run_govkg("neo4j", "push", "--uri", falkordb.uri, "--user", "x", "--store", store)
    assert pushed.returncode == 0, pushed.stderr
    _generation, data = GraphStore(store).open_generation()
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))


def test_a_literal_the_mapping_refuses_fails_not_the_load(tmp_path: Path) -> None:
    """An integer of more digits than Python turns into a number (ValueError while
    mapping, not an OSError): the load stands, says so once, and leaves no copy, whole
    or partial, of its generation."""
    store = tmp_path / "store"
    workbook = write_csv_workbook(tmp_path / "wb", TABLES)
    assert run_govkg("load", workbook, "--store", store).returncode == 0
    earlier = copies(store)
    big = tmp_path / "big.nt"
    big.write_text(f"{BIG} .\n", encoding="utf-8")
    done = run_govkg("load", big, "--store", store)
    assert done.returncode == 0 and said_once(done.stderr), done.stderr
    assert "ValueError" in done.stderr
    assert not copy_of(store).path.exists()
    assert copies(store) == earlier  # nothing of the new generation, not even a temp file
    count = run_govkg("query", "--store", store, "--format", "json",
                      "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://e.org/size> ?o }")  # fmt: skip
    assert json.loads(count.stdout)["results"]["bindings"][0]["n"]["value"] == "1"


def test_an_update_whose_copy_fails_still_answers_its_generation(tmp_path: Path) -> None:
    """Through the real server: the update is answered with its new generation, the
    server's log says why it has no copy."""
    store = loaded_store(tmp_path)
    running = start_server(store, findings=False)
    server = next(running)
    try:
        before = live(store)
        with server.client() as client:
            response = client.post(
                "/update", data={"update": f"INSERT DATA {{ {BIG} }}"}, headers=AUTH
            )
        assert response.status_code == 200, response.text
        assert response.json()["generation"] == live(store) != before
        assert not copy_of(store).path.exists()
        assert copies(store) == [f"{before}.rows"]
    finally:
        running.close()  # stops the server: its stderr is whole
    assert server.process.stderr is not None
    assert said_once(server.process.stderr.read().decode())
