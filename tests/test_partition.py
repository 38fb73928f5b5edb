"""Validation by government (govkg/validating/partition.py) gives exactly the whole workbook's
findings, on generated workbooks of several shapes with cross-government rows added."""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pytest
from govkg.loaders.checks import check_workbook
from govkg.loaders.workbook import read_workbook
from govkg.shapes.store_validation import rule_book
from rdflib.compare import isomorphic

from govkg.errors import InputError
from govkg.synthetic import generate_workbook
from govkg.validating import sources as validation
from govkg.validating.block_reader import workbook_blocks
from govkg.validating.government_stream import plan_stream
from govkg.validating.partition import CROSS, GOVERNMENT, GOVERNMENT_RULES, R7_PARTS, part_store
from govkg.validating.sources import validate_by_government, validate_sources, validate_workbooks
from tests.neo4j_support import store_rdflib

BASE = "https://id.govkg.org/"

SHAPES = {
    # the generator's province in small: one government per 40 agencies
    "province": {"agencies": 200, "units": 400, "power_items": 400, "datasets": 200},
    # the shape: many small governments sharing one catalogue, 1.7 lead
    # agencies per function, most extra leads held by units
    "counties": {"agencies": 240, "governments": 12, "units": 480, "power_items": 240,
                 "datasets": 240, "leads": 1.7, "unit_leads": 0.7},
    # a catalogue per government, many leads, none by units
    "own-catalogues": {"agencies": 120, "governments": 4, "units": 240, "power_items": 120,
                       "datasets": 120, "leads": 3, "catalogue": "government"},
}  # fmt: skip


