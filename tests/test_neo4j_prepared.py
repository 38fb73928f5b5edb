"""The push's rows prepared at load time (govkg/neo4j/prepared.py): pushed, they give the
database the graph a push that maps the store gives, on varied shapes, again after a
change; without a usable copy the push maps the store; a crash while preparing leaves
no copy."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from govkg.loading import load_sources
from govkg.neo4j.client import Connection
from govkg.neo4j.prepared import PreparedCopy, prepared_copy, prepared_path
from govkg.neo4j.sync import PushReport, pull, push
from govkg.settings import Settings
from govkg.store import GraphData, GraphStore
from govkg.store import oxigraph as oxi
from govkg.synthetic import generate_workbook
from tests.conftest import EXAMPLES, REPO, SMALL_CITY, run_govkg, write_csv_workbook
from tests.neo4j_support import as_rdflib, snapshot, store_rdflib

# a second named graph: a triple the workbook holds too, a node split across the graphs,
# a namespace the ontology has no prefix for (so the copy carries one: ns11 …)
NOTES = """
@prefix gk: <https://govkg.org/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.org/notes-2026/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://id.govkg.org/agencies/JH-DSJ> a gk:Agency ; ex:note "见会议纪要"@zh , "7"^^xsd:integer ;
    ex:seeAlso <http://example.org/notes-2026/minutes> .
