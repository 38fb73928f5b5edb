"""`govkg validate BASELINE --draft DRAFT`: the merge rule, new/resolved/unchanged, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from govkg.loaders import read_workbook

from govkg.cli import main
from govkg.validating.draft import merge
from tests.conftest import EXAMPLES
from tests.workbook_rows import agency, duty, function, power, write

BASELINE = {
    "agencies": [agency("A1", staffing="10"), agency("A2"), agency("A3")],
    "units": [
        {"id": "U1", "agency": "A1", "name": "一", "staffing": "4"},
        {"id": "U9", "agency": "A1", "name": "空科", "staffing": ""},
    ],
    "functions": [function("F1"), function("F2")],
    "duties": [
        duty("D1", "U1", "F1"),
        duty("D2", "A2", "F1"),
        duty("D3", "A3", "F2"),
        duty("D4", "A2", "F2"),
    ],
    "divisions": [{"id": "V1", "agencies": "A1;A3", "function": "F2", "text": "旧分工"}],
}
# The draft re-mandates A1: U9 goes, U1 grows beyond the agency's staffing, A1 drops F1
# (settling R2 on F1) and takes F2 next to A2 and A3; its division V1 goes.
DRAFT = {
    "agencies": [agency("A1", staffing="10")],
    "units": [{"id": "U1", "agency": "A1", "name": "一", "staffing": "12"}],
    "functions": [function("F3")],
    "duties": [duty("D5", "U1", "F2"), duty("D6", "A1", "F3")],
}


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def test_merge_replaces_every_row_of_the_agency(tmp_path: Path) -> None:
    base = read_workbook(write(tmp_path / "base", BASELINE))
    draft = read_workbook(write(tmp_path / "draft", DRAFT))
    merged, from_draft = merge(base, draft)
    ids = {name: [row[0] for _, row in t.rows] for name, t in merged.tables.items()}
    assert ids["agencies"] == ["A2", "A3", "A1"]
    assert ids["units"] == ["U1"]
    assert ids["duties"] == ["D2", "D3", "D4", "D5", "D6"]
    assert ids["divisions"] == []
    assert ids["functions"] == ["F1", "F2", "F3"]
    assert from_draft["duties"] == {3, 4}


def test_statuses_and_exit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write(tmp_path / "base", BASELINE)
    draft = write(tmp_path / "draft", DRAFT)
    status, out, _ = run(capsys, "validate", base, "--format", "json")
    assert status == 1
    status, out, _ = run(capsys, "validate", base, "--draft", draft, "--format", "json")
    report = json.loads(out)
    got = {(f["status"], f["rule"], f["focus"], tuple(f["related"])) for f in report["findings"]}
    assert ("resolved", "R2", "F1", ("A1", "A2")) in got
    assert ("resolved", "R5", "U9", ()) in got
    assert ("new", "R12", "A1", ("U1",)) in got
    assert ("new", "R2", "F2", ("A1", "A2")) in got
    assert ("new", "R2", "F2", ("A1", "A3")) in got  # the division that settled it went
    assert ("unchanged", "R2", "F2", ("A2", "A3")) in got
    statuses = [f["status"] for f in report["findings"]]
    assert statuses == sorted(statuses, key=["new", "resolved", "unchanged"].index)
    violations = sum(
        1 for f in report["findings"] if f["severity"] == "violation" and f["status"] != "resolved"
    )
    assert report["counts"]["violation"] == violations and status == 1
    status, text, _ = run(capsys, "validate", base, "--draft", draft)
    assert text.index("征求意见稿带来的新问题") < text.index("征求意见稿解决的问题")
    assert text.index("征求意见稿解决的问题") < text.index("仍然存在的问题")


def test_draft_resolving_everything_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = write(
        tmp_path / "base",
        {"agencies": [agency("A1", cdo="")], "functions": [function("F1", mandatory="是")]},
    )
    draft = write(
        tmp_path / "draft", {"agencies": [agency("A1")], "duties": [duty("D1", "A1", "F1")]}
    )
    status, out, _ = run(capsys, "validate", base, "--draft", draft, "--format", "json")
    report = json.loads(out)
    assert status == 0 and report["conforms"] is True
    assert report["counts"] == {"violation": 0, "warning": 0, "info": 0}
    assert {(f["status"], f["rule"]) for f in report["findings"]} == {
        ("resolved", "R3"),
        ("resolved", "R9"),
    }


def test_errors_are_located_in_their_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = write(tmp_path / "base", BASELINE)
    bad = dict(DRAFT, duties=[duty("D5", "U1", "F404")])
    draft = write(tmp_path / "draft", bad)
    status, out, err = run(capsys, "validate", base, "--draft", draft)
    assert status == 2 and out == ""
    assert str(tmp_path / "draft" / "duties.csv") in err and "第2行 row 2" in err
    assert "F404" in err
    # the draft may point into the baseline (F1 is only there); removing U9 orphans nothing
    ok = dict(DRAFT, duties=[duty("D5", "U1", "F1")])
    status, _, _ = run(capsys, "validate", base, "--draft", write(tmp_path / "ok", ok))
    assert status in (0, 1)


def test_example_draft(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        "validate",
        EXAMPLES / "city.xlsx",
        "--draft",
        EXAMPLES / "city-draft.xlsx",
        "--format",
        "json",
    )
    got = {(f["status"], f["rule"], f["focus"]) for f in json.loads(out)["findings"]}
    assert status == 1
    assert {
        ("resolved", "R2", "F010202"),
        ("resolved", "R2", "F010401"),
        ("resolved", "R3", "F010204"),
        ("resolved", "R5", "JH-DSJ-03"),
        ("new", "R12", "JH-DSJ"),
        ("unchanged", "R10", "329900"),
    } <= got


@pytest.mark.parametrize("fast", ["1", "0"])
def test_draft_fixing_one_government_or_code_resolves_exactly_that_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, fast: str
) -> None:
    # R3 is one finding per function and government, R8 one per agency and base code
    # (workbook.md: related "[government]", "[base code]"): a draft that gives one
    # government its lead and lists one code in both lists resolves exactly those two
    baseline = {
        "agencies": [
            agency("A1"),
            agency("B1", government="329902"),
            agency("C1", government="329903"),
        ],  # fmt: skip
        "functions": [function("M", mandatory="是"), function("F")],
        "duties": [duty("D1", "A1", "M"), duty("D2", "B1", "F"), duty("D3", "C1", "F")],
        "power_items": [power("P1", "K1", "C1"), power("P2", "K2", "C1")],
    }
    draft = {
        "agencies": [agency("B1", government="329902")],
        "duties": [duty("D2", "B1", "M")],
    }
    code_draft = {
        "agencies": [agency("C1", government="329903")],
        "duties": [duty("D3", "C1", "F")],
        "power_items": [
            power("P1", "K1", "C1"),
            power("P2", "K2", "C1"),
            power("P3", "K1", "C1", source="政务服务"),
        ],  # fmt: skip
    }
    monkeypatch.setenv("GOVKG_FINDINGS_CACHE", str(tmp_path / "cache"))
    if fast == "0":  # the whole merged workbook validated, not the draft's scope
        monkeypatch.setattr("govkg.validating.draft.draft_scope", lambda *_: None)
    base = write(tmp_path / "base", baseline)
    marks = {}
    for name, tables in (("gov", draft), ("code", code_draft)):
        _, out, _ = run(capsys, "validate", base, "--draft", write(tmp_path / name, tables),
                        "--format", "json", "--rule", "R3", "R8")  # fmt: skip
        marks[name] = {
            (f["rule"], f["focus"], tuple(f["related"]), f["status"])
            for f in json.loads(out)["findings"]
        }
    assert marks["gov"] == {
        ("R3", "M", ("329902",), "resolved"),
        ("R3", "M", ("329903",), "unchanged"),
        ("R8", "C1", ("K1",), "unchanged"),
        ("R8", "C1", ("K2",), "unchanged"),
    }
    assert marks["code"] == {
        ("R3", "M", ("329902",), "unchanged"),
        ("R3", "M", ("329903",), "unchanged"),
        ("R8", "C1", ("K1",), "resolved"),
        ("R8", "C1", ("K2",), "unchanged"),
    }
