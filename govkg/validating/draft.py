"""Checking a draft 三定 against the baseline (``docs/workbook.md``, "A draft is ...").

For each agency in the draft's agencies table, the draft's rows replace every baseline row
of that agency: the agency row, its units, the duties, data duties and power items it or
its units hold, and the division rows that name it. Other draft rows replace the baseline
row with the same id, or are added. The contract is checked on the merged workbook, each
problem located in the file its row comes from. Baseline and merged workbook are both
validated; every finding is marked new, resolved or unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from govkg.errors import InputError, Problem
from govkg.loaders.checks import check_workbook
from govkg.loaders.contract import TABLES, split_list
from govkg.loaders.workbook import TableRows, Workbook, read_workbook
from govkg.shapes.findings import Finding, compare, sort_key
from govkg.shapes.store_validation import check_options, rule_book
from govkg.shapes.text_rules import TEXT_RULES
from govkg.validating.draft_scope import RULES, combine, draft_scope
from govkg.validating.findings_cache import cache_entry, cached_findings
from govkg.validating.sources import Outcome, read_sources, validate_workbooks
from govkg.validating.workbook_r16 import workbook_r16_findings

Row = tuple[int, tuple[str, ...]]
# Rows of a re-mandated agency: table -> (column naming an agency or a unit, list?)
OWNED = {
    "agencies": ("id", False),
    "units": ("agency", False),
    "duties": ("holder", False),
    "data_duties": ("holder", False),
    "power_items": ("agency", False),
    "divisions": ("agencies", True),
    "transfers": ("agency", False),
}


def _cell(data: TableRows, row: tuple[str, ...], column: str) -> str:
    return row[data.index(column)]


def _owned(position: int, row: tuple[str, ...], is_list: bool, owners: set[str]) -> bool:
    cell = row[position]
    return any(item in owners for item in (split_list(cell) if is_list else [cell]))


def merge(baseline: Workbook, draft: Workbook) -> tuple[Workbook, dict[str, set[int]]]:
    """The merged workbook, and for each table the positions of the rows taken from the
    draft (so that problems can be located in the draft's file)."""
    agencies = {row[0] for _, row in draft.rows("agencies") if row[0]}
    units = {
        row[0]
        for name in ("units",)
        for workbook in (baseline, draft)
        for _, row in workbook.rows(name)
        if workbook.tables.get(name) and _cell(workbook.tables[name], row, "agency") in agencies
    }
    owners = agencies | units
    tables: dict[str, TableRows] = {}
    from_draft: dict[str, set[int]] = {}
    for table in TABLES:
        base = baseline.tables.get(table.name)
        extra = draft.tables.get(table.name)
        if base is None and extra is None:
            continue
        kept: list[Row] = list(base.rows) if base is not None else []
        if base is not None and table.name in OWNED:
            column, is_list = OWNED[table.name]
            people = owners if table.name in ("duties", "data_duties") else agencies

            at = base.index(column)  # once per table: a province has 1.3M such rows
            kept = [(n, row) for n, row in kept if not _owned(at, row, is_list, people)]
        added = list(extra.rows) if extra is not None else []
        replaced = {row[0] for _, row in added if row[0]}
        kept = [(n, row) for n, row in kept if row[0] not in replaced]
        template = base if base is not None else extra
        assert template is not None
        tables[table.name] = TableRows(template.table, template.sheet, template.file, kept + added)
        from_draft[table.name] = set(range(len(kept), len(kept) + len(added)))
    return Workbook(baseline.file, tables), from_draft


def check_merged(
    merged: Workbook,
    from_draft: dict[str, set[int]],
    baseline: Workbook,
    draft: Workbook,
    *,
    baseline_checked: bool = False,
) -> None:
    """Check the contract on the merged workbook; each problem names its own file.

    Rows from the draft are checked under negative row numbers, which tell them apart.
    With ``baseline_checked`` only the draft's rows are checked cell by cell."""
    marked = Workbook(
        merged.file,
        {
            name: replace(
                data,
                rows=[
                    (-n if i in from_draft.get(name, set()) else n, row)
                    for i, (n, row) in enumerate(data.rows)
                ],
            )
            for name, data in merged.tables.items()
        },
    )
    try:
        # the baseline's rows were checked already (when it was cached), and none of them
        # can refer to a row the merge removes: only duties and data duties refer to
        # units, and they go with them
        check_workbook(marked, rows=(lambda n: n < 0) if baseline_checked else None)
    except InputError as error:
        sheets = {merged.sheet(t.name): t.name for t in TABLES}
        problems: list[Problem] = []
        for p in error.problems:
            table = sheets.get(p.table or "")
            if p.row is not None and p.row < 0 and table is not None:
                problems.append(
                    replace(p, file=draft.file_of(table), table=draft.sheet(table), row=-p.row)
                )
            elif table is not None:
                problems.append(replace(p, file=baseline.file_of(table)))
            else:
                problems.append(p)
        raise InputError(problems) from None


def validate_draft(
    paths: Sequence[Path],
    draft_path: Path,
    *,
    base_iri: str,
    engine: str = "default",
    rules: Sequence[str] | None = None,
    cache_dir: Path | None = None,
    _fast: bool = True,
) -> Outcome:
    """Findings of the merged workbook marked new/unchanged, plus the resolved ones.

    The merged workbook's findings come from the draft's scope (:mod:`draft_scope`): the
    baseline's findings out of it, a small sub-workbook's in it; ``_fast=False`` (tests)
    and drafts that reach too far validate the whole merged workbook instead. The
    baseline's findings may come from the cache in ``cache_dir`` (:mod:`findings_cache`)."""
    book = rule_book()
    check_options(book, rules, engine)
    rdf: list[Path]
    if (
        _fast
        and len(paths) == 1
        and cache_entry(paths[0], engine=engine, base_iri=base_iri, folder=cache_dir)
    ):
        workbooks, rdf = [read_workbook(paths[0])], []  # checked when it was cached
    else:
        workbooks, rdf = read_sources(paths)
    if len(workbooks) != 1:
        raise InputError(
            Problem(
                "--draft",
                "使用 --draft 时须给出且只给出一个基准工作簿",
                "--draft needs exactly one baseline workbook",
            )
        )
    baseline = workbooks[0]
    draft = read_workbook(draft_path)
    merged, from_draft = merge(baseline, draft)
    check_merged(merged, from_draft, baseline, draft, baseline_checked=_fast)

    def whole(workbook: Workbook) -> list[Finding]:
        return validate_workbooks([workbook], rdf, base_iri, book=book, engine=engine)

    scoped = None
    if _fast and not rdf and set(book.rules) - TEXT_RULES == RULES:
        scoped = draft_scope(baseline, merged)
    if scoped is None:
        before, after = whole(baseline), whole(merged)
    else:
        scope, sub = scoped
        before = cached_findings(
            Path(paths[0]),
            lambda: whole(baseline),
            engine=engine,
            base_iri=base_iri,
            folder=cache_dir,
        )
        # the text rules: judged on the whole merged workbook
        after = combine(
            [f for f in before if f.rule not in TEXT_RULES],
            [f for f in whole(sub) if f.rule not in TEXT_RULES],
            scope,
        )
        after = sorted(after + workbook_r16_findings(merged, book), key=sort_key)
    findings = compare(before, after)
    if rules:
        wanted = set(rules)
        findings = [f for f in findings if f.rule in wanted]
    return Outcome(findings, book, draft=True)
