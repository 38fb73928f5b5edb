"""Every rule R1-R15: cases that fire it and near misses that must not; both engines agree.

Each test builds a tiny workbook (a folder of CSV files) and compares the findings of the
default engine and pyshacl before asserting (rule, focus, related).
"""

from __future__ import annotations

from pathlib import Path

from govkg.shapes.findings import Finding

from govkg.validating.sources import validate_sources
from tests.conftest import SMALL_CITY, write_csv_workbook
from tests.workbook_rows import agency, duty, function, power, uscc, write

BASE = "https://id.govkg.org/"


def both(path: Path) -> list[Finding]:
    default = validate_sources([path], base_iri=BASE).findings
    reference = validate_sources([path], base_iri=BASE, engine="pyshacl").findings
    assert [f.as_dict() for f in default] == [f.as_dict() for f in reference]
    return default


def fired(tmp_path: Path, rule: str, tables: dict[str, list[dict[str, str]]]) -> set:
    findings = both(write(tmp_path / "wb", tables))
    for f in findings:
        assert f.message["zh"] and f.message["en"] and "http" not in f.message["zh"]
    return {(f.focus, f.related) for f in findings if f.rule == rule}


def test_r1_one_source(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("A2")],
        "datasets": [
            {"id": "DS1", "name": "甲", "sources": "A2;A1"},
            {"id": "DS2", "name": "乙", "sources": ""},
            {"id": "DS3", "name": "丙", "sources": "A1"},
        ],
    }
    assert fired(tmp_path, "R1", tables) == {("DS1", ("A1", "A2")), ("DS2", ())}


def test_r2_overlap_without_division(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("A2"), agency("A3"), agency("B1", government="329902")],
        "units": [{"id": "U1", "agency": "A1", "name": "科一"}],
        "functions": [function(f) for f in ("F1", "F2", "F3", "F4", "F5", "F7")]
        + [function("F6", broader="F7")],
        "duties": [
            duty("D1", "U1", "F1"),  # a unit leads for its agency
            duty("D2", "A2", "F1", "牵头"),
            duty("D3", "A1", "F2"),
            duty("D4", "A2", "F2"),
            duty("D5", "A1", "F3"),
            duty("D6", "A3", "F3"),
            duty("D7", "A1", "F4"),
            duty("D8", "A2", "F4", "配合"),  # support is not lead
            duty("D9", "A1", "F5"),
            duty("D10", "B1", "F5"),  # another government
            duty("D11", "A1", "F6"),
            duty("D12", "A2", "F7"),  # the tree plays no part
        ],
        "divisions": [
            {"id": "V1", "agencies": "A1;A2", "function": "F2", "text": "分工"},
            {"id": "V2", "agencies": "A1；A3", "function": "F1", "text": "另一职能的分工"},
        ],
    }
    assert fired(tmp_path, "R2", tables) == {("F1", ("A1", "A2")), ("F3", ("A1", "A3"))}


def test_r2_one_finding_per_pair(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("A2"), agency("A3")],
        "functions": [function("F1")],
        "duties": [duty("D1", "A1", "F1"), duty("D2", "A2", "F1"), duty("D3", "A3", "F1")],
        "divisions": [{"id": "V1", "agencies": "A1;A2;A3", "function": "F1", "text": "x"}],
    }
    assert fired(tmp_path, "R2", tables) == set()
    tables["divisions"] = [{"id": "V1", "agencies": "A1;A2", "function": "F1", "text": "x"}]
    assert fired(tmp_path, "R2", tables) == {("F1", ("A1", "A3")), ("F1", ("A2", "A3"))}


def test_r3_mandatory_function_covered_down_the_tree(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("B1", government="329902")],
        "units": [{"id": "U1", "agency": "A1", "name": "科一"}],
        "functions": [
            function("P"),
            function("M1", broader="P", mandatory="是"),
            function("M2", mandatory="yes"),
            function("C", broader="M2"),
            function("N", mandatory="否"),
        ],
        "duties": [
            duty("D1", "A1", "P"),  # covers M1 below it
            duty("D2", "B1", "M1", "配合"),  # support does not cover
            duty("D3", "U1", "M2"),
            duty("D4", "B1", "C"),  # a duty below M2 does not cover M2
        ],
    }
    assert fired(tmp_path, "R3", tables) == {("M1", ("329902",)), ("M2", ("329902",))}


