"""职责划转: the transfers table (contract, loader, mapping, draft merge) and rule R17
划转职责无人承接 through every way findings leave the project (text, JSON, xlsx, the store's
findings graph, the draft comparison, the Cypher rules), checked against the oracle on a
workbook shaped unlike the generator's: two governments, a counterpart whose duty is held
by its unit, a counterpart in another government, kinds that are never judged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from govkg.loaders.mapping import workbook_triples
from govkg.loaders.workbook import read_workbook
from govkg.loaders.xlsx_reader import iter_sheet, sheet_names
from govkg.shapes.store_validation import rule_book, validate_store
from govkg.shapes.transfer_judgement import SAME, states_same
from govkg.text import Weights
from rdflib.compare import isomorphic

from govkg.neo4j.client import Connection
from govkg.neo4j.falkordb_server import FalkorServer
from govkg.neo4j.rules import validate_neo4j
from govkg.neo4j.sync import push
from govkg.store import GraphStore
from govkg.synthetic import generate_workbook
from govkg.validating.sources import memory_store, read_sources
from tests.conftest import run_govkg, write_csv_workbook
from tests.oracle_draft import draft_findings
from tests.rules_oracle import findings

BASE = "https://id.govkg.org/"
AGENCIES = [
    ["id", "name", "kind", "government", "level"],
    ["A", "江海市住房和城乡建设局", "政府组成部门", "329900", "市"],
    ["B", "江海市城市管理局", "政府组成部门", "329900", "市"],
    ["C", "海滨区交通运输局", "政府组成部门", "329902", "县"],
    ["D", "江海市停车服务中心", "事业单位", "329900", "市"],
]
DUTIES = [
    ["id", "holder", "text"],
    ["B-1", "BU", "负责市政设施养护管理和监督检查。"],
    ["C-1", "C", "负责农村公路建设管理。"],
    ["A-1", "A", "负责建筑市场监督管理。"],
]
TRANSFERS = [
    ["id", "agency", "kind", "counterpart", "counterpart_id", "text", "basis"],
    # B's unit takes it up: no finding
    ["X1", "A", "划出", "市城管局", "B", "将市政设施养护管理职责划出给市城管局。", "一（一）"],
    # D holds nothing: nobody takes it up
    ["X2", "A", "交给", "停车中心", "D", "将道路停车收费管理职责交给停车中心。", "一（二）"],
    # C (another government) still holds what B says moved in
    ["X3", "B", "划入", "区交通局", "C", "将区交通局的农村公路建设管理职责划入市城管局。", ""],
    ["X4", "A", "下放", "区交通局", "C", "将城市道路挖掘审批职责下放给区交通局。", ""],
    ["X5", "A", "取消", "", "", "取消建筑业企业资质年检。", ""],
    ["X6", "C", "交给", "事业单位", "", "将公路养护职责交给事业单位。", ""],
    # A no longer holds 城市照明管理: moved in cleanly
    ["X7", "B", "划入", "市住建局", "A", "将市住建局的城市照明管理职责划入市城管局。", ""],
]  # fmt: skip
EXPECTED = {("R17", "warning", "X2", ("D",)), ("R17", "warning", "X3", ("C",))}


def workbook(folder: Path, transfers: list[list[str]] = TRANSFERS) -> Path:
    return write_csv_workbook(
        folder,
        {
            "agencies": AGENCIES,
            "units": [["id", "agency", "name"], ["BU", "B", "市政设施科"]],
            "duties": DUTIES,
            "transfers": transfers,
        },
    )


def json_report(*args: str | Path) -> dict:
    done = run_govkg("validate", *args, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def r17(report: dict) -> set[tuple]:
    """The R17 findings of a report: (rule, severity, focus, related[, status])."""
    out = set()
    for f in report["findings"]:
        if f["rule"] == "R17":
            status = (f["status"],) if "status" in f else ()
            out.add((f["rule"], f["severity"], f["focus"], tuple(f["related"]), *status))
    return out


def test_the_judgement_is_one_function_of_two_texts() -> None:
    assert states_same(TRANSFERS[1][5], DUTIES[1][2]) >= SAME
    assert states_same(TRANSFERS[2][5], DUTIES[1][2]) < SAME
    assert states_same("", "负责") == 0.0


def test_r17_as_written_by_hand_and_by_the_oracle(tmp_path: Path) -> None:
    path = workbook(tmp_path / "wb")
    oracle = {f for f in findings(path) if f[0] == "R17"}
    assert oracle == EXPECTED
    assert r17(json_report(path)) == EXPECTED
    assert r17(json_report(path, "--engine", "pyshacl")) == EXPECTED


def test_r17_in_the_text_and_xlsx_reports(tmp_path: Path) -> None:
    path = workbook(tmp_path / "wb")
    text = run_govkg("validate", path).stdout
    assert "R17 划转职责无人承接（警告，2 项）" in text
    assert "江海市停车服务中心(D)" in text
    english = run_govkg("validate", path, "--lang", "en").stdout
    assert "Transferred duty not taken up" in english
    out = tmp_path / "report.xlsx"
    assert run_govkg("validate", path, "--format", "xlsx", "-o", out).returncode == 0
    assert "R17 划转职责无人承接" in sheet_names(out)
    rows = list(iter_sheet(out, "R17 划转职责无人承接"))
    assert sorted(r[1] for r in rows[1:]) == ["X2", "X3"]


def query(store: Path, sparql: str) -> list[dict]:
    done = run_govkg("query", "--store", store, "--format", "json", sparql)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["results"]["bindings"]


def test_the_store_keeps_r17_in_its_findings_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", workbook(tmp_path / "wb"), "--store", store).returncode == 0
    rows = query(store, 'SELECT ?f WHERE { ?x a gk:Finding ; gk:ruleId "R17" ; gk:focusId ?f }')
    assert sorted(r["f"]["value"] for r in rows) == ["X2", "X3"]
    assert r17(json_report("--store", store)) == EXPECTED
    # the transfers themselves, with their mandate as primary source (PROV-O)
    stated = query(
        store,
        "SELECT ?t WHERE { ?t a gk:DutyTransfer ; gk:statedIn ?m . ?m gk:mandateOf ?a . "
        '?a dct:identifier "A" }',
    )
    assert len(stated) == 4  # X1, X2, X4, X5


def test_r17_dismissals_are_kept_across_reloads_until_a_text_changes(tmp_path: Path) -> None:
    """A person dismisses X3 (C's duty is a county road, not what moved): it is no longer
    reported, in the stored findings either, across a reload of the same workbook, until
    the counterpart's duty texts change; who and when are kept (PROV-O)."""
    store = tmp_path / "store"
    assert run_govkg("load", workbook(tmp_path / "wb"), "--store", store).returncode == 0
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(
        "rule,focus,related,decision,note\nR17,X3,C,dismiss,区县道路不是市级职责\n",
        encoding="utf-8",
    )
    done = run_govkg("decisions", "apply", decisions, "--who", "编办 王科长", "--store", store)
    assert done.returncode == 0, done.stderr
    left = {("R17", "warning", "X2", ("D",))}
    assert r17(json_report("--store", store)) == left
    stored = 'SELECT ?f WHERE { ?x a gk:Finding ; gk:ruleId "R17" ; gk:focusId ?f }'
    assert [r["f"]["value"] for r in query(store, stored)] == ["X2"]
    assert run_govkg("load", workbook(tmp_path / "wb"), "--store", store).returncode == 0
    assert r17(json_report("--store", store)) == left
    listed = json.loads(run_govkg("decisions", "list", "--store", store, "--format", "json").stdout)
    assert [(d["rule"], d["focus"], d["related"], d["who"]) for d in listed] == [
        ("R17", "X3", "C", "编办 王科长")
    ]
    # the counterpart's duties change: judged again
    changed = [row[:] for row in DUTIES]
    changed[2][2] = "负责农村公路建设管理和养护。"
    folder = write_csv_workbook(
        tmp_path / "wb",
        {"agencies": AGENCIES, "units": [["id", "agency", "name"], ["BU", "B", "市政设施科"]],
         "duties": changed, "transfers": TRANSFERS},
    )  # fmt: skip
    assert run_govkg("load", folder, "--store", store).returncode == 0
    assert r17(json_report("--store", store)) == EXPECTED


def test_an_r17_decision_names_a_transfer_and_an_agency_of_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", workbook(tmp_path / "wb"), "--store", store).returncode == 0
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps([{"rule": "R17", "focus": "X404", "related": "C", "decision": "dismiss"},
                    {"rule": "R17", "focus": "X3", "related": "Z", "decision": "dismiss"}]),
        encoding="utf-8",
    )  # fmt: skip
    done = run_govkg("decisions", "apply", bad, "--who", "张三", "--store", store)
    assert done.returncode == 2
    assert "第2行 row 2 › focus" in done.stderr and "X404" in done.stderr
    assert "第3行 row 3 › related" in done.stderr and "Z" in done.stderr
    assert run_govkg("decisions", "list", "--store", store).stdout == ""


