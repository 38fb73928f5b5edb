"""R16 疑似职责交叉 through `govkg validate`, `govkg propose` and `govkg decisions`, on
small workbooks written as staff write them (and the example city)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from govkg.text import Weights, judge
from openpyxl import load_workbook

from tests.conftest import EXAMPLES, run_govkg, write_csv_workbook

CATALOGUE = "负责组织编制全市政务数据资源目录，建立健全政务数据资源管理制度。"
AGENCIES = [
    ["机构编码", "机构名称", "机构类别", "所属政府", "层级", "首席数据官"],
    ["A01", "市大数据管理局", "部门管理机构", "329900", "市", "张三"],
    ["A02", "市政务服务管理办公室", "政府组成部门", "329900", "市", "李四"],
    ["A03", "市公安局", "政府组成部门", "329900", "市", "王五"],
    ["B01", "区政务服务管理办公室", "政府组成部门", "329902", "县", "赵六"],
]
TABLES = {
    "机构": AGENCIES,
    "内设机构": [["内设机构编码", "所属机构编码", "名称"], ["A02-01", "A02", "数据科"]],
    "职能目录": [
        ["职能编码", "职能名称", "上级职能编码"],
        ["F01", "数据资源管理", ""],
        ["F0101", "政务数据资源目录", "F01"],
        ["F0102", "公共数据开放", "F01"],
        ["F02", "道路交通管理", ""],
    ],
    "职责": [
        ["职责编码", "承担机构编码", "职责描述", "职能编码", "角色"],
        ["D1", "A01", CATALOGUE, "F0101", "牵头"],
        # a unit's duty counts as its agency's; no function: a hidden overlap with D1
        ["D2", "A02-01", "负责编制全市政务数据资源目录，推进部门间政务数据共享交换。", "", "牵头"],
        # the same text in another government: never paired with D1
        ["D3", "B01", CATALOGUE, "", "牵头"],
        # support of what D1 leads: too low
        ["D4", "A03", "配合做好公安数据向政务数据资源目录的编目。", "", "配合"],
        ["D5", "A03", "负责全市道路交通安全管理，维护道路交通秩序。", "F02", "牵头"],
        ["D6", "A01", "完成市委、市政府交办的其他任务。", "", "牵头"],
        ["D7", "A02", "完成市委、市政府交办的其他任务。", "", "牵头"],
        ["D8", "A01", "负责推进公共数据开放，培育数据应用场景。", "F0102", "牵头"],
        ["D9", "A02", "负责推进公共数据开放，培育数据应用场景。", "F0102", "牵头"],
    ],
    "职责分工": [
        ["编号", "涉及机构", "职能编码", "分工内容"],
        ["FG1", "A01；A02", "F0102", "大数据局负责开放平台，政务办负责政务服务数据的开放清单。"],
    ],
}  # fmt: skip


def r16(report: dict) -> dict[tuple[str, str], dict]:
    return {(f["focus"], f["related"][0]): f for f in report["findings"] if f["rule"] == "R16"}


def test_r16_reports_hidden_overlaps_with_score_and_evidence(tmp_path: Path) -> None:
    path = write_csv_workbook(tmp_path / "wb", TABLES)
    done = run_govkg("validate", path, "--format", "json")
    report = json.loads(done.stdout)
    # info only: the workbook conforms and validate exits 0
    assert done.returncode == 0 and report["conforms"] is True
    assert report["counts"] == {"violation": 0, "warning": 0, "info": 1}
    (finding,) = r16(report).values()
    assert (finding["focus"], finding["related"]) == ("D1", ["D2"])
    assert finding["severity"] == "info" and 0.4 <= finding["score"] <= 1
    assert "编制全市政务数据资源目录" in finding["evidence"]
    assert (
        "市大数据管理局" in finding["message"]["zh"]
        and "编制全市政务数据资源目录" in finding["message"]["zh"]
    )
    text = run_govkg("validate", path, "--lang", "en").stdout
    assert "R16 Possible hidden overlap (info, 1)" in text


def test_another_government_s_duties_move_no_r16_score(tmp_path: Path) -> None:
    """R16 weighs terms over the duties of the government judged: duties added to 329902
    that repeat D1's phrases leave 329900's findings as they were, score and evidence;
    weighed over every duty of the workbook (the former judgement) D1 ~ D2 would move."""
    tables = copy.deepcopy(TABLES)
    tables["机构"].append(["B02", "区大数据发展管理局", "政府组成部门", "329902", "县", "钱七"])
    text = "负责政务数据资源目录第{}批编制和数据共享交换"
    added = [[f"E{i}", "B02" if i % 2 else "B01", text.format(i), "", "牵头"] for i in range(12)]
    tables["职责"] += added
    before = r16(json.loads(run_govkg("validate", write_csv_workbook(tmp_path / "a", TABLES),
                                      "--format", "json").stdout))  # fmt: skip
    after = r16(json.loads(run_govkg("validate", write_csv_workbook(tmp_path / "b", tables),
                                     "--format", "json").stdout))  # fmt: skip
    assert any(focus.startswith("E") for focus, _ in after)  # 329902 has its own pairs now
    assert {k: v for k, v in after.items() if not k[0].startswith("E")} == before
    texts = [row[2] for row in TABLES["职责"][1:]]
    d1, d2 = texts[0], texts[1]
    whole = judge(d1, d2, weights=Weights.of(texts)).score
    assert whole != judge(d1, d2, weights=Weights.of(texts + [row[2] for row in added])).score


def test_a_division_row_settles_the_pair_only_on_its_function(tmp_path: Path) -> None:
    tables = copy.deepcopy(TABLES)
    tables["职责分工"] = tables["职责分工"][:1]  # no division: D8 and D9 are reported
    path = write_csv_workbook(tmp_path / "wb", tables)
    report = json.loads(run_govkg("validate", path, "--format", "json").stdout)
    assert ("D8", "D9") in r16(report)
    assert report["counts"]["violation"] == 1  # and R2, since both lead F0102


def test_propose_ranks_functions_for_uncoded_duties(tmp_path: Path) -> None:
    path = write_csv_workbook(tmp_path / "wb", TABLES)
    done = run_govkg("propose", path, "--format", "json", "--top", "2")
    assert done.returncode == 0, done.stderr
    proposals = {p["duty"]: p for p in json.loads(done.stdout)["proposals"]}
    assert set(proposals) == {"D2", "D3", "D4", "D6", "D7"}  # the duties without a function
    assert proposals["D2"]["holder"] == "A02-01"
    assert [f["function"] for f in proposals["D2"]["functions"]][0] == "F0101"
    assert len(proposals["D2"]["functions"]) <= 2
    text = run_govkg("propose", path).stdout
    assert text.startswith("职能建议（5 条职责") and "F0101 政务数据资源目录" in text
    out = tmp_path / "proposals.xlsx"
    assert run_govkg("propose", path, "--format", "xlsx", "-o", out, "--lang", "en").returncode == 0
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("duty", "holder", "text") and rows[0][-1] == "chosen function"
    assert {r[0] for r in rows[1:]} == set(proposals)


def test_propose_reads_english_duties(tmp_path: Path) -> None:
    """A workbook written in English: function names and duty texts are English words
    (the texts: the U.S. Census Bureau's classification manual, tests/data/propose_en)."""
    tables = {
        "agencies": [["id", "name", "kind", "government", "level"],
                     ["P", "County Sheriff", "政府组成部门", "329900", "市"],
                     ["H", "County Health Department", "政府组成部门", "329900", "市"]],
        "functions": [["id", "name", "broader"], ["62", "Police Protection", ""],
                      ["32", "Other Health", ""], ["79", "Other Public Welfare", ""]],
        "duties": [["id", "holder", "text", "function", "role"],
                   ["P1", "P", "Regular police departments", "62", "牵头"],
                   ["P2", "P", "Criminal investigation and testifying in court", "62", "牵头"],
                   ["H1", "H", "Immunization programs", "32", "牵头"],
                   ["H2", "H", "Community and visiting nurses", "32", "牵头"],
                   ["P3", "P", "Police training academies and crime labs", "", "牵头"],
                   ["H3", "H", "Out-patient health clinics and school health services", "",
                    "牵头"]],
    }  # fmt: skip
    done = run_govkg("propose", write_csv_workbook(tmp_path / "wb", tables), "--format", "json")
    assert done.returncode == 0, done.stderr
    best = {p["duty"]: p["functions"][0]["function"] for p in json.loads(done.stdout)["proposals"]}
    assert best == {"P3": "62", "H3": "32"}


def test_propose_refuses_bad_input_with_its_location(tmp_path: Path) -> None:
    tables = copy.deepcopy(TABLES)
    tables["职责"].append(["D1", "A01", "重复的编码", "", "牵头"])
    done = run_govkg("propose", write_csv_workbook(tmp_path / "wb", tables))
    assert done.returncode == 2 and "职责" in done.stderr and "D1" in done.stderr
    assert run_govkg("propose", tmp_path / "wb", "--format", "xlsx").returncode == 2


def test_dismissals_are_kept_across_reloads_until_a_text_changes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    path = write_csv_workbook(tmp_path / "wb", TABLES)
    assert run_govkg("load", path, "--store", store).returncode == 0

    def reported() -> set[tuple[str, str]]:
        done = run_govkg("validate", "--store", store, "--format", "json")
        return set(r16(json.loads(done.stdout)))

    assert reported() == {("D1", "D2")}
    decisions = tmp_path / "decisions.json"
    decisions.write_text(
        json.dumps([{"rule": "R16", "focus": "D2", "related": "D1", "decision": "dismiss",
                     "note": "目录编制由大数据局牵头，政务办只编本部门"}], ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip
    done = run_govkg("decisions", "apply", decisions, "--who", "编办 王科长", "--store", store)
    assert done.returncode == 0, done.stderr
    assert reported() == set()
    # kept across a reload of the same workbook
    assert run_govkg("load", path, "--store", store).returncode == 0
    assert reported() == set()
    listed = json.loads(run_govkg("decisions", "list", "--store", store, "--format", "json").stdout)
    assert [(d["focus"], d["related"], d["decision"], d["who"]) for d in listed] == [
        ("D1", "D2", "dismiss", "编办 王科长")
    ]
    assert listed[0]["when"].endswith("Z")
    # PROV-O: who and when, in the decisions graph
    graph = run_govkg(
        "query", "--store", store, "--format", "json",
        "SELECT ?who ?at WHERE { GRAPH <https://id.govkg.org/graph/decisions> {"
        " ?d a gk:Decision ; prov:wasAttributedTo/skos:prefLabel ?who ;"
        " prov:generatedAtTime ?at } }",
    )  # fmt: skip
    assert "编办 王科长" in graph.stdout
    # a changed text is a new pair: the dismissal no longer holds
    tables = copy.deepcopy(TABLES)
    tables["职责"][2][2] = "负责编制全市政务数据资源目录，推进部门间政务数据共享交换和目录更新。"
    changed = write_csv_workbook(tmp_path / "wb", tables)
    assert run_govkg("load", changed, "--store", store).returncode == 0
    assert reported() == {("D1", "D2")}


def test_a_bad_decisions_file_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    path = write_csv_workbook(tmp_path / "wb", TABLES)
    assert run_govkg("load", path, "--store", store).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "rule,focus,related,decision\nR16,D1,D2,dismiss\nR2,D1,D2,maybe\nR16,D1,D404,confirm\n",
        encoding="utf-8",
    )
    done = run_govkg("decisions", "apply", bad, "--who", "张三", "--store", store)
    assert done.returncode == 2
    for where in ("第3行 row 3 › rule", "第3行 row 3 › decision", "第4行 row 4 › related"):
        assert where in done.stderr
    assert run_govkg("decisions", "list", "--store", store).stdout == ""


def test_the_example_city_has_hidden_overlaps() -> None:
    report = json.loads(run_govkg("validate", EXAMPLES / "city", "--format", "json").stdout)
    found = r16(report)
    # duties with no function that state what the data bureau's duties state
    for pair in [("ZZ-JH-DSJ-02", "ZZ-JH-ZWB-11"), ("ZZ-JH-DSJ-04", "ZZ-JH-SZZH-06"),
                 ("ZZ-JH-DSJ-08", "ZZ-JH-GXJ-08")]:  # fmt: skip
        assert pair in found
    # the police only supports what the data bureau leads: not reported
    assert ("ZZ-JH-DSJ-03", "ZZ-JH-GAJ-12") not in found