def test_r3_one_finding_per_function_and_government(tmp_path: Path) -> None:
    # workbook.md: related "[government]": a function missing in two governments is two
    # findings, each keeping its identity when the other is fixed
    tables = {
        "agencies": [
            agency("A1"),
            agency("B1", government="329902"),
            agency("C1", government="329903"),
        ],  # fmt: skip
        "functions": [function("M", mandatory="是")],
        "duties": [duty("D1", "A1", "M")],
    }
    assert fired(tmp_path, "R3", tables) == {("M", ("329902",)), ("M", ("329903",))}
    tables["duties"].append(duty("D2", "B1", "M"))
    assert fired(tmp_path, "R3", tables) == {("M", ("329903",))}


def test_r4_data_duties_not_in_mandate(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("A2"), agency("A3")],
        "units": [{"id": "U2", "agency": "A2", "name": "科"}],
        "datasets": [
            {"id": "DS1", "name": "甲", "sources": "A1"},
            {"id": "DS2", "name": "乙", "sources": "A1"},
            {"id": "DS3", "name": "丙", "sources": "A2"},
        ],
        "data_duties": [
            {"id": "DD1", "holder": "A1", "kind": "采集", "dataset": "DS1", "in_mandate": "否"},
            {"id": "DD2", "holder": "U2", "kind": "提供", "dataset": "DS3", "in_mandate": "是"},
        ],
    }
    assert fired(tmp_path, "R4", tables) == {("A1", ("DS1", "DS2"))}


def test_r5_unit_without_duty(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1")],
        "units": [{"id": u, "agency": "A1", "name": f"科{u}"} for u in ("U1", "U2", "U3")],
        "functions": [function("F1")],
        "duties": [duty("D1", "U1", "")],
        "datasets": [{"id": "DS1", "name": "甲", "sources": "A1"}],
        "data_duties": [{"id": "DD1", "holder": "U2", "kind": "提供", "dataset": "DS1"}],
    }
    assert fired(tmp_path, "R5", tables) == {("U2", ()), ("U3", ())}


def test_r6_several_it_units(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("A2")],
        "units": [
            {"id": "U1", "agency": "A1", "name": "信息中心"},
            {"id": "U2", "agency": "A1", "name": "科技处"},
            {"id": "U3", "agency": "A2", "name": "信息科"},
            {"id": "U4", "agency": "A2", "name": "办公室"},
        ],
        "functions": [
            function("IT", category="信息化"),
            function("IT1", broader="IT"),
            function("X"),
        ],  # fmt: skip
        "duties": [
            duty("D1", "U1", "IT1"),  # the category is inherited
            duty("D2", "U2", "IT", "配合"),
            duty("D3", "U3", "IT"),
            duty("D4", "U4", "X"),
            duty("D5", "A2", "IT"),  # the agency itself is not a unit
        ],
    }
    assert fired(tmp_path, "R6", tables) == {("A1", ("U1", "U2"))}


def test_r7_four_same(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("B1", government="329902")],
        "power_items": [
            power("P1", "B1", "A1"),
            power("P2", "B1", "B1", name="许可（新办）"),
            power("P3", "B2", "A1"),
            power("P4", "B2", "B1", source="政务服务"),
            power("P5", "B3", "A1"),
            power("P6", "B3", "A1", basis="", source="政务服务"),
            power("P7", "B4", "A1", type="公共服务"),
            power("P8", "B4", "A1", source="政务服务"),
        ],
    }
    assert fired(tmp_path, "R7", tables) == {
        ("B1", ("P1", "P2")),
        ("B3", ("P5", "P6")),
        ("B4", ("P7", "P8")),
    }


