"""R7 found from the base-code parts' rows (govkg/validating/base_codes.py) gives exactly
the findings of R7's shape on a store of the whole workbook, on power items written to
differ in each way R7 sees (and in ways it does not)."""

from __future__ import annotations

import csv
from pathlib import Path

from govkg.loaders.workbook import read_workbook
from govkg.shapes.store_validation import rule_book

from govkg.synthetic import generate_workbook
from govkg.validating.sources import validate_by_government, validate_workbooks

BASE = "https://id.govkg.org/"


def _items(folder: Path) -> None:
    """Power items of a few base codes, in two governments: codes whose items differ
    in name only, type only, basis only (one without any), in nothing, one item alone;
    names needing escapes in N-Triples; ids whose text order is not their number's."""
    with (folder / "agencies.csv").open(encoding="utf-8", newline="") as handle:
        agencies = list(csv.DictReader(handle))
    by_gov: dict[str, str] = {}
    for a in agencies:
        by_gov.setdefault(a["government"], a["id"])
    first, second = list(by_gov.values())[:2]
    written = [
        ("N-9", "B-NAME", '名称"甲"', "行政许可", first, "依据\\一"),
        ("N-10", "B-NAME", "名称乙", "行政许可", second, "依据\\一"),
        ("T-1", "B-TYPE", "同名", "行政许可", first, ""),
        ("T-2", "B-TYPE", "同名", "行政处罚", second, ""),
        ("S-1", "B-BASIS", "同名", "行政确认", first, "某法第一条"),
        ("S-2", "B-BASIS", "同名", "行政确认", second, ""),
        ("S-3", "B-BASIS", "同名", "行政确认", second, "某法第一条"),
        ("E-1", "B-SAME", "同名", "行政检查", first, "某法"),
        ("E-2", "B-SAME", "同名", "行政检查", second, "某法"),
        ("A-1", "B-ALONE", "独一", "行政检查", first, ""),
    ]
    path = folder / "power_items.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for ident, code, name, kind, agency, basis in written:
            row = {"id": ident, "base_code": code, "name": name, "type": kind,
                   "agency": agency, "basis": basis, "source": "编办"}  # fmt: skip
            writer.writerow([row.get(c, "") for c in header])


def test_r7_from_rows_equals_the_shape(tmp_path: Path) -> None:
    folder = tmp_path / "wb"
    generate_workbook(folder, agencies=80, governments=2, power_items=200, violations=0.2)
    _items(folder)
    workbook = read_workbook(folder)
    book = rule_book()
    whole = [f for f in validate_workbooks([workbook], [], BASE, book=book) if f.rule == "R7"]
    written = {f.focus: f.related for f in whole if f.focus.startswith("B-")}
    assert written == {
        "B-NAME": ("N-10", "N-9"),
        "B-TYPE": ("T-1", "T-2"),
        "B-BASIS": ("S-1", "S-2", "S-3"),
    }
    parted = validate_by_government(workbook, BASE, book=book, rules=["R7"], part_rows=1)
    assert [f.as_dict() for f in parted] == [f.as_dict() for f in whole]
