"""`govkg validate` through the real CLI: exit codes, formats, languages, rules, engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from govkg.loaders import workbook_to_ntriples
from govkg.loaders.xlsx_reader import iter_sheet, sheet_names

from govkg.cli import main
from tests.conftest import EXAMPLES, SMALL_CITY, write_csv_workbook

CLEAN = {
    "agencies": [
        ["id", "name", "kind", "government", "level", "cdo"],
        ["A1", "市审计局", "政府组成部门", "329900", "市", "副局长"],
    ],
}


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_conforming_workbook_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv_workbook(tmp_path / "clean", CLEAN)
    status, out, _ = run(capsys, "validate", path)
    assert status == 0
    assert out.startswith("校验结果：通过")
    status, out, _ = run(capsys, "validate", path, "--format", "json")
    assert json.loads(out) == {
        "conforms": True,
        "counts": {"violation": 0, "warning": 0, "info": 0},
        "findings": [],
    }


def test_findings_text_json_and_engines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv_workbook(tmp_path / "small", SMALL_CITY)
    status, out, _ = run(capsys, "validate", path)
    assert status == 1
    lines = out.splitlines()
    assert lines[0] == "校验结果：不通过（违规 1 项，警告 4 项，提示 0 项）"
    assert "R3 必设职能缺位（违规，1 项）" in lines
    assert lines.index("R3 必设职能缺位（违规，1 项）") < lines.index(
        "R5 内设机构无职责（警告，1 项）"
    )
    assert "  - 内设机构 数据资源科(U02) 没有承担任何职责" in lines
    status, out, _ = run(capsys, "validate", path, "--lang", "en")
    assert "R9 No chief data officer (warning, 2)" in out.splitlines()
    status, out, _ = run(capsys, "validate", path, "--format", "json")
    report = json.loads(out)
    assert report["conforms"] is False
    assert report["counts"] == {"violation": 1, "warning": 4, "info": 0}
    assert [(f["rule"], f["focus"], f["related"]) for f in report["findings"]] == [
        ("R3", "F01", ["329900"]),
        ("R5", "U02", []),
        ("R9", "A02", []),
        ("R9", "A03", []),
        ("R10", "329900", ["A02", "A03"]),
    ]
    assert set(report["findings"][0]) == {"rule", "severity", "focus", "related", "message"}
    _, again, _ = run(capsys, "validate", path, "--format", "json", "--engine", "pyshacl")
    assert json.loads(again) == report


def test_rule_filter_and_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv_workbook(tmp_path / "small", SMALL_CITY)
    out_file = tmp_path / "report.json"
    status, out, _ = run(
        capsys, "validate", path, "--rule", "R9", "R5", "--format", "json", "-o", out_file
    )
    assert status == 0 and out == ""  # only warnings among the rules asked for
    report = json.loads(out_file.read_text(encoding="utf-8"))
    assert {f["rule"] for f in report["findings"]} == {"R5", "R9"}


def test_xlsx_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv_workbook(tmp_path / "small", SMALL_CITY)
    out_file = tmp_path / "report.xlsx"
    status, _, _ = run(capsys, "validate", path, "--format", "xlsx", "-o", out_file)
    assert status == 1
    names = sheet_names(out_file)
    assert names[0] == "汇总"
    assert "R3 必设职能缺位" in names and "R9 首席数据官缺失" in names
    summary = list(iter_sheet(out_file, "汇总"))
    assert summary[0] == ["规则", "名称", "严重程度", "问题数"]
    assert ["R9", "首席数据官缺失", "警告", "2"] in summary
    rows = list(iter_sheet(out_file, "R10 数据管理多头"))
    assert rows[1][:3] == ["警告", "329900", "A02; A03"]


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write_csv_workbook(
        tmp_path / "bad",
        {
            "agencies": [
                ["id", "name", "kind", "government", "level"],
                ["A1", "x", "局", "32", "市"],
            ]
        },
    )
    status, out, err = run(capsys, "validate", bad)
    assert status == 2 and out == ""
    assert "agencies › 第2行 row 2 › 机构类别" in err and "所属政府" in err
    status, _, err = run(capsys, "validate", tmp_path / "missing")
    assert status == 2 and "文件不存在" in err
    good = write_csv_workbook(tmp_path / "clean", CLEAN)
    status, _, err = run(capsys, "validate", good, "--rule", "R99")
    assert status == 2 and "R99" in err
    status, _, err = run(capsys, "validate", good, "--format", "xlsx")
    assert status == 2


def test_rdf_files_and_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv_workbook(tmp_path / "small", SMALL_CITY)
    nt = tmp_path / "small.nt"
    nt.write_bytes(workbook_to_ntriples(path, base_iri="https://id.govkg.org/"))
    _, from_csv, _ = run(capsys, "validate", path, "--format", "json")
    status, from_rdf, _ = run(capsys, "validate", nt, "--format", "json")
    assert status == 1 and json.loads(from_rdf) == json.loads(from_csv)
    store = tmp_path / "store"
    assert main(["load", str(path), "--store", str(store)]) == 0
    capsys.readouterr()
    status, from_store, _ = run(capsys, "validate", "--store", store, "--format", "json")
    assert status == 1 and json.loads(from_store) == json.loads(from_csv)


@pytest.mark.skipif(not (EXAMPLES / "city.xlsx").exists(), reason="no example workbook")
def test_example_city(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", EXAMPLES / "city.xlsx", "--format", "json")
    assert status == 1
    found = {(f["rule"], f["focus"], tuple(f["related"])) for f in json.loads(out)["findings"]}
    for expected in [
        ("R2", "F010202", ("JH-DSJ", "JH-ZWB")),
        ("R3", "F010401", ("329902",)),
        ("R7", "000116002000", ("QLQD-329900-0046", "ZWFW-329900-0045")),
        ("R8", "JH-ZWB", ("000116001000",)),
        ("R10", "329900", ("JH-DSJ", "JH-DSJZX", "JH-SZJT", "JH-SZZH", "JH-WJW", "JH-ZWB")),
        ("R11", "HB-DSJZX", ("JH-DSJ",)),
        ("R14", "ZZ-JH-WJW-11", ("JH-WJW", "JH-WJW-05")),
        ("R15", "ZWFW-329900-0088", ("JH-TJJ",)),
    ]:
        assert expected in found
    assert {r for r, _, _ in found} == {f"R{i}" for i in range(1, 17)}


def test_xlsx_cells_longer_than_excel_takes_are_cut(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # one base code, 1,500 power items with different names: R7 names them all
    items = [["id", "base_code", "name", "type", "agency", "source"]]
    items += [
        [
            f"P{i:04d}",
            "010000000000",
            f"某某行政许可事项的第{i}种不同写法名称",
            "行政许可",
            "A1",
            "编办",
        ]
        for i in range(1500)
    ]
    source = write_csv_workbook(tmp_path / "wide", {**CLEAN, "power_items": items})
    status, out, _ = run(capsys, "validate", source, "--format", "json")
    whole = next(f for f in json.loads(out)["findings"] if f["rule"] == "R7")
    assert len(whole["message"]["zh"]) > 32_767  # the JSON keeps it whole
    out_file = tmp_path / "report.xlsx"
    status, _, _ = run(capsys, "validate", source, "--format", "xlsx", "-o", out_file)
    sheet = next(name for name in sheet_names(out_file) if name.startswith("R7"))
    message = list(iter_sheet(out_file, sheet))[1][3]
    assert (
        status == 1
        and len(message) == 32_767
        and message.endswith("全文见 --format json / cut: the whole text is in --format json）")
    )
    assert message.startswith(whole["message"]["zh"][:1000])


def test_rule_option_evaluates_only_the_named_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # the engine logs each shape it evaluates: with --rule, no other rule's shape runs
    # (it used to evaluate all of them, R2 included, and filter the findings afterwards);
    path = write_csv_workbook(tmp_path / "small", SMALL_CITY)
    engine_log = "govkg.shapes.engine.sparql_engine"
    with caplog.at_level("DEBUG", logger=engine_log):
        status, out, _ = run(capsys, "validate", path, "--format", "json")
    every = {r.getMessage() for r in caplog.records if r.name == engine_log}
    assert len(every) >= 15
    full = json.loads(out)["findings"]
    caplog.clear()
    with caplog.at_level("DEBUG", logger=engine_log):
        status, out, _ = run(capsys, "validate", path, "--format", "json", "--rule", "R9", "R5")
    ran = {r.getMessage() for r in caplog.records if r.name == engine_log}
    assert ran == {"shape <https://govkg.org/shapes#R9>", "shape <https://govkg.org/shapes#R5>"}
    assert json.loads(out)["findings"] == [f for f in full if f["rule"] in ("R9", "R5")]
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"R9", "R5"}


def test_rule_option_by_government(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # several governments: each part is sent only the named rules it can decide
    with caplog.at_level("DEBUG", logger="govkg.validating.partition"):
        status, out, _ = run(capsys, "validate", EXAMPLES / "city", "--format", "json",
                             "--rule", "R3", "R7", "--by-government")  # fmt: skip
    sent = [r.getMessage() for r in caplog.records if r.name == "govkg.validating.partition"]
    assert sent and all(m.endswith(("rules R3", "rules R7")) for m in sent)
    assert any(m.endswith("rules R7") for m in sent) and any(m.endswith("rules R3") for m in sent)
    assert {f["rule"] for f in json.loads(out)["findings"]} == {"R3", "R7"}