ex:minutes skos:prefLabel "会议纪要"@zh ; ex:weight "0.5"^^xsd:decimal .
"""


def load(store: Path, *paths: Path) -> None:
    load_sources(list(paths), Settings.from_env({}, store=store), show_progress=False)


def copy_of(store: Path) -> PreparedCopy:
    generation, _data = GraphStore(store).open_generation()
    copy = prepared_copy(store, generation)
    assert copy is not None
    return copy


def readable(copy: PreparedCopy, namespaces: dict[str, str] | None = None) -> bool:
    """Whether a push into a database with these namespaces would read the copy."""
    rows = copy.open(namespaces or {})
    if rows is not None:
        rows.close()
    return rows is not None


def pushed_both_ways(conn: Connection, store: Path) -> tuple[object, object]:
    """The database's graph after a push of the prepared rows, and after a push that maps
    the store, each into an emptied database (their reports must agree too)."""
    copy = copy_of(store)
    assert readable(copy)
    conn.run("MATCH (n) DETACH DELETE n")
    # an empty store beside the copy: what is pushed can only come from the copy
    from_copy = push(oxi.memory_store(), conn, prepared=copy)
    prepared = snapshot(conn)
    conn.run("MATCH (n) DETACH DELETE n")
    _generation, data = GraphStore(store).open_generation()
    mapped = push(data, conn)
    assert counts(from_copy) == counts(mapped)
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))
    return prepared, snapshot(conn)


def counts(report: PushReport) -> tuple[int, ...]:
    return (report.triples, report.nodes, report.relationships, report.deleted_nodes,
            report.deleted_relationships)  # fmt: skip


# a file with a blank node (read from the store: it labels blank nodes anew) and a
# repeated line (read from the file: each triple counts once)
ODDS = """_:b1 <http://e.org/about> <https://id.govkg.org/agencies/JH-DSJ> .
_:b1 <http://www.w3.org/2004/02/skos/core#prefLabel> "备注"@zh .
"""
REPEATS = """<http://e.org/r> <http://e.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://e.org/r> <http://e.org/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<http://e.org/r> <http://e.org/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://e.org/r> <http://e.org/q> <https://id.govkg.org/agencies/JH-DSJ> .
<http://e.org/r> <http://e.org/q> <https://id.govkg.org/agencies/JH-DSJ> .
<http://e.org/r> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e.org/T> .
<http://e.org/r> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e.org/T> .
"""


@pytest.mark.parametrize(
    "shape", ["city and notes", "blank nodes and repeats", "many governments, units leading"]
)
def test_the_prepared_rows_push_the_graph_of_the_store(
    conn: Connection, tmp_path: Path, shape: str
) -> None:
    store = tmp_path / "store"
    notes = tmp_path / "notes.ttl"
    notes.write_text(NOTES, encoding="utf-8")
    if shape == "city and notes":
        load(store, EXAMPLES / "city.xlsx", notes)
    elif shape == "blank nodes and repeats":
        (tmp_path / "odds.nt").write_text(ODDS, encoding="utf-8")
        (tmp_path / "repeats.nt").write_text(REPEATS, encoding="utf-8")
        load(store, EXAMPLES / "city.xlsx", tmp_path / "odds.nt", tmp_path / "repeats.nt")
    else:
        generate_workbook(tmp_path / "wb", agencies=36, governments=6, unit_leads=0.6,
                          power_items=8, seed=3)  # fmt: skip
        load(store, tmp_path / "wb")
    prepared, mapped = pushed_both_ways(conn, store)
    assert prepared == mapped


def test_the_mapping_counts_a_repeated_triple_once(tmp_path: Path) -> None:
    """Quads of several graphs' files, with repeats, map as the store's union does."""
    from govkg.neo4j.mapping import Namespaces, property_graph

    more = '<http://e.org/s> <http://e.org/p> "x"@zh ; a <http://e.org/T> , <http://e.org/U> .'
    store = oxi.memory_store()
    oxi.load(store, REPEATS.encode(), format="nt", graph="http://example.org/g1")
    oxi.load(store, more.encode(), format="ttl", graph="http://example.org/g2")
    oxi.load(store, REPEATS.encode(), format="nt", graph="http://example.org/g3")
    union = property_graph(oxi.union_quads(store), Namespaces())
    repeated = [*oxi.parse(REPEATS.encode(), format="nt"), *oxi.quads_of(store)]
    each = property_graph(iter(repeated), Namespaces(), distinct=False)
    assert each.triples == union.triples == len(store) - 4  # g3 repeats g1's 4 triples
    assert (each.nodes, each.labels, each.relationships) == (
        union.nodes, union.labels, union.relationships)  # fmt: skip
    assert union.nodes["http://e.org/r"] == {
        "ns11__p^^xsd__integer": "1", "ns11__p^^xsd__boolean": "true"}  # fmt: skip


def test_a_load_reads_the_graphs_it_wrote_from_their_files(tmp_path: Path) -> None:
    """The load hands the preparation its N-Triples files: those graphs are read from
    them, not from RocksDB (here a file that differs from the graph shows it)."""
    from govkg.neo4j.prepared import write_prepared

    store = tmp_path / "store"
    load(store, EXAMPLES / "city.xlsx")
    generation, data = GraphStore(store).open_generation()
    assert generation is not None
    workbook = next(g for g in oxi.named_graphs(data) if g.endswith("/city"))
    one = tmp_path / "one.nt"
    one.write_text('<http://e.org/a> <http://e.org/p> "q" .\n', encoding="utf-8")
    write_prepared(store, generation, data, loaded={workbook: one})
    rows = copy_of(store).open({})
    assert rows is not None
    rows.close()
    assert rows.triples == len(data) - oxi.count(data, workbook) + 1


def test_graphs_kept_from_earlier_loads_are_in_the_copy(conn: Connection, tmp_path: Path) -> None:
    store = tmp_path / "store"
    notes = tmp_path / "notes.ttl"
    notes.write_text(NOTES, encoding="utf-8")
    load(store, EXAMPLES / "city.xlsx", notes)
    more = tmp_path / "more.nt"
    more.write_text(
        "<https://id.govkg.org/agencies/JH-DSJ> <http://example.org/notes-2026/note> "
        '"见会议纪要"@zh .\n<http://example.org/x> <http://example.org/y> "z" .\n',
        encoding="utf-8",
    )
    load(store, more)  # the workbook's and the notes' graphs stay
    assert len(oxi.named_graphs(GraphStore(store).open_reader())) >= 4
    prepared, mapped = pushed_both_ways(conn, store)
    assert prepared == mapped


def test_a_second_push_after_a_change_leaves_the_changed_graph(
    conn: Connection, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    tables = {name: [list(row) for row in rows] for name, rows in SMALL_CITY.items()}
    # one file name, so the second load replaces the first's graph
    load(store, write_csv_workbook(tmp_path / "v1" / "city", tables))
    push(oxi.memory_store(), conn, prepared=copy_of(store))
    tables["机构"][-1][1] = "改名后的局"  # a changed name
    tables["内设机构"] = tables["内设机构"][:-1]  # a unit gone, with its relationships
    load(store, write_csv_workbook(tmp_path / "v2" / "city", tables))
    again = push(oxi.memory_store(), conn, prepared=copy_of(store))
    assert again.deleted_nodes >= 1 and again.deleted_relationships >= 1
    after = snapshot(conn)
    _generation, data = GraphStore(store).open_generation()
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))
    conn.run("MATCH (n) DETACH DELETE n")
    push(data, conn)
    assert after == snapshot(conn)


def test_a_load_keeps_one_copy_a_generation(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for _ in range(3):
        load(store, EXAMPLES / "city.xlsx")
    generations = sorted(p.name for p in store.glob("gen-*"))
    copies = sorted(p.name for p in (store / "neo4j").iterdir())
    # the live generation's and the one before it (a reader may still be on it)
    assert copies == [f"{g}.rows" for g in generations] and len(copies) == 2


def test_a_load_can_leave_the_copy_out(conn: Connection, tmp_path: Path) -> None:
    """`load --no-neo4j-rows` (or GOVKG_NEO4J_ROWS_ON_LOAD=0) prepares nothing and removes
    the older generations' copies; the push then maps the store and gives the same graph."""
    store = tmp_path / "store"
    assert run_govkg("load", EXAMPLES / "city.xlsx", "--store", store).returncode == 0
    assert [p.suffix for p in (store / "neo4j").iterdir()] == [".rows"]
    off = run_govkg("load", EXAMPLES / "city.xlsx", "--store", store, "--no-neo4j-rows")
    assert off.returncode == 0
    live = copy_of(store)
    assert not live.path.exists()
    kept = [f"{g.name}.rows" for g in store.glob("gen-*")]
    assert all(p.name in kept for p in (store / "neo4j").iterdir())  # nothing of older ones
    env = {**os.environ, "GOVKG_NEO4J_ROWS_ON_LOAD": "0"}
    assert run_govkg("load", EXAMPLES / "city.xlsx", "--store", store, env=env).returncode == 0
    assert list((store / "neo4j").iterdir()) == []
    _generation, data = GraphStore(store).open_generation()
    push(data, conn, prepared=copy_of(store))
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))


