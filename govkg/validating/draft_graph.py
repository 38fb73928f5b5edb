"""The draft fast path against a store: govkg/validating/draft_scope.py's argument on the graph.

A store holds the baseline as triples, one subject per workbook row (its IRI is made of
the table and the id: docs/mapping.md; an agency's chief data officer post goes with
the agency). The draft is mapped the same way. The merge (docs/workbook.md) removes the
baseline's rows the draft's agencies own and those sharing an id with a draft row; a row
*changed* when its triples (its source row number aside) differ between the baseline and
the merged graph. From the changed rows the scope follows exactly as in
:func:`govkg.validating.draft_scope.draft_scope` (TA0, TA, TG, CA and the rest), each step
asked of the store by the links that name an agency, a unit or a base code; the
sub-graph holds the merged rows the sub-workbook would hold, each row's triples from the
draft when it has the row, else from the store. Only the draft and what its scope
reaches are read, never the whole baseline (a province: ~12k of 1.4M rows for a
one-agency draft).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govkg.loaders.contract import TABLES
from govkg.loaders.mandate.holdings import records
from govkg.loaders.mapping import SEGMENTS, IriMaker, TableMapping
from govkg.loaders.workbook import Workbook
from govkg.ontology.namespaces import GK, SKOS
from govkg.store import oxigraph as oxi
from govkg.validating.draft_planner import DraftPlan, Planner
from govkg.validating.draft_rows import (
    DRAFT_GRAPH,
    HELD_BY,
    IMPLEMENTED_BY,
    INVOLVES,
    STATED_BY,
    UNIT_OF,
    Lines,
    StoreRows,
    objects,
    row_lines,
    table_of,
)


class DraftGraph:
    """A draft mapped beside a store: the rows the merge removes, replaces and adds."""

    def __init__(
        self,
        store: Any,
        draft: Workbook,
        base_iri: str,
        *,
        rows: Any = None,
        visible: frozenset[str] | None = None,
    ) -> None:
        # the baseline's rows: asked of the store, or of its sidecar (``rows``)
        self.base = rows or StoreRows(store)
        # the predicates the rules see (shapes/footprint.py): the sub-graph keeps only
        # those, as the store's findings were computed on them (findings_store.py)
        self.visible = visible
        self.iris = IriMaker(base_iri)
        self.base_iri = base_iri
        entity = self.iris.entity
        chosen = {entity("agencies", row[0])[1:-1] for _, row in draft.rows("agencies")}
        units = self.base.subjects(UNIT_OF, chosen)
        units.update(
            (entity("units", r["id"])[1:-1], [entity("agencies", r["agency"])[1:-1]])
            for r in records(draft, "units")
            if entity("agencies", r["agency"])[1:-1] in chosen
        )
        owned = set(chosen) | set(units)
        owned |= self.base.subjects(HELD_BY, owned).keys()
        for predicate in (IMPLEMENTED_BY, INVOLVES, STATED_BY):
            owned |= self.base.subjects(predicate, chosen).keys()
        self.draft_rows = {
            entity(table, row[0])[1:-1]
            for table, data in draft.tables.items()
            if table in SEGMENTS
            for _, row in data.rows
            if row[0]
        }
        self.old = self.base.rows(owned | self.draft_rows)
        self.removed = set(self.old)
        self.draft = draft
        self.draft_store = oxi.memory_store()
        self.new: dict[str, Lines] = {}

    def map_draft(self) -> None:
        """Map the draft's rows (checked against the contract first: see draft_store)."""
        draft = self.draft
        mapping = TableMapping(self.base_iri)
        # a draft's duty may be held by a unit the baseline keeps: its IRI is a unit's
        mapping.unit_ids.update(
            self.iris.workbook_id(u) or ""
            for u in self.base.rows(self._held_units(draft)).keys() - self.removed
        )
        lines = "".join(_mapped(draft, mapping))
        oxi.bulk_load(self.draft_store, lines.encode(), format="nt", graph=DRAFT_GRAPH)
        self.new = row_lines(self.draft_store, self.draft_rows)

    def _held_units(self, draft: Workbook) -> set[str]:
        entity = self.iris.entity
        held = {r["holder"] for t in ("duties", "data_duties") for r in records(draft, t)}
        return {entity("units", h)[1:-1] for h in held if h}

    def changed(self) -> tuple[dict[str, Lines], dict[str, Lines]]:
        """The baseline rows that changed or went, and the merged rows that changed or came."""
        old = {i: lines for i, lines in self.old.items() if self.new.get(i) != lines}
        new = {i: lines for i, lines in self.new.items() if self.old.get(i) != lines}
        return old, new

    def plan(self) -> DraftPlan | None:
        """The scope and the sub-graph; None when the draft changes the catalogue beyond
        new leaf functions (the full comparison is needed, as in draft_scope)."""
        old, new = self.changed()
        functions = [i for i in (*old, *new) if table_of(i) == "functions"]
        if functions:
            broader = {b for lines in self.new.values() for b in objects(lines, f"{SKOS}broader")}
            broader |= self.base.subjects(f"{SKOS}broader", functions).keys()
            if any(i in old or i in broader for i in functions):
                return None
        base_agencies = self.base.agencies()
        merged_agencies = dict(base_agencies)
        for iri, lines in self.new.items():
            if table_of(iri) == "agencies":
                ups = objects(lines, f"{GK}administeredBy") + objects(lines, f"{GK}hostedIn")
                merged_agencies[iri] = (objects(lines, f"{GK}government")[0], ups)
        return Planner(self, base_agencies, merged_agencies).plan(old, new)


def _mapped(draft: Workbook, mapping: TableMapping) -> Iterable[str]:
    for table in TABLES:
        data = draft.tables.get(table.name)
        if data is not None:
            yield from mapping.table(data)
    yield from mapping.ending()
