"""Checking a draft against a store (``govkg validate --store S --draft D``, the /ui/draft
page, the 三定 import): the store's data is the baseline, and its findings are the ones
the store keeps (shapes/findings_store.py), so the baseline is never validated again.

The draft's rows are checked against the contract, their references against the ids the
merged graph keeps. The fast path (govkg/validating/draft_graph.py) then validates only the merged
sub-graph the draft's scope reaches, compares the findings in scope, and keeps the stored
findings out of scope, unchanged in their place. R16, judged from duty texts with their
terms weighed over one government's duties, is judged again in the scope's governments
(the sub-graph holds all their duties) and keeps its stored findings elsewhere, as the
full comparison would find them. A draft that
changes the catalogue beyond new leaves, a store holding RDF files, or ``full=True``
take the full comparison: the store's graph with the draft merged in, validated whole.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from govkg.errors import InputError, Problem
from govkg.loaders.contract import TABLES, TABLES_BY_NAME, Kind, split_list
from govkg.loaders.rdf_files import rdf_format_of
from govkg.loaders.workbook import TableRows, Workbook, read_workbook
from govkg.ontology.namespaces import GK, PROV
from govkg.shapes.decisions import holding_dismissals, read_decisions
from govkg.shapes.findings import Finding, RuleBook, compare, sort_key
from govkg.shapes.findings_scope import finding_scopes
from govkg.shapes.findings_store import compute_findings, stored_scoped_findings, validation_copy
from govkg.shapes.footprint import visible_predicates
from govkg.shapes.store_validation import check_options, rule_book, validate_store
from govkg.shapes.text_rules import (
    DIVISIONS_QUERY,
    RULE,
    TEXT_RULES,
    duty_rows,
    findings_of_rows,
)
from govkg.store import oxigraph as oxi
from govkg.store.sidecar import Sidecar
from govkg.text import SAME_RESPONSIBILITY
from govkg.validating.draft import check_merged, merge
from govkg.validating.draft_graph import DraftGraph
from govkg.validating.draft_planner import DraftPlan
from govkg.validating.draft_result import DraftFindings
from govkg.validating.draft_scope import RULES, Scope
from govkg.validating.draft_sidecar import (
    SidecarRows,
    build_sidecar,
    finding_of,
    generations,
    open_draft_sidecar,
)
from govkg.validating.sources import Outcome


@dataclass
class StoreBaseline:
    """What drafts are compared with: the store's findings and, for R16, the governments
    of each of its findings; what follows from them is found when first needed. A server
    keeps one per generation of its store. With a ``sidecar`` (draft_sidecar.py) the
    findings stay in it, read by position when in a draft's scope, and the planner reads
    the baseline's rows from it."""

    findings: list[Finding]  # in report order; read from the sidecar when first needed
    governments: dict[tuple[str, str, tuple[str, ...]], list[str]]
    unchanged: list[Finding] | None = None  # the findings marked unchanged, in order
    texts_of: dict[str, list[int]] | None = None  # government -> its R16 findings' positions
    sidecar: Sidecar | None = None
    others: list[tuple[int, Finding]] | None = None  # (position, key) of the non-R16 ones

    def all_findings(self) -> list[Finding]:
        if self.sidecar is not None and not self.findings:
            rows = self.sidecar.rows("SELECT report FROM findings ORDER BY position")
            self.findings = [finding_of(report) for (report,) in rows]
        return self.findings

    def marked_unchanged(self) -> list[Finding]:
        if self.unchanged is None:
            self.unchanged = [replace(f, status="unchanged") for f in self.all_findings()]
        return self.unchanged

    def at(self, positions: set[int]) -> dict[int, Finding]:
        """The findings at ``positions``."""
        if self.sidecar is None or self.findings:
            return {at: self.findings[at] for at in positions}
        sql = "SELECT position, report FROM findings WHERE position IN ({})"
        return {at: finding_of(text) for at, text in self.sidecar.rows_in(sql, positions)}

    def in_scope(self, scope: Scope) -> set[int]:
        """The positions of the findings in ``scope``: R16's by government (a province
        has hundreds of thousands), the others by ``Scope.holds``."""
        if self.sidecar is not None:
            sql = "SELECT position FROM text_governments WHERE government IN ({})"
            found = {at for (at,) in self.sidecar.rows_in(sql, scope.governments)}
            if self.others is None:
                rows = self.sidecar.rows(
                    "SELECT position, rule, severity, focus, related FROM findings WHERE rule"
                    f" NOT IN ({','.join('?' * len(TEXT_RULES))})",
                    sorted(TEXT_RULES),
                )
                self.others = [(at, Finding(rule, severity, focus, tuple(json.loads(related)), {}))
                               for at, rule, severity, focus, related in rows]  # fmt: skip
            found.update(at for at, f in self.others if scope.holds(f))
            return found
        if self.texts_of is None:
            self.texts_of = {}
            for at, f in enumerate(self.findings):
                for gov in self.governments.get(f.key, ()) if f.rule in TEXT_RULES else ():
                    self.texts_of.setdefault(gov, []).append(at)
        found = {at for gov in scope.governments for at in self.texts_of.get(gov, ())}
        found.update(
            at for at, f in enumerate(self.findings) if f.rule not in TEXT_RULES and scope.holds(f)
        )
        return found


