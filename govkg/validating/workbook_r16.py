"""R16 on a workbook's rows, without a store: a draft's merged workbook is judged this
way (govkg/validating/draft.py), with the judgement of ``shapes/text_rules.py``."""

from __future__ import annotations

from govkg.loaders.contract import split_list
from govkg.loaders.workbook import Workbook
from govkg.shapes.findings import Finding, RuleBook
from govkg.shapes.text_rules import RULE, DutyRow, findings_of_rows
from govkg.text import SAME_RESPONSIBILITY


def workbook_r16_findings(
    workbook: Workbook, book: RuleBook, *, threshold: float = SAME_RESPONSIBILITY
) -> list[Finding]:
    """The findings of R16 on a workbook's rows: the same as on the store it loads into
    (a draft's merged workbook is judged this way, without a store)."""
    if RULE not in book.rules:
        return []
    rows, divided = workbook_rows(workbook)
    return findings_of_rows(rows, divided, {}, book, threshold)


def workbook_rows(workbook: Workbook) -> tuple[list[DutyRow], set[tuple[str, ...]]]:
    """The duty rows and divisions of a workbook, ids standing in for IRIs."""

    def table(name: str) -> list[dict[str, str]]:
        data = workbook.tables.get(name)
        if data is None:
            return []
        names = [c.name for c in data.table.columns]
        return [dict(zip(names, row, strict=False)) for _, row in data.rows]

    agencies = {a["id"]: a for a in table("agencies")}
    unit_agency = {u["id"]: u["agency"] for u in table("units")}
    functions = {f["id"]: f["name"] for f in table("functions")}
    rows: list[DutyRow] = []
    for d in table("duties"):
        agency = agencies.get(unit_agency.get(d["holder"], d["holder"]))
        if agency is None or not d["text"]:
            continue
        rows.append(
            DutyRow(
                d["id"], d["id"], d["text"], agency["id"], agency["name"],
                agency["government"], d["function"], functions.get(d["function"], ""),
            )
        )  # fmt: skip
    divided: set[tuple[str, ...]] = set()
    for row in table("divisions"):
        named = sorted(set(split_list(row["agencies"])))
        divided.update((row["function"], a, b) for i, a in enumerate(named) for b in named[i + 1 :])
    return rows, divided
