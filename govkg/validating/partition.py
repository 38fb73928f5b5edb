"""Validation by government: a workbook cut into parts, each validated in its own process.

Most rules compare things within one government (``docs/workbook.md``); a few compare
across governments. The workbook is cut, as it is read (govkg/validating/government_stream.py),
into *government parts* (a few governments each, up to ``PART_ROWS`` rows, so small
counties share a process), one *cross part* and *base-code parts*; every part is mapped
and validated in a worker process, and only the findings a part *owns* are kept (the
worker writes them to a file of its own: govkg/validating/finding_runs.py). The
union is the whole workbook's findings (tests/test_partition.py).

Cross-government rules:

    R7   a base code is shared by all governments (四级四同): on base-code parts, the
         power items of the base codes seen with more than one name, type or basis, a
         range of base codes per part (found from their rows, not a store:
         govkg/validating/base_codes.py)
    R11  a link may lead to another government, a cycle may pass several: the cross
         part, every agency row
    R1, R13  for the datasets whose sources are not all in one government (none, or
         several governments'): the cross part, with the data duties on them and their
         holders' units

A government part holds, for its governments G: their agency rows and the rows of the
agencies their parent / hosted_in links lead to (R10 and R11 read the link target's
government), their units, the duties, data duties and power items they or their units
hold, the division rows naming one of them, the datasets with a source among them, the
transfers stated by them or naming one of them as counterpart (R17 reads the
counterpart's duties), and of the function catalogue what those rows are on, the
mandatory functions and every function above them. It runs every other rule and keeps

    R2   a pair of agencies of G          R3   a (function, government of G)
    R10  a government of G                R5   a unit of G;  R14: a duty of G;  R15: an item of G
    R1, R13  a dataset whose sources are all agencies of G
    R16  a pair of duties of G (its terms weighed over the duties of its government)
    R17  a transfer whose counterpart is of G
    R4, R6, R8, R9, R12  an agency of G

so that a finding is decided where all it depends on is present, and nowhere else. Rule
sets other than R1-R17 are not cut (``PARTITIONED_RULES``): the caller validates whole.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govkg.errors import InputError, Problem
from govkg.lifetime import die_with_parent
from govkg.loaders.checks import check_workbook
from govkg.loaders.contract import TABLES, parse_bool
from govkg.loaders.mapping import IriMaker
from govkg.loaders.workbook import TableRows, Workbook
from govkg.shapes.findings import Finding, RuleBook
from govkg.shapes.store_validation import validate_store
from govkg.validating.base_codes import base_code_findings
from govkg.validating.finding_runs import FindingRuns, write_run
from govkg.validating.report import Tally
from govkg.validating.sources import footprint, memory_store

if TYPE_CHECKING:
    from govkg.validating.government_stream import StreamPlan

PARTITIONED_RULES = frozenset(f"R{n}" for n in range(1, 18))
GOVERNMENT_RULES = tuple(sorted(PARTITIONED_RULES - {"R7", "R11"}, key=lambda r: int(r[1:])))
# governments are packed into parts of up to this many rows (a larger one is a part alone)
PART_ROWS = 60_000
GOVERNMENT = "government"
CROSS = "cross"
R7_PARTS = "base codes"
# each part sent to a worker is logged (DEBUG) with the rules it is asked to run
log = logging.getLogger(__name__)


@dataclass
class Part:
    """What a worker validates: a kind of part, its governments (or the files of its
    base codes), the rules to run on it; the ids of the findings it owns once read."""

    name: str  # the governments' codes, "cross", or the base-code range
    rules: tuple[str, ...]
    governments: frozenset[str] = frozenset()
    kind: str = GOVERNMENT
    keys: tuple[str, ...] = ()  # a base-code part's files
    owned: dict[str, set[str]] = field(default_factory=dict)

    def own(self, workbook: Workbook, plan: StreamPlan) -> None:
        """The ids of the findings this part decides, from its rows."""

        def ids(table: str) -> set[str]:
            return {row[0] for _, row in workbook.rows(table)}

        datasets = ids("datasets")
        if self.kind != CROSS:
            datasets -= plan.cross_datasets
        transfers = workbook.tables["transfers"]
        agency, counterpart = transfers.index("agency"), transfers.index("counterpart_id")
        self.owned = {
            "agencies": {a for a in ids("agencies") if plan.gov.get(a) in self.governments},
            "units": ids("units"), "duties": ids("duties"), "items": ids("power_items"),
            "datasets": datasets,
            "transfers": {
                row[0] for _, row in transfers.rows
                if plan.gov.get(row[counterpart] or row[agency]) in self.governments
            },
        }  # fmt: skip

    def keeps(self, f: Finding) -> bool:
        """Whether this part decides the finding ``f`` (see the module's docstring)."""
        owned = self.owned
        rule = f.rule
        if rule in ("R1", "R13"):
            return f.focus in owned["datasets"]
        if self.kind == CROSS:
            return rule == "R11"
        if self.kind == R7_PARTS:
            return rule == "R7"
        if rule in ("R2", "R3"):
            ids = owned["agencies"] if rule == "R2" else self.governments
            return bool(f.related) and f.related[0] in ids
        if rule == "R10":
            return f.focus in self.governments
        kind = {"R5": "units", "R14": "duties", "R15": "items", "R16": "duties",
                "R17": "transfers"}.get(rule, "agencies")  # fmt: skip
        return f.focus in owned[kind]


class Catalogue:
    """The function tree: each function's row and parent, the mandatory ones."""

    def __init__(self, data: TableRows) -> None:
        self.position: dict[str, int] = {}
        self.broader: dict[str, str] = {}
        self.mandatory: set[str] = set()
        up, flag = data.index("broader"), data.index("mandatory")
        for i, (_, row) in enumerate(data.rows):
            self.position[row[0]] = i
            self.broader[row[0]] = row[up]
            if parse_bool(row[flag]):
                self.mandatory.add(row[0])

    def rows_of(self, functions: set[str]) -> list[int]:
        """The positions of ``functions`` and of every function above them."""
        seen: set[str] = set()
        for f in functions:
            while f and f not in seen:
                seen.add(f)
                f = self.broader.get(f, "")
        return sorted(self.position[f] for f in seen if f in self.position)


def groups(rows_per_gov: dict[str, int], part_rows: int) -> list[list[str]]:
    """Governments packed into groups of up to ``part_rows`` rows, in code order."""
    found: list[list[str]] = []
    size = part_rows
    for gov in sorted(rows_per_gov):
        if size + rows_per_gov[gov] > part_rows:
            found.append([])
            size = 0
        found[-1].append(gov)
        size += rows_per_gov[gov]
    return found


# --- running the parts ----------------------------------------------------------------
# The plan, rule book and options are set before the workers are forked: they inherit them.
_WORKER: dict[str, Any] = {}


def _validate_part(
    part: Part, rules: list[str], only_check: bool, run: Path
) -> tuple[Path | None, Tally, list[Problem]]:
    """The findings a part keeps, written to the file ``run`` (sorted; their tally
    returned), or the contract's problems of its rows (only those once another part had
    problems)."""
    plan: StreamPlan = _WORKER["plan"]
    book, base_iri, engine = _WORKER["book"], _WORKER["base_iri"], _WORKER["engine"]
    if part.kind == R7_PARTS:  # its items' rows are checked in their government parts
        if only_check:
            return None, Tally(), []
        kept = base_code_findings(plan.base_code_items(part), book.rules["R7"])
        return (run, write_run(run, kept), []) if kept else (None, Tally(), [])
    workbook = plan.workbook(part)
    try:
        check_workbook(workbook, references=plan.references())
    except InputError as error:
        return None, Tally(), error.problems
    if not workbook.row_count() or only_check:
        return None, Tally(), []
    part.own(workbook, plan)
    store = part_store(workbook, base_iri, book=book, rules=frozenset(rules))
    del workbook
    found = validate_store(
        store, book, engine=engine, rules=rules, id_of=IriMaker(base_iri).workbook_id
    )
    kept = [f for f in found if part.keeps(f)]
    return (run, write_run(run, kept), []) if kept else (None, Tally(), [])


def part_store(workbook: Workbook, base_iri: str, *, book: RuleBook, rules: frozenset[str]) -> Any:
    """A store of a part's rows, of what ``rules`` can see (their footprint): mapped
    here, then loaded at once. Not in a forked child beside the loading, as a large
    workbook is (govkg/pipes.py): with a worker per core the overlap gains nothing, and
    the child's copy-on-write faults on the worker's pages cost a part ~0.6 s of its
    ~3.3 s of CPU (docs/benchmarks.md, fifth pass)."""
    return memory_store([workbook], [], base_iri, book=book, rules=rules, at_once=True)


def validate_parts(
    plan: StreamPlan,
    parts: Sequence[Part],
    folder: Path,
    *,
    book: RuleBook,
    base_iri: str,
    engine: str = "default",
    rules: Sequence[str] | None = None,
    workers: int | None = None,
    progress: Callable[[Part, list[Part]], None] | None = None,
) -> FindingRuns:
    """The findings of the parts, each read back and validated in a worker process
    (``workers``: the cores), kept where the part owns them and written by the worker
    to a file of ``folder``: they are read back merged, sorted as a whole validation
    sorts (govkg/validating/finding_runs.py). InputError with every problem of the
    contract the parts' rows have (the parts after the first problem are only checked).
    ``progress`` is told of each part done and of the parts still running."""
    wanted = set(rules or book.rules)
    todo = [p for p in parts if wanted & set(p.rules)]
    problems: dict[Problem, None] = dict.fromkeys(plan.problems)
    _WORKER.update(plan=plan, book=book, base_iri=base_iri, engine=engine)
    for part in todo:  # computed once, before the fork: every worker inherits them
        if part.kind != R7_PARTS:  # R7 is found from the rows (validating/base_codes.py)
            footprint(book, frozenset(r for r in part.rules if r in wanted))
    runs = iter(folder / f"{n}.pickle" for n in range(len(todo)))

    def submit(part: Part) -> Future:
        asked = [r for r in part.rules if r in wanted]
        log.debug("part %s: rules %s", part.name, " ".join(asked))
        return pool.submit(_validate_part, part, asked, bool(problems), next(runs))

    workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    found = FindingRuns()
    # fork: the workers inherit the plan; frozen, its objects are not copied when the
    # collector would walk them
    gc.freeze()
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
    )
    try:
        pending: list[tuple[Part, Future]] = []
        queue = iter(todo)
        for part in queue:
            pending.append((part, submit(part)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            part, future = pending.pop(0)
            run, tally, wrong = future.result()
            problems.update(dict.fromkeys(wrong))
            found.add(run, tally)
            following = next(queue, None)
            if following is not None:
                pending.append((following, submit(following)))
            if progress is not None:
                progress(part, [p for p, _ in pending])
    except BaseException:
        _stop(pool)  # interrupted: the workers stop now, not after their parts
        raise
    finally:
        pool.shutdown(cancel_futures=True)
        gc.unfreeze()
    if problems:
        raise InputError(sorted(problems, key=_problem_order))
    return found


def _stop(pool: ProcessPoolExecutor) -> None:
    # no public way before Python 3.14 (terminate_workers)
    for worker in list(getattr(pool, "_processes", {}).values()):
        worker.terminate()


def _problem_order(problem: Problem) -> tuple[int, int]:
    position = {t.zh: i for i, t in enumerate(TABLES)} | {t.name: i for i, t in enumerate(TABLES)}
    return position.get(problem.table or "", 0), problem.row or 0
