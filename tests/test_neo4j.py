"""Neo4j: the mapping, push and pull against a real Bolt server (the local FalkorDB of
tests/conftest.py; the rules in Cypher: tests/test_neo4j_rules.py). The tests at the
end need real Neo4j behaviour (constraints, ``neo4j://`` routing) and run when
``GOVKG_NEO4J_URI`` names a Neo4j server (user ``$GOVKG_NEO4J_USER``, default neo4j;
password ``$NEO4J_PASSWORD``).
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from govkg.shapes.store_validation import rule_book, validate_store
from rdflib.compare import isomorphic

from govkg.neo4j.client import (
    FALKORDB_MESSAGE_BYTES,
    Connection,
    Neo4jError,
    escape_for_falkordb,
    packed_size,
)
from govkg.neo4j.falkordb_server import FalkorServer
from govkg.neo4j.mapping import Namespaces
from govkg.neo4j.push_rows import SOURCES_PER_ROW, push_rows
from govkg.neo4j.rules import validate_neo4j
from govkg.neo4j.sync import pull, push, store_graph
from tests.conftest import (
    EXAMPLES,
    REPO,
    SMALL_CITY,
    run_govkg,
    run_govkg_process,
    write_csv_workbook,
)
from tests.neo4j_support import (
    as_rdflib,
    findings_json,
    snapshot,
    source_store,
    store_rdflib,
)

REAL_NEO4J = os.environ.get("GOVKG_NEO4J_URI")


# --- the mapping and the escaping, without a server -----------------------------------
def test_falkordb_parameters_are_escaped() -> None:
    assert escape_for_falkordb({"s": "it's a \\ path", "skos__prefLabel@zh": ["a'b"]}) == {
        "s": "it\\'s a \\\\ path",
        "`skos__prefLabel@zh`": ["a\\'b"],
    }
    with pytest.raises(ValueError):
        escape_for_falkordb({"f": 0.1})


def test_names_are_short_and_reversible() -> None:
    ns = Namespaces()
    for iri in [
        "https://govkg.org/ontology#Agency",
        "https://govkg.org/ontology#Resource",
        "https://govkg.org/ontology#uri",
        "http://www.w3.org/ns/org#unitOf",
        "http://example.org/a-b/c.d",
        "urn:x:y",
    ]:
        assert ns.expand(ns.shorten(iri)) == iri
    assert ns.shorten("https://govkg.org/ontology#Resource") != "Resource"


# --- push and pull -----------------------------------------------------------------------
def test_push_then_pull_gives_the_graph_back(conn: Connection) -> None:
    store = source_store(EXAMPLES / "city.xlsx")
    report = push(store, conn)
    assert report.triples == len(store)  # type: ignore[arg-type]
    labels = {r["label"] for r in conn.read("CALL db.labels() YIELD label RETURN label")}
    assert {"Resource", "Agency", "InternalUnit", "Duty", "Function", "Dataset"} <= labels
    agency = conn.read(
        "MATCH (a:Agency {dct__identifier: 'JH-SCJG'})-[:government]->(g:Government) "
        "RETURN a.`skos__prefLabel@zh` AS name, a.staffing AS staffing, g.divisionCode AS code"
    )
    assert agency and isinstance(agency[0]["staffing"], int) and agency[0]["code"]
    # into an empty database the index is made after the nodes, and is ready
    indexes = conn.read("CALL db.indexes() YIELD label, properties, status RETURN *")
    assert [(i["label"], i["properties"], i["status"]) for i in indexes] == [
        ("Resource", ["uri"], "OPERATIONAL")
    ]
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))


def test_pushing_twice_gives_the_same_graph(conn: Connection) -> None:
    store = source_store(EXAMPLES / "city.xlsx")
    push(store, conn, batch=250)
    first = snapshot(conn)
    again = push(store, conn, batch=100)
    assert (again.deleted_nodes, again.deleted_relationships) == (0, 0)
    assert snapshot(conn) == first
    # the index, dropped while every node was rewritten, is there again and ready
    indexes = conn.read("CALL db.indexes() YIELD label, properties, status RETURN *")
    assert [(i["label"], i["properties"], i["status"]) for i in indexes] == [
        ("Resource", ["uri"], "OPERATIONAL")
    ]


def test_a_changed_workbook_leaves_nothing_stale(conn: Connection, tmp_path: Path) -> None:
    push(source_store(EXAMPLES / "city.xlsx"), conn)
    tables = {name: [list(row) for row in rows] for name, rows in SMALL_CITY.items()}
    before = source_store(write_csv_workbook(tmp_path / "v1", tables))
    push(before, conn)
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(before))
    tables["机构"][-1][1] = "改名后的局"  # a changed name
    tables["内设机构"] = tables["内设机构"][:-1]
    after = source_store(write_csv_workbook(tmp_path / "v1", tables))
    report = push(after, conn)
    assert report.deleted_nodes >= 1 and report.deleted_relationships >= 1
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(after))
    count = conn.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"]
    assert count == len(store_graph(after, Namespaces()).nodes)


def test_a_node_that_changed_class_loses_its_old_label(conn: Connection) -> None:
    from govkg.store import oxigraph as oxi

    def store_of(kind: str) -> object:
        store = oxi.memory_store()
        oxi.load(
            store,
            f"<http://e.org/x> a <https://govkg.org/ontology#{kind}> ; "
            f'<http://e.org/v/name> "x" . <http://e.org/y> a <http://e.org/v/Kept> .',
            format="ttl",
        )
        return store

    push(store_of("Agency"), conn)
    push(store_of("InternalUnit"), conn)
    rows = conn.read("MATCH (n:Resource) RETURN n.uri AS uri, labels(n) AS labels")
    assert {r["uri"]: sorted(r["labels"]) for r in rows} == {
        "http://e.org/x": ["InternalUnit", "Resource"],
        "http://e.org/y": ["Resource", "ns11__Kept"],
    }


def test_a_failed_write_in_the_writer_thread_is_raised(conn: Connection) -> None:
    with pytest.raises(Neo4jError), conn.writes() as writes:
        writes.rows("UNWIND $rows AS r CREATE (n:Resource {uri: r[0]})", [["a"]], {})
        writes.rows("UNWIND $rows AS r CREAT (n)", [["b"]], {})
    assert conn.read("MATCH (n:Resource) RETURN n.uri AS uri") == [{"uri": "a"}]


def test_awkward_rdf_survives_the_round_trip(conn: Connection, tmp_path: Path) -> None:
    data = tmp_path / "awkward.ttl"
    data.write_text(
        r"""@prefix ex: <http://example.org/voc/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix gk: <https://govkg.org/ontology#> .
