"""The findings of the rules, computed when the store is written and kept in it as RDF."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from govkg.shapes import findings_rdf
from govkg.shapes.findings import Finding, as_json
from govkg.shapes.findings_rdf import (
    finding_iri,
    finding_ntriples,
    findings_graph,
    graph_info,
    read_findings,
    rules_digest,
)
from govkg.shapes.findings_store import stored_findings, validation_copy
from govkg.shapes.store_validation import rule_book

from bench.api_bench import OVERLAP_FINDINGS_QUERY, OVERLAP_QUERY
from govkg.loading import load_sources
from govkg.querying import run_query
from govkg.settings import Settings
from govkg.store import GraphStore
from govkg.store import oxigraph as oxi
from govkg.validating import findings_cache
from govkg.validating.sources import validate_disk_store, validate_sources
from tests.conftest import EXAMPLES, SMALL_CITY, run_govkg, run_govkg_process, write_csv_workbook

BASE = "https://id.govkg.org/"
CITY = EXAMPLES / "city.xlsx"
FINDINGS = findings_graph(BASE)


@pytest.fixture(scope="module")
def city_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("findings") / "store"
    report = load_sources([CITY], Settings.from_env({}, store=store), show_progress=False)
    assert report.findings_count == 51
    return store


@pytest.fixture(scope="module")
def city_findings() -> list:
    return validate_sources([CITY], base_iri=BASE).findings


def test_findings_round_trip_through_rdf_exactly(city_findings: list) -> None:
    store = oxi.memory_store()
    data = "".join(finding_ntriples(city_findings, BASE, {})).encode()
    oxi.load(store, data, format="nt", graph=FINDINGS)
    back = read_findings(store, BASE)
    assert [f.as_dict() for f in back] == [f.as_dict() for f in city_findings]
    assert any(len(f.related) > 2 for f in back)  # order kept where there is one to keep
    # the IRI depends on what makes a finding the same finding, and nothing else
    first = city_findings[0]
    assert finding_iri(BASE, first) == finding_iri(BASE, back[0])
    assert len({finding_iri(BASE, f) for f in city_findings}) == len(city_findings)


def test_load_stores_the_findings_validate_gives(city_store: Path, city_findings: list) -> None:
    stored = stored_findings(GraphStore(city_store).open_reader(), BASE)
    assert stored is not None
    assert as_json(stored) == as_json(city_findings)
    result = run_govkg("validate", CITY, "--format", "json")
    assert json.loads(result.stdout) == as_json(stored)


def test_findings_graph_has_provenance_and_links(city_store: Path) -> None:
    reader = GraphStore(city_store).open_reader()
    info = graph_info(reader, BASE)
    assert info is not None
    assert info.count == 51 and info.rules_digest == rules_digest()
    assert f"{BASE}graph/city" in info.derived_from and FINDINGS not in info.derived_from
    listed = run_govkg("graphs", "--store", city_store).stdout
    assert FINDINGS in listed and f"{BASE}graph/city" in listed
    # the focus and related ids link to the entities they name
    linked = run_query(
        reader,
        """SELECT ?focus WHERE { ?x a gk:Finding ; gk:ruleId "R1" ; gk:focusId "SJZY-081" ;
                                   sh:focusNode ?focus ; gk:concerns ?a . ?a a gk:Agency }""",
    ).results
    assert {row["focus"].value for row in linked} == {f"{BASE}dataset/SJZY-081"}


def test_one_pass_finds_what_each_lookup_finds(
    city_store: Path, city_findings: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    from govkg.shapes import findings_scope

    reader = GraphStore(city_store).open_reader()
    ids = sorted({i for f in city_findings for i in (f.focus, *f.related)})
    looked_up = set(findings_scope._involved(reader, ids))
    monkeypatch.setattr(findings_scope, "LOOKUPS_UP_TO", 0)  # a province's way: one pass
    assert set(findings_scope._involved(reader, ids)) == looked_up
    assert {agency for _, agency, _ in looked_up} >= {"JH-DSJ", "JH-SCJG"}


def test_a_restart_reads_the_agencies_and_governments_stored_with_the_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server starting on a store reads each finding's agencies and governments from
    the findings graph; a store written before they were kept gives the same rows, found
    again; both are what finding_scopes finds on the data."""
    from govkg.api import readers, tasks
    from govkg.shapes import findings_scope

    # the county keeps a catalogue of its own: two sources may not hold one id
    # (docs/security.md), and the example's catalogue has the small city's F01, F02
    tables = {
        name: [[cell.replace("F0", "CF0") for cell in row] for row in rows]
        for name, rows in SMALL_CITY.items()
    }
    store = tmp_path / "store"
    load_sources(
        [CITY, write_csv_workbook(tmp_path / "county", tables)],
        Settings.from_env({}, store=store),
        show_progress=False,
    )
    graph_store = GraphStore(store)
    generation = os.readlink(store / "current")
    reader = graph_store.open_reader()
    found = stored_findings(reader, BASE)
    assert found is not None and graph_info(reader, BASE).involvement_stored  # type: ignore[union-attr]
    expected = [
        {"finding": f.as_dict(), "agencies": a, "governments": g}
        for f, (a, g) in zip(found, findings_scope.finding_scopes(reader, found), strict=True)
    ]
    assert len({gov for row in expected for gov in row["governments"]}) >= 2
    assert any(row["agencies"] for row in expected)
    del reader

    def no_lookups(*_args: object) -> None:
        raise AssertionError("the agencies and governments were looked up again")

    with monkeypatch.context() as patched:
        patched.setattr(findings_scope, "_involved", no_lookups)
        rows = tasks.findings(str(store), generation=generation, base_iri=BASE)["findings"]
    assert rows == expected
    # an older store: its findings graph keeps no agencies or governments
    readers._readers.clear()
    writable = oxi.disk_store(store / generation)
    kept = ", ".join(
        f"<https://govkg.org/ontology#{name}>"
        for name in ("involvesAgency", "involvesGovernment", "involvementStored")
    )
    oxi.update(
        writable,
        f"DELETE {{ GRAPH <{FINDINGS}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{FINDINGS}> {{ ?s ?p ?o FILTER (?p IN ({kept})) }} }}",
    )
    del writable
    assert not graph_info(graph_store.open_reader(), BASE).involvement_stored  # type: ignore[union-attr]
    again = tasks.findings(str(store), generation=generation, base_iri=BASE)["findings"]
    assert again == expected


