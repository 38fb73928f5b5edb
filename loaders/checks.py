"""Checking a workbook against the contract: every problem, with table, row and column."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from govkg.loaders.codes import uscc_is_valid
from govkg.loaders.contract import (
    AGENCY_ID_PATTERN,
    GOVERNMENT_PATTERN,
    SHARED_ID_SPACE,
    TABLES,
    Column,
    Kind,
    Table,
    parse_bool,
    split_list,
)
from govkg.loaders.workbook import Workbook

from govkg.errors import InputError, Problem

Spaces = Mapping[str, AbstractSet[str]]  # table -> its ids


def _id_spaces(workbook: Workbook, problems: list[Problem]) -> dict[str, set[str]]:
    """The ids of every table (agencies and units share one space); duplicates reported."""
    spaces: dict[str, set[str]] = {}
    shared: dict[str, str] = {}  # id -> sheet where first seen, across agencies and units
    for table in TABLES:
        ids: set[str] = set()
        sheet = workbook.sheet(table.name)
        for number, row in workbook.rows(table.name):
            value = row[0]
            if not value:
                continue
            seen_in = shared.get(value) if table.name in SHARED_ID_SPACE else None
            if value in ids or seen_in is not None:
                file = workbook.file_of(table.name)
                problems.append(duplicate_id(file, table, sheet, number, value, seen_in))
            ids.add(value)
            if table.name in SHARED_ID_SPACE:
                shared.setdefault(value, sheet)
        spaces[table.name] = ids
    return spaces


def duplicate_id(
    file: str, table: Table, sheet: str, number: int, value: str, seen_in: str | None
) -> Problem:
    """The problem of an id given again (``seen_in``: the sheet of the first, when it is
    another table of the same id space)."""
    where = f"（另见「{seen_in}」）" if seen_in and seen_in != sheet else ""
    where_en = f" (also in '{seen_in}')" if seen_in and seen_in != sheet else ""
    return Problem(
        file,
        f"编码「{value}」重复{where}",
        f"duplicate id '{value}'{where_en}",
        table=sheet,
        row=number,
        column=table.columns[0].zh,
    )


def _check_cell(column: Column, value: str, spaces: Spaces) -> Iterable[tuple[str, str]]:
    """The (zh, en) problems of one non-empty cell."""
    kind = column.kind
    if kind is Kind.AGENCY_ID and not AGENCY_ID_PATTERN.fullmatch(value):
        yield (
            f"编码「{value}」不合规则：只能由字母、数字和 . _ - 组成，至多 64 个字符",
            f"id '{value}' must match [A-Za-z0-9._-]{{1,64}}",
        )
    elif kind is Kind.ENUM and column.values is not None and value not in column.values:
        allowed = "、".join(v for v in column.values if not v.isascii())
        yield (
            f"「{value}」不是允许的取值（{allowed}）",
            f"'{value}' is not one of the allowed values ({allowed})",
        )
    elif kind is Kind.BOOL and parse_bool(value) is None:
        yield (
            f"「{value}」不是是/否值（是/否、yes/no、true/false、1/0）",
            f"'{value}' is not a yes/no value (是/否, yes/no, true/false, 1/0)",
        )
    elif kind is Kind.INT and not (value.isascii() and value.isdigit()):
        yield (f"「{value}」不是非负整数", f"'{value}' is not an integer ≥ 0")
    elif kind is Kind.GOVERNMENT and not GOVERNMENT_PATTERN.fullmatch(value):
        yield (f"「{value}」不是6位行政区划代码", f"'{value}' is not a 6-digit division code")
    elif kind is Kind.USCC and not uscc_is_valid(value):
        yield (
            f"统一社会信用代码「{value}」无效（须18位大写，校验码符合 GB 32100-2015）",
            f"USCC '{value}' is invalid (18 upper-case characters, "
            "check character per GB 32100-2015)",
        )
    elif kind in (Kind.REF, Kind.REF_LIST):
        items = split_list(value) if kind is Kind.REF_LIST else [value]
        for item in items:
            if not any(item in spaces[t] for t in column.refers_to):
                yield (f"引用的编码「{item}」不存在", f"referenced id '{item}' does not exist")
        if column.name == "agencies" and len(set(items)) < 2:
            yield ("须列出两个或以上机构编码", "must name two or more agency ids")


def _passes(column: Column, spaces: Spaces) -> Callable[[str], bool] | None:
    """A quick test of a non-empty cell of ``column`` (None: any value passes); only the
    cells that fail it go through ``_check_cell``, which says why."""
    kind = column.kind
    if kind is Kind.AGENCY_ID:
        return lambda value: AGENCY_ID_PATTERN.fullmatch(value) is not None
    if kind is Kind.ENUM and column.values is not None:
        return column.values.__contains__
    if kind is Kind.BOOL:
        return lambda value: parse_bool(value) is not None
    if kind is Kind.INT:
        return lambda value: value.isascii() and value.isdigit()
    if kind is Kind.GOVERNMENT:
        return lambda value: GOVERNMENT_PATTERN.fullmatch(value) is not None
    if kind is Kind.USCC:
        return uscc_is_valid
    if kind is Kind.REF:
        targets = [spaces[t] for t in column.refers_to]
        if len(targets) == 1:
            return targets[0].__contains__
        return lambda value: any(value in ids for ids in targets)
    if kind is Kind.REF_LIST:
        return lambda value: not any(True for _ in _check_cell(column, value, spaces))
    return None


def _where(sheet: str, number: int, column: Column) -> dict[str, Any]:
    # made for a problem only: a province's cells are millions
    return {"table": sheet, "row": number, "column": column.zh}


def check_workbook(
    workbook: Workbook,
    *,
    rows: Callable[[int], bool] | None = None,
    references: Spaces | None = None,
) -> None:
    """Raise InputError listing every way the workbook breaks the contract.

    ``rows`` picks the rows (by number) whose cells are checked; the id spaces and
    duplicates are always checked whole. ``references``: the ids references may name,
    per table, when the workbook is a part of a larger one
    (govkg/validating/government_stream.py)."""
    problems: list[Problem] = []
    own = _id_spaces(workbook, problems)
    spaces: Spaces = own if references is None else {**own, **references}
    for table in TABLES:
        data = workbook.tables.get(table.name)
        if data is None:
            continue
        checked = data.rows if rows is None else [(n, r) for n, r in data.rows if rows(n)]
        # column by column: most columns need no test, and a province has 1.4M rows
        for index, column in enumerate(table.columns):
            passes = _passes(column, spaces)
            if passes is None and not column.required:
                continue
            for number, row in checked:
                value = row[index]
                if not value:
                    if column.required:
                        where = _where(data.sheet, number, column)
                        problems.append(
                            Problem(data.file, "必填单元格为空", "required cell is empty", **where)
                        )
                elif passes is not None and not passes(value):
                    where = _where(data.sheet, number, column)
                    for zh, en in _check_cell(column, value, spaces):
                        problems.append(Problem(data.file, zh, en, **where))
    if problems:
        position = {workbook.sheet(t.name): i for i, t in enumerate(TABLES)}
        # stable: within a row, problems stay in column order
        problems.sort(key=lambda p: (position.get(p.table or "", 0), p.row or 0))
        raise InputError(problems)
