"""Large workbooks are read, mapped and checked in a child process while the store loads
them (loaders/streamed.py, govkg/validating/sources.py ``sources_store``): the same findings and
the same errors as a workbook read whole."""

from __future__ import annotations

import csv
import pickle
from pathlib import Path

import pytest

from govkg.cli import main
from govkg.errors import InputError, Problem
from govkg.synthetic import generate_workbook
from govkg.validating import sources as validating
from tests.conftest import EXAMPLES, SMALL_CITY, write_csv_workbook

BASE = "https://id.govkg.org/"


def streamed(monkeypatch: pytest.MonkeyPatch, on: bool) -> None:
    monkeypatch.setattr(validating, "LARGE_FROM_BYTES", 0 if on else 10**12)


def findings(paths: list[Path], monkeypatch: pytest.MonkeyPatch, *, stream: bool) -> set:
    streamed(monkeypatch, stream)
    found = validating.validate_sources(paths, base_iri=BASE).findings
    return {(f.rule, f.focus, f.related, tuple(sorted(f.message.items()))) for f in found}


def problems(paths: list[Path], monkeypatch: pytest.MonkeyPatch, *, stream: bool) -> list:
    streamed(monkeypatch, stream)
    with pytest.raises(InputError) as caught:
        validating.validate_sources(paths, base_iri=BASE)
    return sorted(caught.value.problems, key=lambda p: (p.file, p.table or "", p.row or 0))


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Rewrite one cell of a CSV table (``row`` as a spreadsheet numbers it)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_a_streamed_workbook_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "wb"
    generate_workbook(folder, agencies=30, units=40, power_items=60, datasets=40, violations=0.2)
    for sources in ([folder], [EXAMPLES / "city.xlsx"]):
        whole = findings(sources, monkeypatch, stream=False)
        assert whole and findings(sources, monkeypatch, stream=True) == whole


def test_a_streamed_workbook_gives_the_same_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "wb"
    generate_workbook(folder, agencies=5, violations=0)
    # a value the mapping has no concept for (it would fail before the check), and a
    # reference to no agency (only the whole workbook can tell)
    set_cell(folder / "power_items.csv", 3, "type", "不存在的类型")
    set_cell(folder / "data_duties.csv", 2, "holder", "NO-SUCH-AGENCY")
    small = write_csv_workbook(tmp_path / "small", SMALL_CITY)
    set_cell(small / "机构.csv", 2, "所属政府", "x")
    sources = [folder, small]
    whole = problems(sources, monkeypatch, stream=False)
    assert problems(sources, monkeypatch, stream=True) == whole
    where = {(Path(p.file).name, p.table, p.row, p.column) for p in whole}
    assert ("power_items.csv", "power_items", 3, "事项类型") in where
    assert ("data_duties.csv", "data_duties", 2, "承担机构编码") in where
    assert any(name == "机构.csv" for name, *_ in where)

    streamed(monkeypatch, True)
    assert main(["validate", str(folder)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "power_items › 第3行 row 3 › 事项类型" in err


def test_a_problem_pickles_whole() -> None:
    error = InputError([Problem("a.xlsx", "错", "wrong", table="机构", row=3, column="层级")])

    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InputError and again.problems == error.problems