def test_sparql_over_the_findings_graph_finds_the_overlaps(city_store: Path) -> None:
    reader = GraphStore(city_store).open_reader()
    stored = {
        (row["f"].value, row["a1"].value, row["a2"].value, row["name1"].value)
        for row in run_query(reader, OVERLAP_FINDINGS_QUERY).results
    }
    raw = {
        (row["f"].value, row["a1"].value, row["a2"].value)
        for row in run_query(reader, OVERLAP_QUERY).results
    }
    assert len(stored) == 3 and {s[:3] for s in stored} == raw
    assert (
        f"{BASE}function/F010202",
        f"{BASE}agency/JH-DSJ",
        f"{BASE}agency/JH-ZWB",
        "江海市大数据管理局",
    ) in stored


def test_validate_store_reads_the_stored_findings(city_store: Path, tmp_path: Path) -> None:
    # a store with no findings graph is validated: the same JSON either way
    bare = tmp_path / "bare"
    assert run_govkg("load", CITY, "--store", bare, "--no-findings").returncode == 0
    stored = run_govkg_process("validate", "--store", city_store, "--format", "json")
    computed = run_govkg("validate", "--store", bare, "--format", "json")
    assert stored.returncode == computed.returncode == 1
    assert json.loads(stored.stdout) == json.loads(computed.stdout)
    assert json.loads(stored.stdout)["counts"] == {"violation": 22, "warning": 15, "info": 14}