<http://example.org/a'b> a ex:Thing, gk:Agency ;
    ex:text "it's a \\ back\"slash\nnew line", "second" ;
    ex:name "名称"@zh, "name"@en, "名稱"@zh-Hant ;
    ex:when "2026-01-01T00:00:00Z"^^xsd:dateTime ;
    ex:ratio 0.1234567890123 , "1e3"^^xsd:double ;
    ex:count 7, "007"^^xsd:integer, 123456789012345678901234567890 ;
    ex:flag true, "1"^^xsd:boolean ;
    ex:mixed "text", 3 ;
    ex:link [ ex:inner "blank" ; ex:back <http://example.org/a'b> ] ;
    <urn:odd:pred> <urn:odd:obj> ;
    a [ ex:kind "an anonymous class" ] .
""",
        encoding="utf-8",
    )
    store = source_store(data)
    push(store, conn)
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))


def test_graphs_union_and_large_batches(conn: Connection) -> None:
    """A triple held by two named graphs is pushed once; a batch far larger than a
    FalkorDB message (here ~1.2 MB) is written whole, in order."""
    from govkg.store import oxigraph as oxi

    text = "".join(
        f'<http://e.org/n{i}> <http://e.org/v/label> "{"数据共享" * 100}{i}"@zh .\n'
        f"<http://e.org/n{i}> <http://e.org/v/next> <http://e.org/n{i + 1}> .\n"
        for i in range(1000)
    )
    store = oxi.memory_store()
    for graph in ("http://e.org/g1", "http://e.org/g2"):
        oxi.load(store, text, format="nt", graph=graph)
    report = push(store, conn, batch=1000)
    assert (report.triples, report.nodes, report.relationships) == (2000, 1001, 1000)
    expected = as_rdflib((q.subject, q.predicate, q.object) for q in store)
    assert len(expected) == 2000 and isomorphic(as_rdflib(pull(conn)), expected)


def test_a_node_split_across_graphs_is_written_whole(conn: Connection) -> None:
    """A subject whose triples are spread over several graphs is one node with all of
    them: labels from both, a value of one type in each graph (they must move to their
    ^^datatype keys together), a list grown in the second graph. Into an empty
    database, then again, then after the second graph is gone."""
    from govkg.store import oxigraph as oxi

    first = (
        "<http://e.org/a> a <http://e.org/v/Thing> .\n"
        '<http://e.org/a> <http://e.org/v/mixed> "text" .\n'
        '<http://e.org/a> <http://e.org/v/tag> "b" .\n'
        "<http://e.org/a> <http://e.org/v/next> <http://e.org/b> .\n"
        '<http://e.org/b> <http://e.org/v/tag> "x" .\n'
    )
    second = (
        "<http://e.org/a> a <https://govkg.org/ontology#Agency> .\n"
        "<http://e.org/a> <http://e.org/v/mixed> 3 .\n"
        '<http://e.org/a> <http://e.org/v/tag> "a", "c" .\n'
        "<http://e.org/a> <http://e.org/v/next> <http://e.org/c> .\n"
    )
    store = oxi.memory_store()
    oxi.load(store, first, format="ttl", graph="http://e.org/g1")
    oxi.load(store, second, format="ttl", graph="http://e.org/g2")
    for _ in range(2):
        report = push(store, conn, batch=1)
        assert (report.nodes, report.relationships) == (3, 2)
        assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))
        assert gc.isenabled()  # paused during the push only
    (node,) = conn.read(
        "MATCH (n:Resource {uri: 'http://e.org/a'}) RETURN labels(n) AS labels, "
        "n.ns11__tag AS tag, n.ns11__mixed AS mixed, n.`ns11__mixed^^xsd__integer` AS number"
    )
    assert sorted(node["labels"]) == ["Agency", "Resource", "ns11__Thing"]
    assert (node["tag"], node["mixed"], node["number"]) == (["a", "b", "c"], None, "3")
    oxi.clear_graph(store, "http://e.org/g2")
    push(store, conn)
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))


def test_relationships_grouped_by_their_shared_end(conn: Connection) -> None:
    """A type whose relationships share their target (a kind) is grouped by target, one
    that shares its source (a finding concerns several items) by source: each takes
    fewer rows than the other way, at most SOURCES_PER_ROW others a row. Both give the
    graph, each relationship once, into an empty database and again, with ids that are
    not the nodes' numbers (FalkorDB reuses deleted ids)."""
    from govkg.store import oxigraph as oxi

    conn.run("UNWIND range(0, 29) AS i CREATE (:Other {k: i})")
    conn.run("MATCH (n:Other) WHERE n.k % 2 = 0 DELETE n")  # ids not the numbers
    many = 2 * SOURCES_PER_ROW + 20  # a shared end's others take two rows
    text = "".join(
        f"<http://e.org/f{i % 2}> <http://e.org/v/concerns> <http://e.org/n{i}> .\n"
        f"<http://e.org/n{i}> <http://e.org/v/kind> <http://e.org/K{i % 2}> .\n"
        for i in range(many)
    )
    store = oxi.memory_store()
    oxi.load(store, text, format="nt")
    rows = push_rows(store_graph(store, Namespaces())).relationships
    grouping = {kind.split("__")[-1]: (by, len(part)) for kind, (by, part) in rows.items()}
    assert grouping == {"concerns": (True, 4), "kind": (False, 4)}
    for _ in range(2):
        report = push(store, conn, batch=2)
        assert report.relationships == 2 * many
        assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))
    for end in (
        "(:Resource {uri: 'http://e.org/f1'})-[x]->()",
        "()-[x]->(:Resource {uri: 'http://e.org/K1'})",
    ):
        assert conn.read(f"MATCH {end} RETURN count(x) AS n") == [{"n": many // 2}]


def test_falkordb_messages_stay_under_its_limit(conn: Connection) -> None:
    """Each message of a write stays under FALKORDB_MESSAGE_BYTES (its Bolt reader can
    crash on larger ones: test_neo4j_server.py), and the messages hold every row once,
    in order, escaped."""
    query = "UNWIND $rows AS r CREATE (n:Resource {uri: r[0], text: r[1], several: r[2]})"
    rows = [[f"n{i}", f"it's {'数据' * (i % 700)}\\", [f"'{i}", "b"]] for i in range(3000)]
    messages = list(conn.row_messages(query, rows, {"stamp": "s"}))
    assert len(messages) > 10
    for message in messages:
        assert len(query.encode()) + packed_size(message) < FALKORDB_MESSAGE_BYTES
    sent = [row for message in messages for row in message["rows"]]
    assert sent == [escape_for_falkordb(row) for row in rows]


def test_nodes_are_found_by_the_ids_the_server_gives(conn: Connection) -> None:
    """A push writes relationships between the nodes it created by their ids, which the
    server returns: here FalkorDB reuses the ids of deleted nodes in its own order, and
    a node the push does not own sits among them; both pushes give the graph, and the
    other node is left alone."""
    from govkg.store import oxigraph as oxi

    conn.run("UNWIND range(0, 39) AS i CREATE (:Other {k: i})")
    conn.run("MATCH (n:Other) WHERE n.k % 3 <> 0 DELETE n")  # holes in the ids
    text = "".join(
        f"<http://e.org/n{i}> <http://e.org/v/next> <http://e.org/n{(i * 7) % 50}> .\n"
        f'<http://e.org/n{i}> <http://e.org/v/name> "n{i}" .\n'
        for i in range(50)
    )
    store = oxi.memory_store()
    oxi.load(store, text, format="nt")
    for _ in range(2):
        report = push(store, conn, batch=7)
        assert (report.nodes, report.relationships) == (50, 50)
        assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))
    assert conn.read("MATCH (n:Other) RETURN count(n) AS n") == [{"n": 14}]
    pairs = conn.read(
        "MATCH (a:Resource)-[:ns11__next]->(b:Resource) RETURN a.uri AS a, b.uri AS b"
    )
    assert sorted((r["a"], r["b"]) for r in pairs) == sorted(
        (f"http://e.org/n{i}", f"http://e.org/n{(i * 7) % 50}") for i in range(50)
    )