def _read(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _append(folder: Path, table: str, rows: list[dict[str, str]]) -> None:
    path = folder / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([[row.get(c, "") for c in header] for row in rows])


def _add_cross_government_rows(folder: Path) -> None:
    """What the generator does not make: datasets sourced in two governments (one with
    a provider duty held by a unit, one without), a dataset without a source, a division
    naming agencies of two governments, a cycle of links through two governments."""
    agencies = _read(folder, "agencies")
    units = _read(folder, "units")
    by_gov: dict[str, list[dict[str, str]]] = {}
    for a in agencies:
        by_gov.setdefault(a["government"], []).append(a)
    (g1, first), (g2, second) = list(by_gov.items())[:2]
    a, b = first[5]["id"], second[6]["id"]
    unit = next(u["id"] for u in units if u["agency"] == b)
    _append(folder, "datasets", [
        {"id": "X-DS1", "name": "跨级数据一", "sources": f"{a};{b}", "share_type": "有条件共享"},
        {"id": "X-DS2", "name": "跨级数据二", "sources": f"{b};{a}", "share_type": "无条件共享"},
        {"id": "X-DS3", "name": "无源数据", "sources": "", "share_type": "有条件共享"},
    ])  # fmt: skip
    _append(folder, "data_duties", [
        {"id": "X-DD1", "holder": unit, "kind": "提供", "dataset": "X-DS1", "in_mandate": "no"},
        {"id": "X-DD2", "holder": a, "kind": "采集", "dataset": "X-DS2", "in_mandate": "yes"},
    ])  # fmt: skip
    _append(folder, "divisions", [
        {"id": "X-V1", "agencies": f"{a};{b};{first[7]['id']}", "function": "F01",
         "text": "跨级分工"},
    ])  # fmt: skip
    # transfers to another government's agency: one its duties take up, one they do not
    # (R17 reads the counterpart's duties, in the counterpart's government)
    _append(folder, "duties", [
        {"id": "X-D1", "holder": b, "text": "负责跨级数据共享交换统筹协调。", "function": "F01",
         "role": "配合"},
    ])  # fmt: skip
    _append(folder, "transfers", [
        {"id": "X-T1", "agency": a, "kind": "划出", "counterpart_id": b,
         "text": "将跨级数据共享交换统筹协调职责划出。"},
        {"id": "X-T2", "agency": a, "kind": "划出", "counterpart_id": b,
         "text": "将城市夜景照明设施管理职责划出。"},
    ])  # fmt: skip
    # a cycle through two governments: first[8] -> second[8] -> first[8]
    rows = _read(folder, "agencies")
    for row in rows:
        if row["id"] == first[8]["id"]:
            row["parent"], row["hosted_in"] = second[8]["id"], ""
        elif row["id"] == second[8]["id"]:
            row["parent"], row["hosted_in"] = first[8]["id"], ""
    header = list(rows[0])
    with (folder / "agencies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([[r[c] for c in header] for r in rows])
    assert g1 != g2


@pytest.fixture(scope="module", params=sorted(SHAPES))
def workbook(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(request.param) / "wb"
    generate_workbook(folder, violations=0.2, **SHAPES[request.param])
    _add_cross_government_rows(folder)
    wb = read_workbook(folder)
    check_workbook(wb)
    return wb


@pytest.mark.parametrize("part_rows", [1, 2_000, 10**9])
def test_partitioned_equals_whole(workbook, part_rows: int) -> None:
    book = rule_book()
    whole = validate_workbooks([workbook], [], BASE, book=book)
    assert {f.rule for f in whole} >= {"R1", "R2", "R7", "R11", "R13", "R16", "R17"}
    assert [f.focus for f in whole if f.focus.startswith("X-T")] == ["X-T2"]
    parted = validate_by_government(workbook, BASE, book=book, part_rows=part_rows)
    assert [f.as_dict() for f in parted] == [f.as_dict() for f in whole]


def test_a_part_store_holds_what_the_whole_path_maps(workbook, monkeypatch) -> None:
    """A part's store (mapped in its worker, loaded at once) is the graph the whole path
    maps for the same rules (in a forked child, beside the loading, at any size here)."""
    monkeypatch.setattr(validation, "LARGE_FROM_ROWS", 0)
    book, rules = rule_book(), frozenset(GOVERNMENT_RULES)
    parted = store_rdflib(part_store(workbook, BASE, book=book, rules=rules))
    whole = store_rdflib(validation.memory_store([workbook], [], BASE, book=book, rules=rules))
    assert len(parted) > 1000
    assert isomorphic(parted, whole)


def test_parts_hold_one_government_each_and_the_cross_part(workbook, tmp_path: Path) -> None:
    plan = plan_stream(workbook_blocks(workbook), tmp_path, workbook.file)
    parts = plan.parts(part_rows=1)
    governments = {row[3] for _, row in workbook.rows("agencies")}
    kinds = [p.kind for p in parts]
    assert [p.name for p in parts if p.kind == GOVERNMENT] == sorted(governments)
    assert kinds.count(CROSS) == 1 and kinds[0] == CROSS and kinds[-1] == R7_PARTS
    read = [plan.workbook(p) for p in parts if p.kind == GOVERNMENT]
    biggest = max(w.row_count() for w in read)
    assert biggest < workbook.row_count() / 2  # no part holds (nearly) everything
    # every row of the workbook is in some part (a dataset without sources: the cross part)
    # the cross part reads the units of the governments it needs, not their other rows
    keys: list[str] = []
    spill_read = plan.spill.read
    plan.spill.read = lambda key: keys.append(key) or spill_read(key)  # type: ignore[method-assign]
    read.append(plan.workbook(parts[kinds.index(CROSS)]))
    assert keys and all(key.startswith("units ") for key in keys)
    assert read[-1].rows("units")
    for table in ("units", "duties", "power_items", "datasets", "data_duties", "transfers"):
        numbers = {n for w in read for n, _ in w.rows(table)}
        assert numbers == {n for n, _ in workbook.rows(table)}, table
    # the base-code parts hold the items of the base codes seen with two names, types or
    # bases (R7's candidates), all of them, and no other
    seen: dict[str, set[tuple[str, ...]]] = {}
    for _, (_, code, name, kind, _, basis, *_) in workbook.rows("power_items"):
        seen.setdefault(code, set()).add((name, kind, basis))
    differ = {code for code, signatures in seen.items() if len(signatures) > 1}
    items = [plan.base_code_items(p) for p in parts if p.kind == R7_PARTS]
    assert differ and {item[1] for rows in items for item in rows} == differ
    assert sum(map(len, items)) == sum(row[1] in differ for _, row in workbook.rows("power_items"))


def test_rules_asked_for_only(workbook) -> None:
    book = rule_book()
    whole = validate_workbooks([workbook], [], BASE, book=book)
    parted = validate_by_government(workbook, BASE, book=book, rules=["R3", "R11"], part_rows=1)
    assert list(parted) == [f for f in whole if f.rule in ("R3", "R11")]


def test_cli_by_government(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from govkg.cli import main

    folder = tmp_path / "wb"
    generate_workbook(folder, violations=0.2, **SHAPES["counties"])
    _add_cross_government_rows(folder)
    outputs = []
    for extra in ([], ["--by-government"]):
        assert main(["validate", str(folder), "--format", "json", *extra]) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_on_a_terminal(workbook, terminal: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal (stderr), the rows read, then the governments done out of all and
    the parts and rules running; nothing when stderr is not a terminal."""
    screen = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", screen)
    validate_by_government(Path(workbook.file), BASE, book=rule_book(), part_rows=1)
    shown = screen.getvalue()
    if not terminal:
        assert shown == ""
        return
    governments = len({row[3] for _, row in workbook.rows("agencies")})
    rows = workbook.row_count()
    assert f"读取 reading: 行 rows {rows:,} " in shown
    assert f"] {governments:,}/{governments:,} (" in shown  # all governments done
    assert re.search(r"\] [0-9]+/[0-9,]+ \(.*正在校验 running: [0-9,]+ R1–R17", shown)
    assert "base codes 1/1 R7–R7" in shown


def test_contract_problems_as_the_whole_path(tmp_path: Path) -> None:
    """A workbook breaking the contract across governments: the streamed path reports
    the same problems as the whole (duplicates across governments and tables, missing
    references, bad cells), and validates nothing."""
    folder = tmp_path / "wb"
    generate_workbook(folder, **SHAPES["counties"])
    agencies, units = _read(folder, "agencies"), _read(folder, "units")
    first, last = agencies[0], agencies[-1]
    assert first["government"] != last["government"]
    items = _read(folder, "power_items")
    _append(folder, "units", [{**units[0], "agency": last["id"]},  # a unit id given twice
                              {**units[1], "id": first["id"]}])  # fmt: skip
    # (the second: a unit with an agency's id)
    _append(folder, "duties", [
        {"id": "X-D1", "holder": "NO-SUCH", "text": "无人承担", "role": "牵头"},
        {"id": _read(folder, "duties")[0]["id"], "holder": last["id"], "text": "重复编码",
         "role": "牵头"},
    ])  # fmt: skip
    _append(folder, "power_items", [{**items[0], "agency": last["id"]},  # another government
                                    {**items[1], "id": "X-P1", "type": "不是类型"}])  # fmt: skip
    _append(folder, "datasets", [{"id": "X-DS", "name": "数据", "sources": "NO-SUCH"},
                                 {"id": "X-DS", "name": "数", "sources": first["id"]}])  # fmt: skip
    problems = []
    for by_government in (False, True):
        with pytest.raises(InputError) as raised:
            validate_sources([folder], base_iri=BASE, by_government=by_government)
        problems.append(sorted(raised.value.problems, key=str))
    assert problems[0] == problems[1]
    assert len(problems[0]) >= 7, problems[0]


@pytest.mark.parametrize("threshold", [1, 10**12])
def test_a_large_workbook_is_streamed_without_the_option(
    tmp_path: Path,
    threshold: int,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:

    folder = tmp_path / "wb"
    generate_workbook(folder, agencies=40, governments=2)
    monkeypatch.setattr(validation, "STREAMED_FROM_BYTES", threshold)
    with caplog.at_level("DEBUG", logger="govkg.validating.partition"):
        validate_sources([folder], base_iri=BASE)
    sent = [r.getMessage() for r in caplog.records if r.name == "govkg.validating.partition"]
    assert bool(sent) == (threshold == 1)