def test_stored_findings_are_read_while_current_and_computed_once_stale(tmp_path: Path) -> None:
    store = tmp_path / "store"
    load_sources([CITY], Settings.from_env({}, store=store), show_progress=False)
    # it really reads them: a finding slipped into the graph shows
    fake = "".join(finding_ntriples([Finding("R9", "warning", "X-1", (), {"zh": "假"})], BASE, {}))
    with GraphStore(store).writer() as writer:
        writer.update(f"INSERT DATA {{ GRAPH <{FINDINGS}> {{ {fake} }} }}")
    assert "X-1" in {f.focus for f in validate_disk_store(store, base_iri=BASE).findings}
    # under other rules the graph is out of date: the findings are computed again
    digest = "<https://govkg.org/ontology#rulesDigest>"
    with GraphStore(store).writer() as writer:
        writer.update(
            f"DELETE {{ GRAPH <{FINDINGS}> {{ ?g {digest} ?d }} }} "
            f'INSERT {{ GRAPH <{FINDINGS}> {{ ?g {digest} "rules of old" }} }} '
            f"WHERE {{ GRAPH <{FINDINGS}> {{ ?g {digest} ?d }} }}"
        )
    assert stored_findings(GraphStore(store).open_reader(), BASE) is None
    recomputed = validate_disk_store(store, base_iri=BASE).findings
    assert "X-1" not in {f.focus for f in recomputed} and len(recomputed) == 51


def test_findings_of_another_text_judgement_are_out_of_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Findings stored, or cached, under another JUDGEMENT_VERSION (R16's weights were over
    every duty before version 3) are not read: they are computed again."""
    store = tmp_path / "store"
    monkeypatch.setattr(findings_rdf, "JUDGEMENT_VERSION", "2")
    monkeypatch.setattr(findings_cache, "JUDGEMENT_VERSION", "2")
    load_sources([CITY], Settings.from_env({}, store=store), show_progress=False)
    assert stored_findings(GraphStore(store).open_reader(), BASE) is not None
    old_key = findings_cache.cache_key(CITY, engine="default", base_iri=BASE)
    monkeypatch.undo()
    assert stored_findings(GraphStore(store).open_reader(), BASE) is None
    assert findings_cache.cache_key(CITY, engine="default", base_iri=BASE) != old_key


def test_reload_replaces_the_findings_and_no_findings_removes_them(tmp_path: Path) -> None:
    store = tmp_path / "store"
    source = write_csv_workbook(tmp_path / "small-city", SMALL_CITY)
    result = run_govkg("load", source, "--store", store)
    assert result.returncode == 0 and "已保存规则问题" in result.stdout, result.stderr
    before = stored_findings(GraphStore(store).open_reader(), BASE)
    assert before is not None and ("R5", "U02", ()) in {f.key for f in before}
    # the load names what it found, rule by rule, in both languages
    r5 = sum(1 for f in before if f.rule == "R5")
    assert f"R5 内设机构无职责 Internal unit without duties（警告 warning）: {r5}" in result.stdout
    # U02 gets a duty: R5 (unit without duties) is resolved
    tables = {k: [list(r) for r in v] for k, v in SMALL_CITY.items()}
    tables["职责"].append(["D03", "U02", "负责数据资源目录编制。", "F02", "配合", ""])
    write_csv_workbook(source, tables)
    assert run_govkg("load", source, "--store", store).returncode == 0
    after = stored_findings(GraphStore(store).open_reader(), BASE)
    assert after is not None and ("R5", "U02", ()) not in {f.key for f in after}
    assert as_json(after) == as_json(validate_sources([source], base_iri=BASE).findings)
    # a load without findings leaves no findings graph, never a stale one
    result = run_govkg("load", source, "--store", store, "--no-findings")
    assert result.returncode == 0 and "no findings stored" in result.stdout
    assert FINDINGS not in GraphStore(store).named_graphs()
    env = {**os.environ, "GOVKG_FINDINGS_ON_LOAD": "0"}
    assert run_govkg("load", source, "--store", store, env=env).returncode == 0
    assert FINDINGS not in GraphStore(store).named_graphs()


def test_the_findings_graph_is_never_validated(city_store: Path) -> None:
    reader = GraphStore(city_store).open_reader()
    copy = validation_copy(reader, rule_book(), BASE)
    assert copy is not None and FINDINGS not in oxi.named_graphs(copy)
    assert FINDINGS in oxi.named_graphs(reader)
    assert validation_copy(reader, rule_book(), BASE, limit=10) is None