def test_r8_lists_out_of_step(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("A2")],
        "power_items": [
            power("P1", "B1", "A1"),
            power("P2", "B2", "A1"),
            power("P3", "B2", "A1", source="政务服务"),
            power("P4", "B3", "A1", source="政务服务"),
            power("P5", "B2", "A2"),  # A2 has B2 only in 编办; A1's 政务服务 row does not count
        ],
    }
    # one finding per agency and base code (workbook.md: related "[base code]")
    assert fired(tmp_path, "R8", tables) == {("A1", ("B1",)), ("A1", ("B3",)), ("A2", ("B2",))}


def test_r9_chief_data_officer(tmp_path: Path) -> None:
    tables = {
        "agencies": [
            agency("A1", cdo=""),
            agency("A2", kind="部门管理机构", cdo=""),
            agency("A3", kind="事业单位", cdo=""),
            agency("A4"),
        ]
    }
    assert fired(tmp_path, "R9", tables) == {("A1", ()), ("A2", ())}


def data_duty_tables(extra: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    return {"functions": [function("DM", category="数据管理"), function("DM1", broader="DM")],
            "duties": extra}  # fmt: skip


def test_r10_one_line_through_parent_and_hosted_in(tmp_path: Path) -> None:
    tables = {
        "agencies": [
            agency("A1"),
            agency("A2", hosted_in="A1"),
            agency("A3", parent="A2"),
            agency("A4", parent="A1", hosted_in="A9"),  # parent wins over hosted_in
            agency("A9"),
        ],
        **data_duty_tables(
            [duty("D1", "A2", "DM"), duty("D2", "A3", "DM1", "配合"), duty("D3", "A4", "DM")]
        ),
    }
    assert fired(tmp_path, "R10", tables) == set()


def test_r10_several_lines(tmp_path: Path) -> None:
    tables = {
        "agencies": [
            agency("A1"),
            agency("A2", hosted_in="A1"),
            agency("A5"),
            agency("A6", parent="A5"),
            agency("A7", hosted_in="A8"),  # its chain runs into a cycle: left out
            agency("A8", hosted_in="A7"),
            agency("B1", government="329902"),
        ],
        "units": [{"id": "U6", "agency": "A6", "name": "数据科"}],
        **data_duty_tables(
            [
                duty("D1", "A2", "DM"),
                duty("D2", "U6", "DM1"),
                duty("D3", "A7", "DM"),
                duty("D4", "B1", "DM"),
            ]  # fmt: skip
        ),
    }
    assert fired(tmp_path, "R10", tables) == {("329900", ("A2", "A6"))}


def test_r11_links(tmp_path: Path) -> None:
    tables = {
        "agencies": [
            agency("A1", parent="A1"),  # itself
            agency("A2", hosted_in="B1"),  # another government
            agency("A3", hosted_in="A4"),
            agency("A4", parent="A5"),
            agency("A5", hosted_in="A3"),  # cycle A3 -> A4 -> A5 -> A3
            agency("A6", parent="A3"),  # leads into the cycle, not on it
            agency("A7", parent="A8", hosted_in="A9"),  # hosted_in overridden by parent
            agency("A8"),
            agency("A9", hosted_in="A7"),  # A9 -> A7 -> A8: no cycle
            agency("B1", government="329902"),
        ]
    }
    assert fired(tmp_path, "R11", tables) == {
        ("A1", ("A1",)),
        ("A2", ("B1",)),
        ("A3", ("A4", "A5")),
        ("A4", ("A3", "A5")),
        ("A5", ("A3", "A4")),
    }


def test_r12_staffing(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1", staffing="10"), agency("A2", staffing="10"), agency("A3")],
        "units": [
            {"id": "U1", "agency": "A1", "name": "一", "staffing": "6"},
            {"id": "U2", "agency": "A1", "name": "二", "staffing": "5"},
            {"id": "U3", "agency": "A1", "name": "三", "staffing": ""},
            {"id": "U4", "agency": "A2", "name": "四", "staffing": "5"},
            {"id": "U5", "agency": "A2", "name": "五", "staffing": "5"},
            {"id": "U6", "agency": "A3", "name": "六", "staffing": "50"},
        ],
    }
    assert fired(tmp_path, "R12", tables) == {("A1", ("U1", "U2"))}


def test_r13_shared_without_provider(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("A2")],
        "units": [{"id": "U1", "agency": "A1", "name": "科"}],
        "datasets": [
            {"id": "DS1", "name": "甲", "sources": "A1", "share_type": "无条件共享"},
            {"id": "DS2", "name": "乙", "sources": "A1", "share_type": "有条件共享"},
            {"id": "DS3", "name": "丙", "sources": "A1", "share_type": "不予共享"},
            {"id": "DS4", "name": "丁", "sources": "A1", "share_type": "有条件共享"},
        ],
        "data_duties": [
            {"id": "DD1", "holder": "U1", "kind": "提供", "dataset": "DS1"},
            {"id": "DD2", "holder": "A2", "kind": "共享", "dataset": "DS2"},  # not a source
            {"id": "DD3", "holder": "A1", "kind": "采集", "dataset": "DS4"},  # not provision
        ],
    }
    assert fired(tmp_path, "R13", tables) == {("DS2", ()), ("DS4", ())}


