"""A large workbook read, mapped and checked in one pass.

`govkg validate` of a province maps each table as soon as it is read, so that the store
loads the first tables while the later ones are still being read (in a child process:
govkg/pipes.py). The contract needs every table to check references, so it is checked
once all are read: a workbook that breaks it raises the same InputError that
``read_workbook`` and ``check_workbook`` raise, after triples that the caller throws
away with its store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from govkg.loaders.checks import check_workbook
from govkg.loaders.mapping import TableMapping
from govkg.loaders.workbook import Workbook, iter_tables

from govkg.errors import InputError, Problem

BLOCK = 20_000


def checked_triples(
    path: str | Path,
    base_iri: str,
    *,
    predicates: frozenset[str] | None = None,
    classes: frozenset[str] | None = None,
    mapped: bool = True,
) -> Iterator[str]:
    """The N-Triples chunks of the workbook at ``path`` (only those with one of
    ``predicates``, and rdf:type only with one of ``classes``, when given; none unless
    ``mapped``); InputError at the end when it breaks the contract.

    >>> from govkg.synthetic import generate_workbook
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "wb"
    >>> _ = generate_workbook(folder, agencies=3)
    >>> text = "".join(checked_triples(folder, "https://id.example/"))
    >>> "<https://id.example/agency/" in text
    True
    """
    problems: list[Problem] = []
    mapping = TableMapping(base_iri, predicates=predicates, classes=classes) if mapped else None
    tables = {}
    mapped_rows: dict[str, int] = {}
    failure: Exception | None = None
    # a block at a time: the store loads a table's first rows while the rest is read
    for data in iter_tables(path, problems, block=BLOCK):
        name = data.table.name
        tables[name] = data
        if mapping is None or problems or failure is not None:
            continue  # still read: every problem of the workbook is reported at once
        start, mapped_rows[name] = mapped_rows.get(name, 0), len(data.rows)
        try:
            yield from mapping.table(data, start)
        except Exception as error:  # rows not checked yet: the check below says why
            failure = error
    if problems:
        raise InputError(problems)
    check_workbook(Workbook(str(path), tables))
    if failure is not None:
        raise failure  # a checked workbook the mapping cannot map: a bug
    if mapping is not None:
        yield from mapping.ending()