def store_baseline(data: Any, base_iri: str, book: RuleBook) -> StoreBaseline:
    """The findings the store keeps when current, else validated now."""
    scoped = stored_scoped_findings(data, base_iri)
    if scoped is None:
        found, copy = compute_findings(data, book, base_iri)
        scoped = list(zip(found, finding_scopes(copy, found), strict=True))
    governments = {f.key: govs for f, (_agencies, govs) in scoped if f.rule in TEXT_RULES}
    # in the order of a comparison's (the fast path keeps it for the unchanged ones)
    return StoreBaseline(sorted((f for f, _scope in scoped), key=sort_key), governments)


def sidecar_baseline(
    data: Any, store: Path, generation: str | None, base_iri: str, book: RuleBook
) -> StoreBaseline:
    """The baseline of a generation from its sidecar (written first when missing or
    stale); the store's findings when no sidecar can be had."""
    sidecar = generation_sidecar(data, store, generation, base_iri, book)
    if sidecar is not None:
        return StoreBaseline([], {}, sidecar=sidecar)
    return store_baseline(data, base_iri, book)


def generation_sidecar(
    data: Any, store: Path, generation: str | None, base_iri: str, book: RuleBook
) -> Sidecar | None:
    """The sidecar of ``generation``, written now when missing or stale; None for an
    empty store, or one the reader may not write to."""
    if generation is None:
        return None
    sidecar = open_draft_sidecar(store, generation, base_iri)
    if sidecar is None and oxi.named_graphs(data):
        try:
            build_sidecar(data, store, generation, base_iri, book, keep=generations(store))
        except OSError:
            return None
        sidecar = open_draft_sidecar(store, generation, base_iri)
    return sidecar


def check_draft_on_store(
    data: Any,
    draft: Workbook,
    base_iri: str,
    *,
    baseline: StoreBaseline | None = None,
    full: bool = False,
) -> DraftFindings:
    """The store's graph with the draft merged in, compared with the store's findings
    (``baseline``, else read from the store)."""
    book = rule_book()
    sidecar = baseline.sidecar if baseline is not None else None
    rows = sidecar and SidecarRows(sidecar)
    graph = DraftGraph(data, draft, base_iri, rows=rows, visible=visible_predicates(book.sg))
    check_draft(graph, draft)
    graph.map_draft()
    baseline = baseline or store_baseline(data, base_iri, book)
    plan = None
    if not full and set(book.rules) - TEXT_RULES == RULES and workbooks_only(data):
        plan = graph.plan()
    if plan is None:
        return DraftFindings(compare(baseline.all_findings(), _whole(data, graph, book)))
    return _scoped(data, plan, baseline, book)


def validate_draft_on_store(
    data: Any,
    draft: Workbook,
    base_iri: str,
    *,
    rules: Sequence[str] | None = None,
    baseline: StoreBaseline | None = None,
    full: bool = False,
) -> list[Finding]:
    """Findings of the store's graph with the draft merged in, marked new or unchanged
    against the store's, plus the resolved ones (only those of ``rules`` when given)."""
    found = check_draft_on_store(data, draft, base_iri, baseline=baseline, full=full).findings()
    return [f for f in found if f.rule in set(rules)] if rules else found


def draft_report_in_store(store: Path, draft: Path, *, base_iri: str) -> DraftFindings:
    """``govkg validate --store S --draft D`` with every rule: the draft checked against
    the live generation, its baseline from the generation's sidecar (written first when
    missing or stale)."""
    book = rule_book()
    workbook = read_workbook(draft)  # before the store: a bad draft is refused first
    generation, data = _live(store)
    baseline = sidecar_baseline(data, store, generation, base_iri, book)
    return check_draft_on_store(data, workbook, base_iri, baseline=baseline)


def _live(store: Path) -> tuple[str | None, Any]:
    """The live generation's name and data, refused when the store holds none."""
    from govkg.store import GraphStore

    generation, data = GraphStore(store).open_generation()
    if not oxi.named_graphs(data):
        raise InputError(
            Problem(
                str(store),
                "存储为空：请先加载基准工作簿（govkg load），或给出基准工作簿",
                "the store is empty: load the baseline first (govkg load), or name the "
                "baseline workbook",
            )
        )
    return generation, data


def validate_draft_in_store(
    store: Path, draft: Path, *, base_iri: str, rules: Sequence[str] | None = None
) -> Outcome:
    """``govkg validate --store S --draft D``: the draft file checked against the live data
    of the store at ``store`` (only the findings of ``rules`` when given)."""
    book = rule_book()
    check_options(book, rules, "default")
    found = draft_report_in_store(store, draft, base_iri=base_iri).findings()
    return Outcome([f for f in found if f.rule in set(rules)] if rules else found, book, draft=True)


