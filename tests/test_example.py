"""The bundled example of 江海市: its CSV workbooks (the source) and the .xlsx built from them.

examples/city/ and examples/city-draft/ hold the data; examples/build_city.py writes them out
as examples/city.xlsx and examples/city-draft.xlsx. Both forms must be the same workbook and
keep the contract (docs/workbook.md).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from govkg.loaders import Workbook, check_workbook, read_workbook, workbook_to_ntriples
from govkg.loaders.codes import uscc_is_valid
from govkg.loaders.workbook import TableRows
from rdflib import Graph
from rdflib.compare import isomorphic

try:  # the draft merge of `validate --draft`, where the project has it
    from govkg.validating.draft import check_merged, merge
except ImportError:  # pragma: no cover - then only the draft's agencies are checked
    merge = None

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BASE_IRI = "https://example.org/jianghai/"
FORMS = {"baseline": ("city", "city.xlsx"), "draft": ("city-draft", "city-draft.xlsx")}


@pytest.fixture(scope="module")
def books() -> dict[str, Workbook]:
    """Every example workbook, read by the project's reader, by its name in examples/."""
    return {name: read_workbook(EXAMPLES / name) for pair in FORMS.values() for name in pair}


def _sheets(workbook: Workbook) -> dict[str, tuple[str, list[tuple[int, tuple[str, ...]]]]]:
    """table -> (sheet name, rows with their row numbers), in the workbook's order."""
    return {name: (data.sheet, data.rows) for name, data in workbook.tables.items()}


def _records(workbook: Workbook, table: str) -> list[dict[str, str]]:
    data = workbook.tables[table]
    names = [column.name for column in data.table.columns]
    return [dict(zip(names, row, strict=True)) for _number, row in data.rows]


@pytest.mark.parametrize("which", FORMS)
def test_csv_and_xlsx_are_the_same_workbook(books: dict[str, Workbook], which: str) -> None:
    folder, xlsx = FORMS[which]
    from_csv, from_xlsx = _sheets(books[folder]), _sheets(books[xlsx])
    assert set(from_csv) == set(from_xlsx)  # a folder lists its files by name
    for table, (sheet, rows) in from_csv.items():
        assert from_xlsx[table][0] == sheet
        assert len(from_xlsx[table][1]) == len(rows), table
        for expected, got in zip(rows, from_xlsx[table][1], strict=True):
            assert got == expected, table


def test_csv_and_xlsx_give_the_same_graph() -> None:
    folder, xlsx = FORMS["baseline"]
    graphs = [
        Graph().parse(data=workbook_to_ntriples(EXAMPLES / name, base_iri=BASE_IRI), format="nt")
        for name in (folder, xlsx)
    ]
    assert len(graphs[0]) > 0
    assert isomorphic(graphs[0], graphs[1])


@pytest.mark.parametrize("name", FORMS["baseline"])
def test_the_baseline_keeps_the_contract(books: dict[str, Workbook], name: str) -> None:
    check_workbook(books[name])


@pytest.mark.parametrize("which", range(2))
def test_the_draft_keeps_the_contract_on_the_baseline(
    books: dict[str, Workbook], which: int
) -> None:
    baseline, draft = books[FORMS["baseline"][which]], books[FORMS["draft"][which]]
    remandated = {row["id"] for row in _records(draft, "agencies")}
    assert remandated == {"JH-DSJ", "JH-DSJZX"}
    assert remandated <= {row["id"] for row in _records(baseline, "agencies")}
    if merge is not None:
        merged, from_draft = merge(baseline, draft)
        check_merged(merged, from_draft, baseline, draft)
        return
    base = baseline.tables["agencies"]
    kept = [(n, row) for n, row in base.rows if row[0] not in remandated]
    agencies = TableRows(base.table, base.sheet, base.file, kept + draft.tables["agencies"].rows)
    check_workbook(Workbook(draft.file, {"agencies": agencies}))


def test_sizes(books: dict[str, Workbook]) -> None:
    book = books["city"]
    with_units = {row["agency"] for row in _records(book, "units")}
    agencies = _records(book, "agencies")
    assert len(agencies) >= 30
    assert sum(1 for row in agencies if row["staffing"] and row["id"] in with_units) >= 30
    items = _records(book, "power_items")
    assert len(items) >= 200
    assert {row["source"] for row in items} == {"编办", "政务服务"}
    datasets = {row["id"] for row in _records(book, "datasets")}
    covered = {row["dataset"] for row in _records(book, "data_duties")} & datasets
    assert len(datasets) >= 100 and len(covered) >= 100
    assert _records(book, "divisions")
    assert _records(book, "duties")


def test_the_functions_form_a_tree(books: dict[str, Workbook]) -> None:
    broader = {row["id"]: row["broader"] for row in _records(books["city"], "functions")}
    assert set(broader.values()) - {""} <= set(broader)
    depths = []
    for function in broader:
        seen, node = {function}, broader[function]
        while node:
            assert node not in seen, f"cycle at {function}"
            seen.add(node)
            node = broader[node]
        depths.append(len(seen))
    assert sum(1 for parent in broader.values() if not parent) >= 1
    assert max(depths) >= 3


@pytest.mark.parametrize("name", ["city", "city-draft"])
def test_agency_usccs_are_valid(books: dict[str, Workbook], name: str) -> None:
    agencies = [row for row in _records(books[name], "agencies") if row["uscc"]]
    assert len(agencies) >= (30 if name == "city" else 2)
    for row in agencies:
        assert uscc_is_valid(row["uscc"]), row["id"]
        assert row["uscc"][2:8] == row["government"], row["id"]
        if row["kind"] not in ("事业单位", "国有企业"):
            assert row["uscc"].startswith("11"), row["id"]


def test_the_builder_reproduces_the_sheets(books: dict[str, Workbook], tmp_path: Path) -> None:
    """Running build_city.py on a copy of the CSV writes the committed workbooks again."""
    shutil.copy(EXAMPLES / "build_city.py", tmp_path)
    for folder, _xlsx in FORMS.values():
        shutil.copytree(EXAMPLES / folder, tmp_path / folder)
    subprocess.run(
        [sys.executable, str(tmp_path / "build_city.py")],
        check=True,
        timeout=120,
        capture_output=True,
    )
    for _folder, xlsx in FORMS.values():
        built, committed = _sheets(read_workbook(tmp_path / xlsx)), _sheets(books[xlsx])
        assert list(built) == list(committed), xlsx  # the same sheets in the same order
        assert built == committed, xlsx