def test_known_nodes_are_read_in_records_falkordb_can_send(conn: Connection) -> None:
    """FalkorDB never delivers a record over 64 KB (the read hangs): the nodes already
    there are read in runs that fit, here 60 nodes with 3,000-character IRIs."""
    import threading

    conn.run(
        "UNWIND range(0, 59) AS i CREATE (:Resource:Agency {uri: 'http://e.org/' + "
        "toString(i) + '/' + $long})",
        {"long": "x" * 3000},
    )
    found: list[object] = []
    reader = threading.Thread(
        target=lambda: found.extend(conn.nodes_of("Resource", "uri")), daemon=True
    )
    reader.start()
    reader.join(60)
    assert not reader.is_alive(), "the read of the known nodes hung"
    assert len(found) == 60 and len({uri for _id, uri, _labels in found}) == 60  # type: ignore[misc]
    assert all(sorted(labels) == ["Agency", "Resource"] for *_, labels in found)  # type: ignore[misc]


def test_cli_push_pull_and_validate(falkordb: FalkorServer, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", EXAMPLES / "city.xlsx", "--store", store).returncode == 0
    connection = ["--uri", falkordb.uri, "--user", "falkordb"]
    pushed = run_govkg_process("neo4j", "push", *connection, "--store", store, "--batch", "500")
    assert pushed.returncode == 0, pushed.stderr
    assert "已推送 pushed" in pushed.stdout
    assert "推送 pushing" not in pushed.stderr  # the progress bar is for terminals only
    pulled = run_govkg("neo4j", "pull", *connection, "-o", tmp_path / "pulled.nt")
    assert pulled.returncode == 0, pulled.stderr
    exported = run_govkg("export", "--format", "nt", "--store", store, "-o", tmp_path / "e.nt")
    assert exported.returncode == 0
    left, right = rdflib.Graph(), rdflib.Graph()
    left.parse(tmp_path / "pulled.nt", format="nt")
    right.parse(tmp_path / "e.nt", format="nt")
    assert isomorphic(left, right)
    on_neo4j = run_govkg_process(
        "validate", "--neo4j", falkordb.uri, "--neo4j-user", "falkordb", "--format", "json"
    )
    with_shacl = run_govkg("validate", EXAMPLES / "city.xlsx", "--format", "json")
    assert on_neo4j.returncode == with_shacl.returncode == 1, on_neo4j.stderr
    expected = json.loads(with_shacl.stdout)  # R16 too: judged from the texts read there
    assert any(f["rule"] == "R16" for f in expected["findings"])
    assert json.loads(on_neo4j.stdout) == expected
    text = run_govkg("validate", "--neo4j", falkordb.uri, "--neo4j-user", "falkordb",
                     "--rule", "R1", "--lang", "en")  # fmt: skip
    assert "R1 One dataset, one source" in text.stdout
    mixed = run_govkg("validate", EXAMPLES / "city.xlsx", "--neo4j", falkordb.uri)
    assert mixed.returncode == 2 and "--neo4j" in mixed.stderr


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    result = run_govkg("neo4j", "pull", "--uri", "bolt://127.0.0.1:1", "--user", "x")
    assert result.returncode == 2
    assert "无法连接图数据库" in result.stderr and "cannot connect" in result.stderr


def test_the_driver_is_imported_in_one_module() -> None:
    found = [
        str(path.relative_to(REPO))
        for folder in ("govkg", "shapes", "loaders", "api", "ontology")
        for path in (REPO / folder).rglob("*.py")
        if re.search(r"^\s*(import neo4j|from neo4j\b)", path.read_text(), re.M)
    ]
    assert found == ["govkg/neo4j/client.py"]


# --- real Neo4j (GOVKG_NEO4J_URI) --------------------------------------------------------
needs_neo4j = pytest.mark.skipif(
    not REAL_NEO4J, reason="GOVKG_NEO4J_URI is not set: these need a real Neo4j 5 server"
)


@pytest.fixture
def neo4j_conn() -> Iterator[Connection]:
    user = os.environ.get("GOVKG_NEO4J_USER", "neo4j")
    with Connection(str(REAL_NEO4J), user, os.environ.get("NEO4J_PASSWORD", "")) as connection:
        connection.run("MATCH (n) DETACH DELETE n")
        yield connection


@needs_neo4j
def test_real_neo4j_push_pull_rules_and_constraint(neo4j_conn: Connection) -> None:
    assert neo4j_conn.dialect == "neo4j"
    store = source_store(EXAMPLES / "city.xlsx")
    push(store, neo4j_conn)
    assert isomorphic(as_rdflib(pull(neo4j_conn)), store_rdflib(store))
    constraints = neo4j_conn.read("SHOW CONSTRAINTS YIELD labelsOrTypes, properties")
    assert {"labelsOrTypes": ["Resource"], "properties": ["uri"]} in constraints
    book = rule_book()
    assert findings_json(validate_neo4j(neo4j_conn, book)) == findings_json(
        validate_store(store, book)
    )


@needs_neo4j
def test_real_neo4j_routing_uri(neo4j_conn: Connection) -> None:
    routed = re.sub(r"^bolt(\+s|\+ssc)?://", r"neo4j\1://", str(REAL_NEO4J))
    user = os.environ.get("GOVKG_NEO4J_USER", "neo4j")
    with Connection(routed, user, os.environ.get("NEO4J_PASSWORD", "")) as routed_conn:
        store = source_store(EXAMPLES / "city.xlsx")
        push(store, routed_conn)
        assert isomorphic(as_rdflib(pull(routed_conn)), store_rdflib(store))


@needs_neo4j
def test_real_neo4j_failed_write_rolls_back(neo4j_conn: Connection) -> None:
    from govkg.neo4j.client import Neo4jError

    with pytest.raises(Neo4jError):
        neo4j_conn.run("CREATE (:Scratch {k: 1}) WITH 1 AS x RETURN 1 / 0")
    assert neo4j_conn.read("MATCH (n:Scratch) RETURN count(n) AS n")[0]["n"] == 0