def workbooks_only(data: Any) -> bool:
    """Whether every source of the store is a workbook (the fast path's argument reads
    each entity as one row)."""
    query = f"""SELECT ?source WHERE {{ GRAPH ?g {{
        ?g a <{GK}SourceGraph> ; <{PROV}wasDerivedFrom> ?source }} }}"""
    sources = [row["source"].value for row in oxi.select(data, query)]
    return bool(sources) and all(rdf_format_of(Path(s)) is None for s in sources)


def _scoped(data: Any, plan: DraftPlan, baseline: StoreBaseline, book: RuleBook) -> DraftFindings:
    """The comparison of the fast path. A finding out of scope is in the baseline and in
    the merged graph alike, so only those in scope are compared; the rest keep their
    order, marked unchanged (a province's hundreds of thousands are not sorted again)."""
    shaped = [r for r in book.rules if r not in TEXT_RULES]
    after = [f for f in validate_store(plan.sub, book, rules=shaped) if plan.scope.holds(f)]
    after += _texts(data, plan, baseline, book)
    inside = baseline.at(baseline.in_scope(plan.scope))
    compared = compare([inside[at] for at in sorted(inside)], after)
    # an unchanged finding in scope takes its baseline place (same key, same order), with
    # the merged graph's message
    kept = {f.key: f for f in compared if f.status == "unchanged"}
    changed = [f for f in compared if f.status != "unchanged"]
    return DraftFindings(changed, baseline, inside, kept)


def _texts(data: Any, plan: DraftPlan, baseline: StoreBaseline, book: RuleBook) -> list[Finding]:
    """R16 judged again in the scope's governments (its stored findings elsewhere stay)."""
    if RULE not in book.rules:
        return []
    governments = plan.scope.governments
    rows = [r for r in duty_rows(plan.sub) if r.government.rsplit("/", 1)[-1] in governments]
    divided: set[tuple[str, ...]] = {
        (r["function"].value, r["a1"].value, r["a2"].value)
        for r in oxi.select(plan.sub, DIVISIONS_QUERY)
    }
    dismissed = holding_dismissals(read_decisions(data))
    return findings_of_rows(rows, divided, dismissed, book, SAME_RESPONSIBILITY)


def _whole(data: Any, graph: DraftGraph, book: RuleBook) -> list[Finding]:
    """The full comparison's merged findings: the store's graph (what the rules see)
    without the rows the merge removes, with the draft's."""
    copy = validation_copy(data, book, graph.base_iri, limit=sys.maxsize)
    assert copy is not None  # no limit: always a copy
    subjects = graph.removed | {f"{i}/cdo" for i in graph.removed}
    for start in range(0, len(subjects), 2000):
        values = " ".join(f"<{s}>" for s in sorted(subjects)[start : start + 2000])
        oxi.update(
            copy,
            f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?s {{ {values} }} "
            "GRAPH ?g { ?s ?p ?o } }",
        )
    oxi.add_quads(copy, oxi.quads_of(graph.draft_store))
    return validate_store(copy, book)


def check_draft(graph: DraftGraph, draft: Workbook) -> None:
    """InputError when the draft's rows break the contract in the merged graph: their
    cells, their references to ids the merged graph lacks, and their ids that the
    baseline keeps in the shared space of agencies and units (each problem located in
    the draft's file)."""
    wanted: dict[str, set[str]] = {}
    for table in TABLES:
        for position, column in enumerate(table.columns):
            if column.kind not in (Kind.REF, Kind.REF_LIST):
                continue
            for _, row in draft.rows(table.name):
                for item in split_list(row[position]) if row[position] else ():
                    for target in column.refers_to:
                        wanted.setdefault(target, set()).add(item)
    for mine, other in (("agencies", "units"), ("units", "agencies")):
        wanted.setdefault(other, set()).update(row[0] for _, row in draft.rows(mine) if row[0])
    entity = graph.iris.entity
    named = {entity(t, i)[1:-1]: (t, i) for t, ids in wanted.items() for i in ids}
    kept = graph.base.rows(named).keys() - graph.removed
    skeleton: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for iri in sorted(kept):
        table_name, ident = named[iri]
        blank = ("",) * (len(TABLES_BY_NAME[table_name].columns) - 1)
        skeleton.setdefault(table_name, []).append((0, (ident, *blank)))
    where = "store"
    baseline = Workbook(
        where,
        {
            t: TableRows(TABLES_BY_NAME[t], TABLES_BY_NAME[t].zh, where, rows)
            for t, rows in skeleton.items()
        },
    )
    merged, from_draft = merge(baseline, draft)
    check_merged(merged, from_draft, baseline, draft, baseline_checked=True)