def test_a_draft_replaces_an_agencys_transfers(tmp_path: Path) -> None:
    """D re-mandated with the duty X2 hands it resolves X2; A re-mandated with a new
    transfer nobody takes up brings a finding; B's X3 stays."""
    base = workbook(tmp_path / "base")
    draft = write_csv_workbook(
        tmp_path / "draft",
        {
            "agencies": [AGENCIES[0], AGENCIES[1], AGENCIES[4]],
            "duties": [DUTIES[0], ["D-1", "D", "负责道路停车收费管理。"]],
            "transfers": [
                TRANSFERS[0],
                ["X8", "A", "划出", "市城管局", "B", "将城市供水管理职责划出给市城管局。", ""],
            ],
        },
    )  # fmt: skip
    expected = {
        ("R17", "warning", "X2", ("D",), "resolved"),
        ("R17", "warning", "X3", ("C",), "unchanged"),
        ("R17", "warning", "X8", ("B",), "new"),
    }
    oracle = {f for f in draft_findings(base, draft) if f[0] == "R17"}
    assert oracle == expected
    assert r17(json_report(base, "--draft", draft)) == expected
    # the merge: A's transfers X1, X4, X5 went with A's re-mandate, B's X3, X7 and C's X6 stay
    merged = json_report(base, "--draft", draft)
    assert merged["counts"]["warning"] >= 2