def test_r14_unit_duty_outside_agency(tmp_path: Path) -> None:
    tables = {
        "agencies": [agency("A1"), agency("A2")],
        "units": [
            {"id": "U1", "agency": "A1", "name": "一"},
            {"id": "U2", "agency": "A2", "name": "二"},
        ],
        "functions": [function("F1"), function("F1a", broader="F1"), function("F2")],
        "duties": [
            duty("D0", "A1", "F1", "配合"),
            duty("D1", "U1", "F1a"),  # covered down the tree
            duty("D2", "U1", "F2"),
            duty("D3", "A2", ""),  # A2 holds no duty with a function: not checked
            duty("D4", "U2", "F2"),
        ],
    }
    assert fired(tmp_path, "R14", tables) == {("D2", ("A1", "U1"))}


def test_r15_impl_code(tmp_path: Path) -> None:
    good, other = uscc(1), uscc(2)
    area = "329900000000"
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")

    def code(base: str = "B-01", area_code: str = area, credit: str = good) -> str:
        return f"{base}-{area_code}-000-{credit}-1-00"

    tables = {
        "agencies": [agency("A1", uscc=good), agency("A2")],
        "power_items": [
            power("P1", "B-01", "A1", impl_code=code()),
            power("P2", "B-02", "A1", impl_code=code()),  # another base code
            power("P3", "B-01", "A1", impl_code=code(area_code="320000000000")),
            power("P4", "B-01", "A2", impl_code=code(credit=bad_check)),
            power("P5", "B-01", "A2", impl_code=code(credit=good.lower())),
            power("P6", "B-01", "A1", impl_code=code(credit=other)),  # not the agency's
            power("P7", "B-01", "A2", impl_code=code(credit=other)),  # A2 has no uscc
            power("P8", "B-01", "A1", impl_code=f"B-01-{area}-{good}-1-00"),  # no -000-
            power("P9", "B-01", "A1"),  # no impl_code
        ],
    }
    assert fired(tmp_path, "R15", tables) == {
        (p, (a,))
        for p, a in (("P2", "A1"), ("P3", "A1"), ("P4", "A2"), ("P5", "A2"), ("P6", "A1"),
                     ("P8", "A1"))
    }  # fmt: skip


def test_chinese_headers(tmp_path: Path) -> None:
    findings = both(write_csv_workbook(tmp_path / "small", SMALL_CITY))
    assert {(f.rule, f.focus, f.related) for f in findings} == {
        ("R3", "F01", ("329900",)),
        ("R5", "U02", ()),
        ("R9", "A02", ()),
        ("R9", "A03", ()),
        ("R10", "329900", ("A02", "A03")),
    }
    r3 = findings[0]
    assert r3.message["zh"].startswith("必设职能 数据管理(F01)")
    assert r3.message["en"].startswith("Mandatory function 数据管理(F01)")
