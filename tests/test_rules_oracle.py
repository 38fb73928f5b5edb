"""The real `govkg validate` agrees with the independent oracle (tests/rules_oracle.py).

Both read docs/workbook.md; the oracle is plain Python over the workbook's rows. Every
workbook here is validated by the CLI's main and the sets of (rule, severity,
focus, related) must be equal; with --draft the statuses must be equal too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govkg.synthetic import generate_workbook
from tests.conftest import EXAMPLES, run_govkg, write_csv_workbook
from tests.oracle_draft import draft_findings
from tests.oracle_model import SEVERITY
from tests.rules_oracle import findings

USCC_A1 = "91100000MA0000001G"
USCC_OTHER = "121000004000000010"
USCC_B1 = "91200000MA0000002A"


def validate(path: Path, *extra: str) -> dict:
    done = run_govkg("validate", path, *extra, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    violations = sum(1 for f in report["findings"] if f.get("status") != "resolved"
                     and f["severity"] == "violation")  # fmt: skip
    assert done.returncode == (1 if violations else 0)
    assert report["conforms"] is (violations == 0)
    return report


def engine_set(report: dict) -> set[tuple[str, str, str, tuple[str, ...]]]:
    return {(f["rule"], f["severity"], f["focus"], tuple(f["related"])) for f in report["findings"]}


def draft_set(report: dict) -> set[tuple[str, str, str, tuple[str, ...], str]]:
    """The findings of a draft check with their status (new, resolved, unchanged)."""
    return {
        (f["rule"], f["severity"], f["focus"], tuple(f["related"]), f["status"])
        for f in report["findings"]
    }


def assert_same(engine: set, oracle: set) -> None:
    only_engine = sorted(engine - oracle)
    only_oracle = sorted(oracle - engine)
    assert not only_engine and not only_oracle, (
        f"engine only: {only_engine[:20]}\noracle only: {only_oracle[:20]}"
    )


def edge_tables() -> dict[str, list[list[str]]]:
    """A small workbook aimed at the corners of the rules (see rules_oracle's readings)."""
    g, h = "100000", "200000"
    agency_header = ["id", "name", "kind", "government", "level", "parent", "hosted_in"]
    agency_header += ["uscc", "staffing", "cdo"]
    return {
        "agencies": [
            agency_header,
            ["A1", "一局", "政府组成部门", g, "市", "", "", USCC_A1, "5", "局长"],
            ["A2", "二局", "直属机构", g, "市", "", "", "", "", ""],
            ["A3", "三局", "部门管理机构", g, "市", "A1", "", "", "", "副局长"],
            ["A4", "中心", "事业单位", g, "市", "", "A2", "", "", ""],
            ["A5", "自管", "其他", g, "市", "A5", "", "", "", ""],
            ["A6", "外挂", "其他", g, "市", "B1", "", "", "", ""],
            ["A7", "环一", "其他", g, "市", "A8", "", "", "", ""],
            ["A8", "环二", "其他", g, "市", "", "A7", "", "", ""],
            ["A9", "环下", "其他", g, "市", "A7", "", "", "", ""],
            ["A10", "双挂", "其他", g, "市", "A1", "B1", "", "", ""],
            ["A11", "自设", "其他", g, "市", "A2", "A11", "", "", ""],
            ["A12", "挂外下", "其他", g, "市", "A6", "", "", "", ""],
            ["A13", "设三", "其他", g, "市", "", "A3", "", "0", ""],
            ["A14", "特设", "直属特设机构", g, "市", "", "", "", "", ""],
            ["B1", "外局", "政府组成部门", h, "市", "", "", USCC_B1, "", "x"],
        ],
        "units": [
            ["id", "agency", "name", "staffing"],
            ["U1", "A1", "一处", "3"],
            ["U2", "A1", "二处", "4"],
            ["U3", "A2", "空处", ""],
            ["U4", "A1", "无编处", ""],
            ["U5", "A3", "三处", ""],
            ["U6", "A6", "六处", ""],
            ["U7", "B1", "外处", "1"],
            ["U8", "A2", "八处", ""],
            ["U9", "A2", "九处", ""],
            ["U10", "A4", "十处", ""],
            ["U11", "A13", "十一处", "1"],
        ],
        "functions": [
            ["id", "name", "broader", "mandatory", "category"],
            ["F1", "数据", "", "", "数据管理"],
            ["F11", "数据子", "F1", "", ""],
            ["F2", "必设", "", "是", ""],
            ["F21", "必设子", "F2", "yes", ""],
            ["F3", "信息", "", "", "信息化"],
            ["F31", "信息子", "F3", "", ""],
            ["F4", "上位", "", "", ""],
            ["F41", "下位必设", "F4", "1", ""],
            ["F42", "必设二", "", "true", ""],
            ["F421", "下下位", "F42", "", ""],
            ["F5", "普通", "", "否", ""],
            ["F6", "多标签", "", "", "信息化;数据管理"],
            ["F7", "环甲", "F8", "是", ""],
            ["F8", "环乙", "F7", "", "信息化"],
        ],
        "duties": [
            ["id", "holder", "text", "function", "role"],
            ["D1", "A1", "t", "F11", ""],
            ["D2", "A2", "t", "F11", "lead"],
            ["D3", "U1", "t", "F31", "配合"],
            ["D4", "U2", "t", "F3", "support"],
            ["D5", "A3", "t", "F2", "配合"],
            ["D6", "B1", "t", "F2", "牵头"],
            ["D7", "A9", "t", "F1", ""],
            ["D8", "A5", "t", "F1", ""],
            ["D9", "U5", "t", "F5", "牵头"],
            ["D10", "A4", "t", "F5", "牵头"],
            ["D11", "A3", "t", "F1", "配合"],
            ["D12", "A1", "t", "F4", "牵头"],
            ["D13", "A2", "t", "F421", "牵头"],
            ["D14", "B1", "t", "F11", "牵头"],
            ["D15", "U7", "t", "F6", ""],
            ["D16", "U6", "t", "F31", ""],
            ["D17", "A6", "t", "", ""],
            ["D18", "U4", "t", "", ""],
            ["D19", "U2", "t", "F1", "牵头"],
            ["D20", "A11", "t", "F11", "牵头"],
            ["D21", "A10", "t", "F11", "牵头"],
            ["D22", "U8", "t", "F6", "配合"],
            ["D23", "U9", "t", "F31", "配合"],
            ["D24", "A12", "t", "F1", "配合"],
            ["D25", "A13", "t", "F11", "配合"],
            ["D26", "A1", "t", "F8", "牵头"],
            ["D27", "U11", "t", "F7", ""],
            ["D28", "A14", "t", "F7", ""],
        ],
        "divisions": [
            ["id", "agencies", "function", "text"],
            ["V1", "A1;A2", "F1", "t"],
            ["V2", "A3；A4;A1", "F5", "t"],
        ],
        "datasets": [
            ["id", "name", "sources", "share_type"],
            ["DS1", "一", "A1;A2", ""],
            ["DS2", "二", "", "无条件共享"],
            ["DS3", "三", "A1", "有条件共享"],
            ["DS4", "四", "A2", "无条件共享"],
            ["DS5", "五", "A4；A4", "不予共享"],
            ["DS7", "七", "A4", "有条件共享"],
            ["DS8", "八", "A14", "无条件共享"],
        ],
        "data_duties": [
            ["id", "holder", "kind", "dataset", "in_mandate"],
            ["DD1", "U1", "提供", "DS3", "是"],
            ["DD2", "A2", "采集", "DS1", "否"],
            ["DD3", "A2", "管理", "", "是"],
            ["DD4", "A1", "提供", "DS4", ""],
            ["DD5", "A4", "共享", "DS5", ""],
            ["DD6", "U10", "提供", "DS7", ""],
        ],
        "power_items": [
            ["id", "base_code", "name", "type", "agency", "basis", "source", "impl_code"],
            ["P1", "X-1", "许可", "行政许可", "A1", "法", "编办",
             f"X-1-{g}000000-000-{USCC_A1}-1-01"],
            ["P2", "X-1", "许可", "行政许可", "A1", "", "政务服务",
             f"X-1-{g}000000-000-{USCC_OTHER}-1-01"],
            ["P3", "Y", "检查", "行政检查", "A2", "", "编办",
             f"Y-{g}000000-000-{USCC_A1.lower()}-1-01"],
            ["P4", "Y", "检查", "行政检查", "A2", "", "编办",
             f"Y-{h}000000-000-{USCC_OTHER}-1-01"],
            ["P5", "Z", "确认", "行政确认", "A2", "", "政务服务",
             f"Z-{g}000000-000-{USCC_OTHER}-12-01"],
            ["P6", "Z", "确认", "行政确认", "A2", "", "编办",
             f"Z-{g}000000-000-{USCC_OTHER}-1-01"],
            ["P7", "W", "处罚", "行政处罚", "B1", "", "编办",
             f"W-{h}123456-000-{USCC_B1}-0-99"],
            ["P8", "W", "处罚", "行政征收", "B1", "", "政务服务", f"W-{h}123456-000-{USCC_B1}-0-9"],
            ["P9", "V-2", "给付", "行政给付", "A4", "", "编办",
             f"V-{g}000000-000-{USCC_OTHER}-1-01"],
            ["P10", "Q", "奖励", "行政奖励", "A4", "", "政务服务",
             f"Q-{g}00000-000-{USCC_OTHER}-1-01"],
            ["P11", "Q", "奖励", "行政奖励", "A4", "", "编办", "Q"],
            ["P12", "Q", "奖励", "行政奖励", "A4", "", "编办",
             f"Q-{g}000000-001-{USCC_OTHER}-1-01"],
            ["P13", "Q", "奖励", "行政奖励", "A4", "", "编办",
             f"Q-{g}000000-000-{USCC_OTHER}-1-01-"],
        ],
        # R17: A2's duties are all "t": nothing it holds takes up T1; T2 has no
        # counterpart id, T3 is 下放 (never judged), T4 is 划入 from an agency holding nothing
        "transfers": [
            ["id", "agency", "kind", "counterpart", "counterpart_id", "text"],
            ["T1", "A1", "划出", "二", "A2", "将统计调查职责划出给二。"],
            ["T2", "A1", "交给", "事业单位", "", "将认证职责交给事业单位。"],
            ["T3", "A1", "下放", "县级", "A2", "将审批职责下放给县级。"],
            ["T4", "A2", "划入", "一", "A8", "将一的统计调查职责划入二。"],
        ],
    }  # fmt: skip


def test_edge_workbook(tmp_path: Path) -> None:
    path = write_csv_workbook(tmp_path / "edge", edge_tables())
    oracle = findings(path)
    assert {f[0] for f in oracle} == set(SEVERITY)  # every rule fires here
    assert_same(engine_set(validate(path)), oracle)


@pytest.mark.parametrize("path", ["city.xlsx", "city", "guang-an"])
def test_examples(path: str) -> None:
    assert_same(engine_set(validate(EXAMPLES / path)), findings(EXAMPLES / path))


@pytest.mark.parametrize(
    ("agencies", "seed", "violations", "headers", "sizes"),
    [
        (8, 1, 0.0, "en", {}),
        (8, 2, 0.2, "zh", {}),
        (8, 3, 0.01, "en", {}),
        (40, 4, 0.01, "zh", {"power_items": 20}),
        (40, 5, 0.2, "en", {"power_items": 20}),
        # 120 agencies: fewer power items and datasets per agency keep the CLI fast
        (120, 6, 0.2, "zh", {"power_items": 2, "datasets": 2}),
        (120, 7, 0.0, "en", {"power_items": 2, "datasets": 2}),
    ],
)
def test_synthetic(
    tmp_path: Path,
    agencies: int,
    seed: int,
    violations: float,
    headers: str,
    sizes: dict[str, int],
) -> None:
    path = tmp_path / "wb"
    generate_workbook(
        path, agencies=agencies, seed=seed, violations=violations, headers=headers, **sizes
    )
    oracle = findings(path)
    if violations == 0:
        # R16 (info) reads the texts, which the generator makes from templates: units of
        # one kind in two agencies state the same responsibility, as in a real government
        assert {f for f in oracle if f[0] != "R16"} == set()
    assert_same(engine_set(validate(path)), oracle)


def test_draft_statuses() -> None:
    report = validate(EXAMPLES / "city.xlsx", "--draft", str(EXAMPLES / "city-draft.xlsx"))
    engine = draft_set(report)
    oracle = draft_findings(EXAMPLES / "city.xlsx", EXAMPLES / "city-draft.xlsx")
    assert {f[4] for f in oracle} == {"new", "resolved", "unchanged"}
    assert_same(engine, oracle)
    merged = [f for f in oracle if f[4] != "resolved"]
    assert report["counts"] == {
        "violation": sum(f[1] == "violation" for f in merged),
        "warning": sum(f[1] == "warning" for f in merged),
        "info": sum(f[1] == "info" for f in merged),
    }


def test_edge_draft(tmp_path: Path) -> None:
    """A draft re-mandating A2 and A7, replacing a function, adding a dataset."""
    base = write_csv_workbook(tmp_path / "edge", edge_tables())
    draft = write_csv_workbook(
        tmp_path / "draft",
        {
            "agencies": [
                ["id", "name", "kind", "government", "level", "parent", "cdo"],
                ["A2", "二局", "直属机构", "100000", "市", "", "局长"],
                ["A7", "环一", "其他", "100000", "市", "", ""],
            ],
            "units": [["id", "agency", "name"], ["U3", "A2", "新处"]],
            "duties": [
                ["id", "holder", "text", "function", "role"],
                ["D2", "A2", "t", "F11", ""],
                ["D30", "U3", "t", "F3", "配合"],
            ],
            "divisions": [["id", "agencies", "function", "text"], ["V3", "A1;A2", "F11", "t"]],
            "functions": [["id", "name", "mandatory", "category"], ["F5", "普通", "是", "信息化"]],
            "datasets": [["id", "name", "sources"], ["DS6", "六", "A2"], ["DS2", "二", "A1"]],
            "data_duties": [
                ["id", "holder", "kind", "dataset", "in_mandate"],
                ["DD2", "U3", "采集", "DS6", "否"],
            ],
        },
    )
    oracle = draft_findings(base, draft)
    assert {f[4] for f in oracle} == {"new", "resolved", "unchanged"}
    report = validate(base, "--draft", str(draft))
    engine = draft_set(report)
    assert_same(engine, oracle)
