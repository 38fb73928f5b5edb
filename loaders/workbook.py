"""Reading a mandate workbook (one .xlsx, or a folder of CSV) into contract tables.

Rows are kept as tuples in the contract's column order, with the row number a spreadsheet
shows (the header is row 1). Checking the contract is ``loaders.checks``.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from govkg.loaders import xlsx_reader
from govkg.loaders.archives import check_xlsx
from govkg.loaders.contract import TABLES, TABLES_BY_NAME, Kind, Table, column_for, table_for

from govkg.errors import InputError, Problem


@dataclass
class TableRows:
    """One table of a workbook: its rows in contract column order."""

    table: Table
    sheet: str  # the name as the user wrote it (sheet or CSV file name)
    file: str  # the file holding it: the .xlsx, or the table's CSV file
    rows: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)
    encoding: str | None = None  # of a CSV file: utf-8-sig or gb18030

    def index(self, column: str) -> int:
        return next(i for i, c in enumerate(self.table.columns) if c.name == column)


@dataclass
class Workbook:
    """The tables of one workbook; a missing table is an empty one."""

    file: str
    tables: dict[str, TableRows]

    def rows(self, table: str) -> list[tuple[int, tuple[str, ...]]]:
        found = self.tables.get(table)
        return found.rows if found else []

    def file_of(self, table: str) -> str:
        found = self.tables.get(table)
        return found.file if found else self.file

    def sheet(self, table: str) -> str:
        found = self.tables.get(table)
        return found.sheet if found else TABLES_BY_NAME[table].zh

    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables.values())

    def other_encodings(self) -> dict[str, str]:
        """The CSV files read in an encoding other than UTF-8: file → encoding."""
        return {
            t.file: t.encoding
            for t in self.tables.values()
            if t.encoding is not None and t.encoding != CSV_ENCODINGS[0]
        }


# UTF-8 (a BOM, as Excel writes, is dropped), else GB18030 (a superset of GBK: what
# Excel on Chinese Windows saves as "CSV").
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
ENCODING_NAMES = {"utf-8-sig": "UTF-8", "gb18030": "GB18030"}


def csv_encoding(path: Path) -> str:
    """The first of CSV_ENCODINGS the whole file decodes in (read in blocks, not held);
    InputError naming the encodings tried when none fits.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "机构.csv"
    >>> _ = p.write_bytes("机构编码,机构名称".encode("gb18030"))
    >>> csv_encoding(p)
    'gb18030'
    """
    for encoding in CSV_ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while block := handle.read(1 << 20):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    tried = "、".join(ENCODING_NAMES[e] for e in CSV_ENCODINGS)
    raise InputError(
        Problem(
            str(path),
            f"无法识别文本编码（已试 {tried}），请另存为 UTF-8 的 CSV",
            f"unknown text encoding (tried {tried.replace('、', ', ')}); save it as UTF-8 CSV",
            table=path.stem,
        )
    )


def _csv_rows(path: Path, encoding: str) -> Iterator[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        for row in csv.reader(handle):
            yield [cell.strip() for cell in row]


Source = tuple[str, str, Iterator[list[str]], str | None]


def _csv_source(path: Path) -> Source:
    encoding = csv_encoding(path)
    return (path.stem, str(path), _csv_rows(path, encoding), encoding)


def _sources(path: Path) -> list[Source]:
    """(sheet name, file, rows, encoding) for every sheet or CSV file of the workbook."""
    if path.is_dir():
        return [_csv_source(p) for p in sorted(path.glob("*.csv"))]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        check_xlsx(path)  # before the reader unpacks anything (loaders/archives.py)
        return [
            (name, str(path), xlsx_reader.iter_sheet(path, name), None)
            for name in xlsx_reader.sheet_names(path)
        ]
    if path.suffix.lower() == ".csv":
        return [_csv_source(path)]
    raise InputError(
        Problem(
            str(path),
            "不是工作簿（.xlsx 文件或 CSV 文件夹）",
            "not a workbook (.xlsx file or CSV folder)",
        )
    )


def read_workbook(path: str | Path) -> Workbook:
    """Read the contract tables of a workbook; raise InputError for what cannot be read.

    Sheets whose names are not contract tables are ignored; extra columns too. Only the
    shape is checked here (tables, headers); cells are checked by ``check_workbook``.
    """
    problems: list[Problem] = []
    tables = {data.table.name: data for data in iter_tables(path, problems)}
    if problems:
        raise InputError(problems)
    return Workbook(str(path), tables)


def iter_tables(
    path: str | Path, problems: list[Problem], *, block: int | None = None
) -> Iterator[TableRows]:
    """The contract tables of a workbook one by one, in the contract's order (so that a
    table can be used before the next is read); what cannot be read is added to
    ``problems``, a missing agencies table included, and what can is still read. With
    ``block``, a table is also yielded every ``block`` rows while it is being read (the
    same TableRows, with the rows read so far)."""
    path = Path(path)
    file = str(path)
    if not path.exists():
        problems.append(Problem(file, "文件不存在", "file does not exist"))
        return
    try:
        sources = _sources(path)
    except InputError as error:
        problems.extend(error.problems)
        return
    except Exception as error:  # calamine raises its own types for damaged files
        problems.append(Problem(file, f"无法读取工作簿：{error}", f"cannot read workbook: {error}"))
        return
    position = {table.name: i for i, table in enumerate(TABLES)}
    found: dict[str, list[Source]] = {}
    for source in sources:
        table = table_for(source[0])
        if table is not None:
            found.setdefault(table.name, []).append(source)
    for name in sorted(found, key=position.__getitem__):
        (sheet, sheet_file, rows, encoding), *again = found[name]
        for other, other_file, _, _ in again:
            problems.append(
                Problem(
                    other_file,
                    f"表重复（另见「{sheet}」）",
                    f"table given twice (also '{sheet}')",
                    table=other,
                )
            )
        try:
            yield from _read_table(
                sheet_file, TABLES_BY_NAME[name], sheet, rows, problems, block, encoding
            )
        except (UnicodeDecodeError, csv.Error) as error:
            problems.append(
                Problem(sheet_file, f"无法读取：{error}", f"cannot read: {error}", table=sheet)
            )
    if "agencies" not in found:
        problems.append(
            Problem(
                file,
                "缺少必需的表「机构」(agencies)",
                "required table 'agencies' (机构) is missing",
            )
        )


UNIQUE = (Kind.ID, Kind.AGENCY_ID, Kind.USCC)


def _read_table(
    file: str,
    table: Table,
    sheet: str,
    rows: Iterator[list[str]],
    problems: list[Problem],
    block: int | None,
    encoding: str | None = None,
) -> Iterator[TableRows]:
    result = TableRows(table, sheet, file, encoding=encoding)
    header = next(rows, None)
    if header is None:  # an empty sheet is an empty table
        yield result
        return
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        name = column_for(table, cell) if cell else None
        if name is None:
            continue
        if name in positions:
            problems.append(
                Problem(file, "列重复", "column given twice", table=sheet, row=1, column=cell)
            )
        positions[name] = position
    for column in table.columns:
        if column.required and column.name not in positions:
            problems.append(
                Problem(
                    file,
                    f"缺少必需的列「{column.zh}」({column.name})",
                    f"required column '{column.name}' ({column.zh}) is missing",
                    table=sheet,
                    row=1,
                    column=column.zh,
                )
            )
    order = [positions.get(c.name) for c in table.columns]
    # One string object per distinct value of a column, but for ids: references, codes
    # and enumerations repeat, and so do power items' names and bases (四级四同): a
    # province's rows take less than half the memory (docs/benchmarks.md#load).
    shared: list[dict[str, str] | None] = [None if c.kind in UNIQUE else {} for c in table.columns]
    columns = list(zip(order, shared, strict=True))
    # a row as wide as the header's columns (the common case) needs no test per cell
    wide = 1 + max((i for i in order if i is not None), default=-1)
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue  # blank lines are common at the end of spreadsheets
        if len(row) >= wide:
            cells = [
                "" if i is None else row[i] if values is None else values.setdefault(row[i], row[i])
                for i, values in columns
            ]
        else:
            cells = [_cell(row, i, values) for i, values in columns]
        result.rows.append((number, tuple(cells)))
        if block and len(result.rows) % block == 0:
            yield result
    yield result


def _cell(row: list[str], i: int | None, values: dict[str, str] | None) -> str:
    cell = row[i] if i is not None and i < len(row) else ""
    return cell if values is None else values.setdefault(cell, cell)


def empty_workbook(file: str = "") -> Workbook:
    """A workbook with every table present and empty."""
    return Workbook(file, {t.name: TableRows(t, t.zh, file) for t in TABLES})
