"""One shape for every error a user sees: where it is (file, table, row, column) and what.

Errors are raised deep down with their location and translated to output only at the
edges (the CLI prints them and exits 2; the API answers them as JSON).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as a spreadsheet user would look for it.

    >>> str(Problem("city.xlsx", "zh msg", "en msg", table="机构", row=3, column="机构编码"))
    'city.xlsx › 机构 › 第3行 row 3 › 机构编码: zh msg / en msg'
    """

    file: str
    zh: str
    en: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    line: int | None = None  # for text formats (RDF files): line and column of the text
    char: int | None = None
    limit: str | None = None  # the setting whose size limit the input is over (HTTP 413)

    def location(self) -> str:
        parts = [self.file]
        if self.table:
            parts.append(self.table)
        if self.row is not None:
            parts.append(f"第{self.row}行 row {self.row}")
        if self.column:
            parts.append(self.column)
        if self.line is not None:
            parts.append(f"第{self.line}行第{self.char or 0}列 line {self.line} column {self.char}")
        return " › ".join(parts)

    def __str__(self) -> str:
        return f"{self.location()}: {self.zh} / {self.en}"

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class GovkgError(Exception):
    """An error the user can act on; carries one or more located problems."""

    exit_status = 2

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple:
        # pickled whole (a child process's InputError reaches its parent with its problems)
        return (type(self), (self.problems,))


class InputError(GovkgError):
    """Bad input: the source is refused as a whole and nothing is written."""


class StoreError(GovkgError):
    """The store cannot be opened or written (locked, missing, damaged)."""