def test_r17_weighs_terms_over_the_counterpart_s_government(tmp_path: Path) -> None:
    """R17 judges X9 with the weights of C's government, where E's duties make 公路养护
    common: weighed over C's duties alone C's duty would take X9 up. A draft re-mandating
    D (329900, as X9's agency B) leaves X9 as it was, on the workbook's fast path and on a
    store's, as in the oracle's full comparison: both read every duty of 329902."""
    agencies = [*AGENCIES, ["E", "海滨区公路事业发展中心", "事业单位", "329902", "县"]]
    moved = "将公路养护工程管理职责划出给区交通局。"
    duties = [*DUTIES, ["C-2", "C", "负责公路养护和路政管理。"]]
    for i, x in enumerate(("计划编制", "资金核拨", "质量抽检")):
        duties.append([f"E-{i}", "E", f"负责全区公路养护{x}。"])
    tables = {
        "agencies": agencies,
        "units": [["id", "agency", "name"], ["BU", "B", "市政设施科"]],
        "duties": duties,
        "transfers": [*TRANSFERS, ["X9", "B", "划出", "区交通局", "C", moved, ""]],
    }
    base = write_csv_workbook(tmp_path / "base", tables)
    texts_of_c = [d[2] for d in duties[1:] if d[1] == "C"]
    assert states_same(moved, duties[-4][2], weights=Weights.of(texts_of_c)) >= SAME
    assert ("R17", "warning", "X9", ("C",)) in findings(base)
    d_duties = [DUTIES[0], ["D-1", "D", "负责道路停车收费管理。"]]
    draft = write_csv_workbook(
        tmp_path / "draft", {"agencies": [AGENCIES[0], AGENCIES[4]], "duties": d_duties}
    )
    expected = {f for f in draft_findings(base, draft) if f[0] == "R17"}
    assert ("R17", "warning", "X9", ("C",), "unchanged") in expected
    assert r17(json_report(base, "--draft", draft)) == expected
    store = tmp_path / "store"
    assert run_govkg("load", base, "--store", store).returncode == 0
    assert r17(json_report("--store", store, "--draft", draft)) == expected