# --- without a usable copy the store is mapped ------------------------------------------
def test_a_generation_without_a_copy_is_mapped(conn: Connection, tmp_path: Path) -> None:
    store = tmp_path / "store"
    load(store, EXAMPLES / "city.xlsx")
    extra = tmp_path / "extra.nt"
    extra.write_text('<http://example.org/a> <http://example.org/p> "q" .\n', encoding="utf-8")
    # a write that prepares nothing (as `decisions apply` or the API's /update: test_push_copy)
    GraphStore(store).replace_graphs([GraphData("http://example.org/g", extra)])
    copy = copy_of(store)
    assert not copy.path.exists() and not readable(copy)
    _generation, data = GraphStore(store).open_generation()
    push(data, conn, prepared=copy)
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))


def test_a_broken_or_foreign_copy_is_not_used(conn: Connection, tmp_path: Path) -> None:
    store = tmp_path / "store"
    load(store, EXAMPLES / "city.xlsx")
    copy = copy_of(store)
    whole = copy.path.read_bytes()
    _generation, data = GraphStore(store).open_generation()
    copy.path.write_bytes(whole[: len(whole) // 2])  # cut short
    assert not readable(copy)
    copy.path.write_bytes(whole)
    assert not readable(PreparedCopy(copy.path, "gen-999999"))  # another generation's
    assert readable(copy)
    # names shortened with namespaces the database does not give: mapped again
    assert not readable(copy, {"ns11": "http://example.org/other/"})
    conn.run("CREATE (:_GovkgNamespace {prefix: 'ns11', namespace: 'http://example.org/o/'})")
    push(data, conn, prepared=copy)
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))


def test_a_copy_of_the_format_before_is_stale(conn: Connection, tmp_path: Path) -> None:
    """A store loaded by an older govkg holds its copy as plain `marshal.dump` records (no
    lengths between them, format 1): it is not read, and the push maps the store."""
    import marshal

    from govkg.neo4j import prepared

    store = tmp_path / "store"
    load(store, EXAMPLES / "city.xlsx")
    copy = copy_of(store)
    end = copy.path.stat().st_size
    with copy.path.open("rb") as source:
        source.read(8)
        header, meta = prepared._read_record(source, end), prepared._read_record(source, end)
        records = []
        while (record := prepared._read_record(source, end))[0] != "end":
            records.append(record)
    old = b"".join(
        marshal.dumps(record)
        for record in [(header[0], "1/" + header[1].split("/", 1)[1], *header[2:]), meta,
                       *records, ("end",)]
    )  # fmt: skip
    copy.path.write_bytes(len(old).to_bytes(8, "little") + old)
    assert not readable(copy)
    _generation, data = GraphStore(store).open_generation()
    push(data, conn, prepared=copy)
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))


