"""`govkg validate`: sources (workbooks, RDF files) or a store, checked against the rules.

Sources are read, checked against the contract and mapped into an in-memory store (nothing
is written anywhere); the rules then judge the store (:mod:`govkg.shapes.store_validation`:
the SHACL engine asked for, the results as findings).
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govkg.errors import InputError, Problem
from govkg.lifetime import keep_until_exit
from govkg.loaders.checks import check_workbook
from govkg.loaders.mapping import IriMaker, workbook_triples
from govkg.loaders.rdf_files import rdf_format_of, read_rdf_file
from govkg.loaders.sources import graph_iri
from govkg.loaders.streamed import checked_triples
from govkg.loaders.workbook import TableRows, Workbook, read_workbook
from govkg.ontology.namespaces import GK
from govkg.pipes import readable_path
from govkg.progress import Progress
from govkg.shapes.engine.shapes_model import ShapesGraph
from govkg.shapes.findings import Finding, RuleBook
from govkg.shapes.footprint import visible_classes, visible_predicates
from govkg.shapes.store_validation import check_options, rule_book, validate_store
from govkg.store import oxigraph as oxi
from govkg.validating.finding_runs import FindingRuns

# from this size on, the shapes' footprint and a mapping process cost less than they save
LARGE_FROM_ROWS = 50_000
# a workbook file or CSV folder this big (~50,000 rows) is read in a mapping process too
LARGE_FROM_BYTES = 8_000_000
# from this size on (a CSV province is 250 MB and takes 3.7 GB as one store), a workbook
# is validated by government, streamed: a store of all of it would pass 8 GB
STREAMED_FROM_BYTES = 300_000_000


@dataclass
class Outcome:
    """The findings of one validation, with the rules they were checked against (on
    disk when validated by government: close them once read)."""

    findings: list[Finding] | FindingRuns
    book: RuleBook
    draft: bool = False


def is_rdf_file(path: Path) -> bool:
    return not path.is_dir() and rdf_format_of(path) is not None


def size_on_disk(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.glob("*.csv"))
    return path.stat().st_size if path.exists() else 0


def read_sources(paths: Sequence[Path]) -> tuple[list[Workbook], list[Path]]:
    """The workbooks (read and checked) and RDF files among ``paths``; every problem of
    every source is raised at once."""
    problems: list[Problem] = []
    workbooks: list[Workbook] = []
    rdf: list[Path] = []
    for path in paths:
        try:
            if is_rdf_file(path):
                read_rdf_file(path)
                rdf.append(path)
            else:
                workbook = read_workbook(path)
                check_workbook(workbook)
                workbooks.append(workbook)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return workbooks, rdf


def memory_store(
    workbooks: Sequence[Workbook],
    rdf: Sequence[Path],
    base_iri: str,
    *,
    book: RuleBook | None = None,
    rules: frozenset[str] | None = None,
    at_once: bool = False,
) -> Any:
    """An in-memory store holding each source in its own named graph; given the rule
    book, large workbooks leave out the triples no rule can see (shapes/footprint.py),
    their ids included: the findings read them from the IRIs (``validate_workbooks``);
    given ``rules`` too, any workbook keeps only what those rules can see (their
    footprint, once computed, costs nothing: validation by government's parts).
    ``at_once``: a workbook is mapped here, then loaded at once, never beside the loading
    (a part in its worker: partition.part_store says why)."""
    large = sum(w.row_count() for w in workbooks) >= LARGE_FROM_ROWS
    if book is not None and (large or rules is not None):
        predicates, classes = footprint(book, rules)
    else:
        predicates, classes = None, None
    store = oxi.memory_store()
    for workbook in workbooks:
        triples = workbook_triples(workbook, base_iri, predicates=predicates, classes=classes)
        graph = graph_iri(Path(workbook.file), base_iri)
        if at_once:
            text = b"".join(line.encode() for line in triples)  # a part's: ~36 MB
            oxi.bulk_load(store, text, format="nt", graph=graph, trusted=True)
        else:
            # streamed: a province's N-Triples never sit in memory as one string; mapped
            # beside the loading, in a child process when large (govkg/pipes.py)
            _load_nt(store, triples, in_child=large, graph=graph)
    for path in rdf:
        fmt, content = read_rdf_file(path)
        oxi.load(
            store,
            content,
            format=fmt,
            graph=graph_iri(path, base_iri),
            base_iri=path.resolve().as_uri(),
        )
    return store


@functools.cache
def footprint(
    book: RuleBook, rules: frozenset[str] | None = None
) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    """The predicates and the classes a large workbook keeps: what the rules (or only
    ``rules``: the shapes of those rules and what they refer to) can see, without the
    ids, which the findings read from the IRIs (a province: 1.4M fewer quads, and 1M
    fewer without the power items' rdf:type). Once per rule book and rules: its queries
    are parsed (~3 s), and validation by government maps many parts."""
    sg = book.sg if rules is None else _shapes_of(book.sg, rules)
    return visible_predicates(sg, ids_in_iris=True), visible_classes(sg)


def _shapes_of(sg: ShapesGraph, rules: frozenset[str]) -> ShapesGraph:
    """The shapes of ``rules`` (gk:ruleId) with every node they refer to."""
    todo = [s for s in sg.subjects(GK + "ruleId") if sg.objects(s, GK + "ruleId")[0].value in rules]
    seen: set[str] = set()
    while todo:
        node = todo.pop()
        if str(node) not in seen:
            seen.add(str(node))
            todo.extend(o for objects in sg.predicates(node).values() for o in objects
                        if sg.predicates(o))  # fmt: skip
    return ShapesGraph([t for t in sg.triples if str(t.subject) in seen])


def validate_workbooks(
    workbooks: Sequence[Workbook],
    rdf: Sequence[Path],
    base_iri: str,
    *,
    book: RuleBook,
    engine: str = "default",
) -> list[Finding]:
    """The findings of workbooks read and checked (and RDF files), in a memory store."""
    store = memory_store(workbooks, rdf, base_iri, book=book)
    return validate_store(store, book, engine=engine, id_of=IriMaker(base_iri).workbook_id)


def sources_store(paths: Sequence[Path], base_iri: str, *, book: RuleBook) -> Any:
    """The memory store of workbooks and RDF files, every problem of every source raised
    at once. A large workbook is read, mapped and checked in a child process while the
    store loads it (loaders/streamed.py), and only what the rules can see is kept; its
    rows never reach this process."""
    large = [p for p in paths if not is_rdf_file(p) and size_on_disk(p) >= LARGE_FROM_BYTES]
    problems: list[Problem] = []
    try:
        workbooks, rdf = read_sources([p for p in paths if p not in large])
    except InputError as error:
        problems.extend(error.problems)
        workbooks, rdf = [], []
    store = memory_store(workbooks, rdf, base_iri, book=book)
    del workbooks  # in the store now: their rows go before the rules run
    # the footprint costs SPARQL parsing (docs/benchmarks.md#validation): only for a large workbook
    predicates, classes = footprint(book) if large else (None, None)
    for path in large:
        # once a source has failed, the others are only read and checked
        triples = checked_triples(
            path, base_iri, predicates=predicates, classes=classes, mapped=not problems
        )
        try:
            _load_nt(store, triples, in_child=True, graph=graph_iri(path, base_iri))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return store


def _load_nt(store: Any, triples: Iterator[str], *, in_child: bool, graph: str) -> None:
    with readable_path(triples, in_child=in_child) as path:
        oxi.bulk_load(store, format="nt", graph=graph, path=path, trusted=True)


def validate_sources(
    paths: Sequence[Path],
    *,
    base_iri: str,
    engine: str = "default",
    rules: Sequence[str] | None = None,
    by_government: bool = False,
) -> Outcome:
    """Validate workbooks and RDF files together, without a store on disk; with
    ``by_government`` a workbook is read a block at a time and its governments are
    validated apart, in worker processes (memory bounded by a part, not the workbook:
    a nation on one machine; docs/benchmarks.md), as a workbook of STREAMED_FROM_BYTES
    or more always is."""
    book = rule_book()
    check_options(book, rules, engine)
    large = sum(size_on_disk(p) for p in paths) >= STREAMED_FROM_BYTES
    if (by_government or large) and partitionable(paths, book, engine):
        found = validate_by_government(paths[0], base_iri, book=book, engine=engine, rules=rules)
        return Outcome(found, book)
    store = sources_store(paths, base_iri, book=book)
    keep_until_exit(store)
    id_of = IriMaker(base_iri).workbook_id
    return Outcome(validate_store(store, book, engine=engine, rules=rules, id_of=id_of), book)


def partitionable(paths: Sequence[Path], book: RuleBook, engine: str) -> bool:
    """Whether the sources can be validated government by government
    (govkg/validating/partition.py): one workbook, the default engine and the rules of
    workbook.md."""
    from govkg.validating.partition import PARTITIONED_RULES

    return (
        len(paths) == 1
        and not is_rdf_file(paths[0])
        and engine == "default"
        and set(book.rules) == PARTITIONED_RULES
    )


def validate_by_government(
    source: Path | Workbook,
    base_iri: str,
    *,
    book: RuleBook,
    engine: str = "default",
    rules: Sequence[str] | None = None,
    part_rows: int | None = None,
) -> FindingRuns:
    """The findings of a workbook (its path: read a block at a time, checked part by
    part; or read and checked already), its governments validated apart in worker
    processes and the cross-government rules on their own parts (govkg/validating/partition.py,
    govkg/validating/government_stream.py). The rows wait in a scratch folder in the system's
    temporary folder, removed once the parts are validated; the findings, written there
    part by part, until the runs returned are closed (govkg/validating/scratch.py)."""
    from govkg.validating.block_reader import read_blocks, workbook_blocks
    from govkg.validating.government_stream import plan_stream
    from govkg.validating.partition import PART_ROWS, Part, validate_parts
    from govkg.validating.scratch import Scratch

    problems: list[Problem] = []
    scratch = Scratch()
    try:
        rows_folder = scratch.sub("rows")
        if isinstance(source, Workbook):
            plan = plan_stream(workbook_blocks(source), rows_folder, source.file)
        else:
            read = Progress("读取 reading: 行 rows")  # on a terminal: rows read, the table
            try:
                blocks = _shown(read_blocks(source, problems), read)
                plan = plan_stream(blocks, rows_folder, str(source))
            finally:
                read.close()
        if problems:  # what cannot be read: no table, no header
            raise InputError(problems)
        rows = sum(plan.rows_per_gov.values())
        # a few parts per core, so that the cores finish together
        balanced = rows // (4 * (os.cpu_count() or 1))
        parts = plan.parts(part_rows or max(5_000, min(PART_ROWS, balanced)))
        # on a terminal: governments done, and the parts and rules running
        shown = Progress("校验 validating: 政府 governments", total=len(plan.rows_per_gov))

        def progress(done: Part, running: list[Part]) -> None:
            now = running[: os.cpu_count() or 1]  # the first are running, the rest wait
            names = "; ".join(f"{p.name[:20]} {p.rules[0]}–{p.rules[-1]}" for p in now)
            shown.done += len(done.governments)
            shown.set_stage(f"正在校验 running: {names}" if names else "")  # drawn each part

        try:
            found = validate_parts(
                plan, parts, scratch.sub("findings"), book=book, base_iri=base_iri,
                engine=engine, rules=rules, progress=progress,
            )  # fmt: skip
        finally:
            shown.close()
        shutil.rmtree(rows_folder, ignore_errors=True)
    except BaseException:
        scratch.close()
        raise
    found.scratch = scratch  # the findings' files live until the runs are closed
    return found


def _shown(blocks: Iterator[TableRows], progress: Progress) -> Iterator[TableRows]:
    for data in blocks:
        progress.stage = data.sheet
        progress.advance(len(data.rows))
        yield data


def validate_disk_store(
    path: Path,
    *,
    base_iri: str,
    engine: str = "default",
    rules: Sequence[str] | None = None,
) -> Outcome:
    """The findings of the live data of an on-disk store: those stored with it when its
    findings graph is up to date with the rules, else validated now (on a copy in memory
    of what the rules can see; the findings graph plays no part)."""
    from govkg.shapes.findings_store import stored_findings, validation_copy
    from govkg.store import GraphStore

    book = rule_book()
    check_options(book, rules, engine)
    store = GraphStore(path).open_reader()
    found = stored_findings(store, base_iri) if engine == "default" else None
    if found is None:
        copy = validation_copy(store, book, base_iri)
        return Outcome(
            validate_store(store if copy is None else copy, book, engine=engine, rules=rules), book
        )
    if rules:
        found = [f for f in found if f.rule in set(rules)]
    return Outcome(found, book)