def test_bad_transfers_are_located_and_nothing_is_written(tmp_path: Path) -> None:
    bad = workbook(
        tmp_path / "bad",
        [
            TRANSFERS[0],
            ["X1", "A", "转走", "", "", "将甲职责转走。", ""],
            ["X2", "NOPE", "划出", "", "B", "将乙职责划出。", ""],
            ["X3", "A", "交给", "", "GHOST", "将丙职责交给事业单位。", ""],
            ["X4", "A", "取消", "", "", "", ""],
        ],
    )
    store = tmp_path / "store"
    done = run_govkg("load", bad, "--store", store)
    assert done.returncode == 2
    err = done.stderr
    for row, column, value in (
        ("第2行 row 2", "划转类型", "转走"),
        ("第3行 row 3", "机构编码", "NOPE"),
        ("第4行 row 4", "对方机构编码", "GHOST"),
        ("第5行 row 5", "内容", ""),
    ):
        line = next((x for x in err.splitlines() if row in x and column in x), "")
        assert "transfers.csv" in line and value in line, (row, column, err)
    assert not GraphStore(store).exists()


def test_the_mapping_of_a_transfer(tmp_path: Path) -> None:
    path = workbook(tmp_path / "wb", [TRANSFERS[0], TRANSFERS[1]])
    graph = rdflib.Graph()
    graph.parse(data="".join(workbook_triples(read_workbook(path), BASE)), format="nt")
    transfer = rdflib.URIRef(BASE + "transfer/X1")
    mandate = rdflib.URIRef(BASE + "agency/A/mandate")
    got = rdflib.Graph()
    for s in (transfer, mandate):
        for triple in graph.triples((s, None, None)):
            got.add(triple)
    expected = rdflib.Graph().parse(
        format="turtle",
        data=f"""
@prefix gk: <https://govkg.org/ontology#> . @prefix dct: <http://purl.org/dc/terms/> .
<{transfer}> a gk:DutyTransfer ; dct:identifier "X1" ; gk:sourceRow 2 ;
    gk:statedBy <{BASE}agency/A> ; gk:statedIn <{mandate}> ;
    gk:transferKind gk:TransferOut ; gk:counterpartName "市城管局"@zh ;
    gk:counterpart <{BASE}agency/B> ;
    dct:description "将市政设施养护管理职责划出给市城管局。"@zh ; gk:basis "一（一）"@zh .
<{mandate}> a gk:Mandate ; gk:mandateOf <{BASE}agency/A> .
""",
    )
    assert isomorphic(got, expected)


@pytest.fixture(scope="module")
def falkordb() -> Iterator[FalkorServer]:
    server = FalkorServer()
    try:
        server.start()
    except Exception as error:  # fail, not skip, without a server
        server.stop()
        pytest.fail(f"FalkorDB (Bolt) did not start; run scripts/setup.sh: {error}")
    yield server
    server.stop()


def test_the_cypher_rules_give_r17_as_shacl_does(falkordb: FalkorServer, tmp_path: Path) -> None:
    """On this module's workbook (R17 fires) and a generated one (its transfers are all
    taken up: R17 lets them pass)."""
    generated = tmp_path / "synthetic"
    counts = generate_workbook(
        generated, agencies=40, seed=5, violations=0.3, power_items=5, datasets=5
    )
    assert counts["transfers"] > 0
    book = rule_book()
    with Connection(falkordb.uri, "falkordb", "") as conn:
        for path, fires in ((workbook(tmp_path / "wb"), True), (generated, False)):
            conn.run("MATCH (n) DETACH DELETE n")
            workbooks, rdf = read_sources([path])
            store = memory_store(workbooks, rdf, BASE)
            push(store, conn)
            found = validate_store(store, book)
            assert ("R17" in {f.rule for f in found}) is fires
            expected = [f.as_dict() for f in found]  # R16 too: from the texts read there
            assert [f.as_dict() for f in validate_neo4j(conn, book)] == expected
