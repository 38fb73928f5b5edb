"""Rows of a tiny workbook for tests: an agency, a duty, a function, a power item, each
with the contract's columns filled in, and ``write`` to put tables into a folder of CSV
files (docs/workbook.md)."""

from __future__ import annotations

import csv
from pathlib import Path

from govkg.loaders.codes import uscc_check_character


def uscc(serial: int) -> str:
    first = f"11329900MB{serial:07d}"
    return first + (uscc_check_character(first) or "")


def agency(aid: str, **cells: str) -> dict[str, str]:
    row = {
        "id": aid,
        "name": f"机构{aid}",
        "kind": "政府组成部门",
        "government": "329900",
        "level": "市",
        "parent": "",
        "hosted_in": "",
        "uscc": "",
        "staffing": "",
        "cdo": "分管副局长",
    }
    row.update(cells)
    return row


def write(folder: Path, tables: dict[str, list[dict[str, str]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        header: list[str] = []
        for row in rows:
            header += [k for k in row if k not in header]
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[row.get(k, "") for k in header] for row in rows])
    return folder


def duty(did: str, holder: str, function: str, role: str = "") -> dict[str, str]:
    return {"id": did, "holder": holder, "text": f"职责{did}", "function": function, "role": role}


def function(fid: str, broader: str = "", mandatory: str = "", category: str = "") -> dict:
    return {"id": fid, "name": f"职能{fid}", "broader": broader, "mandatory": mandatory,
            "category": category}  # fmt: skip


def power(pid: str, base: str, agency_id: str, **cells: str) -> dict[str, str]:
    row = {"id": pid, "base_code": base, "name": "许可", "type": "行政许可", "agency": agency_id,
           "basis": "某法", "source": "编办", "impl_code": ""}  # fmt: skip
    row.update(cells)
    return row