def test_a_copy_damaged_since_it_was_written_is_a_clear_error(
    conn: Connection, tmp_path: Path
) -> None:
    from govkg.errors import StoreError

    store = tmp_path / "store"
    load(store, EXAMPLES / "city.xlsx")
    copy = copy_of(store)
    whole = bytearray(copy.path.read_bytes())
    middle = len(whole) // 2
    whole[middle : middle + 64] = b"\xff" * 64  # its length unchanged
    copy.path.write_bytes(bytes(whole))
    with pytest.raises(StoreError) as error:
        push(oxi.memory_store(), conn, prepared=copy)
    assert str(copy.path) in str(error.value) and "load the data again" in str(error.value)


# --- a crash while preparing ------------------------------------------------------------
_KILLED_WRITER = """
import sys, time
from govkg.neo4j import prepared
from govkg.store import GraphStore

def half_then_hang(out, generation, rows):
    out.write(b"govkg" * 200)
    out.flush()
    print("writing", flush=True)
    time.sleep(60)

prepared._write_records = half_then_hang
generation, data = GraphStore(sys.argv[1]).open_generation()
prepared.write_prepared(sys.argv[1], generation, data)
"""


def test_a_crash_while_preparing_leaves_no_copy(conn: Connection, tmp_path: Path) -> None:
    store = tmp_path / "store"
    load(store, EXAMPLES / "city.xlsx")
    copy = copy_of(store)
    copy.path.unlink()
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(store)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "writing\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    left = sorted(p.name for p in (store / "neo4j").iterdir())
    assert left == [f"{copy.path.name}.{writer.pid}.tmp"]  # the half copy is a temp file
    assert not readable(copy)
    _generation, data = GraphStore(store).open_generation()
    push(data, conn, prepared=copy)  # mapped from the store
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))
    # the next load prepares its generation's copy and removes the dead writer's file
    load(store, EXAMPLES / "city.xlsx")
    left = sorted(p.name for p in (store / "neo4j").iterdir())
    assert left == [prepared_path(store, copy_of(store).generation).name]


def test_a_failed_preparation_leaves_no_file(tmp_path: Path, monkeypatch) -> None:
    from govkg.neo4j import prepared

    store = tmp_path / "store"
    load(store, EXAMPLES / "city.xlsx")
    copy = copy_of(store)
    copy.path.unlink()

    def full_disk(out, generation: str, rows: object) -> None:
        out.write(b"govkg" * 200)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(prepared, "_write_records", full_disk)
    generation, data = GraphStore(store).open_generation()
    with pytest.raises(OSError):
        prepared.write_prepared(store, str(generation), data)
    assert list((store / "neo4j").iterdir()) == []
    assert not readable(copy)


def test_the_cli_pushes_the_copy(falkordb, tmp_path: Path) -> None:
    """`govkg neo4j push` sends the copy the load prepared: given another store's copy of
    the same generation's name, it pushes that store's graph."""
    city, small = tmp_path / "city", tmp_path / "small"
    tables = {name: [list(row) for row in rows] for name, rows in SMALL_CITY.items()}
    for store, source in (
        (city, EXAMPLES / "city.xlsx"),
        (small, write_csv_workbook(tmp_path / "wb", tables)),
    ):
        assert run_govkg("load", source, "--store", store).returncode == 0
    city_copy, small_copy = copy_of(city), copy_of(small)
    assert city_copy.generation == small_copy.generation
    city_copy.path.write_bytes(small_copy.path.read_bytes())
    pushed = run_govkg("neo4j", "push", "--uri", falkordb.uri, "--user", "x", "--store", city)
    assert pushed.returncode == 0, pushed.stderr
    with Connection(falkordb.uri, "x", "") as conn:
        _generation, data = GraphStore(small).open_generation()
        assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))
        # without the copy the CLI maps the store
        city_copy.path.unlink()
        assert run_govkg("neo4j", "push", "--uri", falkordb.uri, "--user", "x",
                         "--store", city).returncode == 0  # fmt: skip
        _generation, data = GraphStore(city).open_generation()
        assert isomorphic(as_rdflib(pull(conn)), store_rdflib(data))
