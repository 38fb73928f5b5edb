"""`govkg propose`: for each duty without a function, the functions of the catalogue it
most likely belongs to (docs/workbook.md, "Findings as JSON").

Learned from the functions' names and their place in the tree, from the duties already
coded (govkg.text.proposals, the same ranking the 三定 importer's 职能建议 uses), and from
the functions the holder's agency already serves (docs/overlaps.md measures both).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.loaders.workbook import Workbook
from govkg.ontology.namespaces import DCT, GK, ORG, SKOS
from govkg.store import oxigraph as oxi
from govkg.text.proposals import FunctionIndex, Proposal


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    name: str
    broader: str


@dataclass(frozen=True)
class DutyText:
    id: str
    holder: str
    agency: str
    text: str
    function: str


@dataclass(frozen=True)
class Proposals:
    duty: DutyText
    functions: list[Proposal]

    def as_dict(self) -> dict[str, Any]:
        return {
            "duty": self.duty.id,
            "holder": self.duty.holder,
            "functions": [{"function": p.function, "score": p.score} for p in self.functions],
        }


def workbook_catalogue(
    workbooks: Sequence[Workbook],
) -> tuple[list[CatalogueEntry], list[DutyText]]:
    """The functions and duties of workbooks read and checked."""
    functions: dict[str, CatalogueEntry] = {}
    duties: list[DutyText] = []
    for workbook in workbooks:
        units = {row["id"]: row["agency"] for row in _records(workbook, "units")}
        for row in _records(workbook, "functions"):
            functions[row["id"]] = CatalogueEntry(row["id"], row["name"], row["broader"])
        for row in _records(workbook, "duties"):
            holder = row["holder"]
            duties.append(
                DutyText(row["id"], holder, units.get(holder, holder), row["text"], row["function"])
            )
    return list(functions.values()), duties


def _records(workbook: Workbook, table: str) -> list[dict[str, str]]:
    data = workbook.tables.get(table)
    if data is None:
        return []
    names = [c.name for c in data.table.columns]
    return [dict(zip(names, row, strict=False)) for _, row in data.rows]


FUNCTIONS_QUERY = f"""SELECT ?id ?name ?broader WHERE {{
  ?f a <{GK}Function> ; <{DCT}identifier> ?id ; <{SKOS}prefLabel> ?name .
  OPTIONAL {{ ?f <{SKOS}broader>/<{DCT}identifier> ?broader }} }}"""
DUTIES_QUERY = f"""SELECT ?id ?holder ?agency ?text ?function WHERE {{
  ?d a <{GK}Duty> ; <{DCT}identifier> ?id ; <{DCT}description> ?text ; <{GK}heldBy> ?h .
  ?h <{DCT}identifier> ?holder .
  OPTIONAL {{ ?h <{ORG}unitOf>/<{DCT}identifier> ?unitAgency }}
  BIND (COALESCE(?unitAgency, ?holder) AS ?agency)
  OPTIONAL {{ ?d <{GK}onFunction>/<{DCT}identifier> ?function }} }}"""


def store_catalogue(store: Any) -> tuple[list[CatalogueEntry], list[DutyText]]:
    """The functions and duties of a store."""
    functions = {r[0]: CatalogueEntry(*r) for r in _select(store, FUNCTIONS_QUERY)}
    duties = {r[0]: DutyText(r[0], r[1], r[2], r[3], r[4]) for r in _select(store, DUTIES_QUERY)}
    return list(functions.values()), sorted(duties.values(), key=lambda d: d.id)


def _select(store: Any, query: str) -> list[list[str]]:
    rows = csv.reader(io.StringIO(oxi.serialize_results(oxi.query(store, query), "csv").decode()))
    next(rows, None)
    return list(rows)


def propose(
    functions: Sequence[CatalogueEntry], duties: Sequence[DutyText], *, top: int = 3
) -> list[Proposals]:
    """The ``top`` proposals for each duty without a function, in the order of the duties."""
    index = FunctionIndex(functions, [(d.text, d.function) for d in duties if d.function])
    by_agency: dict[str, Counter[str]] = {}
    for d in duties:
        if d.function:
            by_agency.setdefault(d.agency, Counter())[d.function] += 1
    return [
        Proposals(d, index.rank(d.text, top, agency_functions=by_agency.get(d.agency)))
        for d in duties
        if not d.function
    ]


def as_json(found: Sequence[Proposals]) -> str:
    return json.dumps({"proposals": [p.as_dict() for p in found]}, ensure_ascii=False, indent=1)


def as_text(found: Sequence[Proposals], names: dict[str, str], lang: str) -> str:
    zh = lang == "zh"
    if not found:
        return ("没有未填职能编码的职责。" if zh else "No duty lacks a function.") + "\n"
    head = (
        f"职能建议（{len(found)} 条职责，待人工确认）"
        if zh
        else f"Function proposals for {len(found)} duties (a person decides)"
    )
    lines = [head, ""]
    for p in found:
        text = p.duty.text if len(p.duty.text) <= 40 else p.duty.text[:40] + "…"
        lines.append(
            f"{p.duty.id}（{p.duty.holder}）「{text}」"
            if zh
            else f"{p.duty.id} ({p.duty.holder}) “{text}”"
        )
        if not p.functions:
            lines.append("  （无可建议的职能）" if zh else "  (no function to propose)")
        for rank, f in enumerate(p.functions, 1):
            lines.append(f"  {rank}. {f.function} {names.get(f.function, '')} {f.score:.2f}")
    return "\n".join(lines) + "\n"


def write_xlsx(path: Path, found: Sequence[Proposals], names: dict[str, str], lang: str) -> None:
    """One row per duty: its proposals side by side, and an empty column for the choice."""
    from govkg.loaders.xlsx_writer import write_xlsx as write  # openpyxl only when asked

    zh = lang == "zh"
    top = max((len(p.functions) for p in found), default=0)
    header = ["职责编码", "承担机构编码", "职责描述"] if zh else ["duty", "holder", "text"]
    for n in range(1, top + 1):
        header += (
            [f"建议{n}", f"建议{n}名称", f"建议{n}得分"]
            if zh
            else [f"proposal {n}", f"name {n}", f"score {n}"]
        )
    header.append("选定职能编码" if zh else "chosen function")
    rows = []
    for p in found:
        row: list[object] = [p.duty.id, p.duty.holder, p.duty.text]
        for f in p.functions:
            row += [f.function, names.get(f.function, ""), f.score]
        row += ["", "", ""] * (top - len(p.functions)) + [""]
        rows.append(row)
    write(path, {"职能建议" if zh else "proposals": (header, rows)})
