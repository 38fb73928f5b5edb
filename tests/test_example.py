"""The bundled example workbook (examples/build_city.py, examples/city.xlsx) keeps the contract."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from govkg.loaders.codes import uscc_is_valid
from govkg.loaders.contract import TABLES, Kind, split_list

BUILD_SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "build_city.py"


def _load_build_city() -> ModuleType:
    spec = importlib.util.spec_from_file_location("govkg_example_build_city", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build_city() -> ModuleType:
    return _load_build_city()


@pytest.fixture(scope="module")
def baseline(build_city: ModuleType) -> dict[str, list[dict[str, object]]]:
    return build_city.build_workbook()


@pytest.fixture(scope="module")
def draft(build_city: ModuleType, baseline: dict) -> dict[str, list[dict[str, object]]]:
    return build_city.build_draft(baseline)


def _ids(tables: dict[str, list[dict[str, object]]]) -> dict[str, set[str]]:
    """The ids of each table; agencies and units share one id space."""
    ids = {name: {str(row["id"]) for row in rows} for name, rows in tables.items()}
    shared = ids.get("agencies", set()) | ids.get("units", set())
    ids["agencies"] = ids["units"] = shared
    return ids


def _dangling_references(
    tables: dict[str, list[dict[str, object]]], known: dict[str, set[str]]
) -> list[str]:
    dangling = []
    for table in TABLES:
        for number, row in enumerate(tables.get(table.name, []), start=2):
            for column in table.columns:
                cell = str(row.get(column.name, "") or "")
                if column.kind is Kind.REF:
                    targets = [cell] if cell else []
                elif column.kind is Kind.REF_LIST:
                    targets = split_list(cell)
                else:
                    continue
                for target in targets:
                    if not any(target in known.get(t, set()) for t in column.refers_to):
                        dangling.append(f"{table.name} row {number} {column.name}: {target}")
    return dangling


def test_sizes(baseline: dict) -> None:
    assert len(baseline["agencies"]) >= 30
    assert len(baseline["power_items"]) >= 200
    assert {row["source"] for row in baseline["power_items"]} == {"编办", "政务服务"}
    assert len(baseline["datasets"]) >= 100


def test_ids_are_unique(baseline: dict, draft: dict) -> None:
    for tables in (baseline, draft):
        for name, rows in tables.items():
            ids = [row["id"] for row in rows]
            assert len(ids) == len(set(ids)), name
        shared = [row["id"] for row in tables["agencies"] + tables["units"]]
        assert len(shared) == len(set(shared))


def test_usccs_are_valid(baseline: dict) -> None:
    usccs = [row for row in baseline["agencies"] if row["uscc"]]
    assert len(usccs) >= 30
    for row in usccs:
        assert uscc_is_valid(str(row["uscc"])), row["id"]
        assert str(row["uscc"])[2:8] == row["government"], row["id"]
        if row["kind"] not in ("事业单位", "国有企业"):
            assert str(row["uscc"]).startswith("11"), row["id"]


def test_references_resolve(baseline: dict, draft: dict) -> None:
    assert _dangling_references(baseline, _ids(baseline)) == []
    # A draft's references may point into the baseline.
    known = _ids(baseline)
    for name, ids in _ids(draft).items():
        known[name] = known.get(name, set()) | ids
    assert _dangling_references(draft, known) == []


def test_enumerations_and_required_cells(baseline: dict, draft: dict) -> None:
    for tables in (baseline, draft):
        for table in TABLES:
            for row in tables.get(table.name, []):
                for column in table.columns:
                    cell = row.get(column.name, "")
                    if column.required:
                        assert cell not in ("", None), (table.name, row["id"], column.name)
                    if column.values is not None and cell != "":
                        assert cell in column.values, (table.name, row["id"], column.name)
                    if column.kind is Kind.INT and cell != "":
                        assert isinstance(cell, int) and cell >= 0


def test_the_build_is_deterministic(build_city: ModuleType) -> None:
    again = _load_build_city()
    assert build_city.to_sheets(build_city.build_workbook()) == again.to_sheets(
        again.build_workbook()
    )
    assert build_city.to_sheets(build_city.build_draft()) == again.to_sheets(again.build_draft())


def test_the_committed_workbook_is_the_built_one(build_city: ModuleType, baseline: dict) -> None:
    """examples/city.xlsx is what the script writes (read back with the project's reader)."""
    from govkg.loaders.workbook import read_workbook

    workbook = read_workbook(build_city.BASELINE_PATH)
    for table in TABLES:
        expected = [
            tuple(str(row.get(column.name, "")) for column in table.columns)
            for row in baseline[table.name]
        ]
        assert [cells for _number, cells in workbook.rows(table.name)] == expected, table.name
