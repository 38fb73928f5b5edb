"""draft_scope's steps on the store and a draft's graph: the scope and its sub-graph.

:func:`govkg.validating.draft_scope.draft_scope` decides a draft's scope on workbooks;
the planner takes the same steps (TA0, TA, TG, CA and the rest) by asking the baseline's
rows (govkg/validating/draft_rows.py) and the draft's graph
(govkg/validating/draft_graph.py), and builds the merged sub-graph that decides them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govkg.loaders.mapping import TableMapping
from govkg.store import oxigraph as oxi
from govkg.validating.draft_rows import (
    BASE_CODE,
    COUNTERPART,
    HELD_BY,
    IMPLEMENTED_BY,
    INVOLVES,
    ON_DATASET,
    SOURCE,
    STATED_BY,
    UNIT_OF,
    Agencies,
    Lines,
    objects,
    row_lines,
    table_of,
)
from govkg.validating.draft_scope import Scope, reaching, reaching_up

if TYPE_CHECKING:
    from govkg.validating.draft_graph import DraftGraph


@dataclass
class DraftPlan:
    """The scope of a draft against a store and the merged sub-graph deciding it."""

    scope: Scope
    sub: Any  # an in-memory store of the sub-graph
    removed: set[str]  # the baseline rows (IRIs) the merge removes


class Planner:
    """draft_scope's steps, on the store and the draft's graph."""

    def __init__(self, graph: DraftGraph, old: Agencies, new: Agencies) -> None:
        self.graph = graph
        self.base = graph.base
        self.old, self.new = old, new  # the agencies of the baseline and the merged graph
        self.scope = Scope()
        # the store's answers by (predicate, values): the scope and the sub-graph ask
        # several twice (a government's power items by their agencies: 16k rows)
        self.asked: dict[tuple[str, frozenset[str]], dict[str, list[str]]] = {}

    def _id(self, iri: str) -> str:
        return self.graph.iris.workbook_id(iri) or iri

    def _merged(self, iris: Iterable[str]) -> set[str]:
        """Those of ``iris`` the merged graph keeps from the baseline."""
        return set(iris) - self.graph.removed

    def _new_rows(self, table: str) -> dict[str, Lines]:
        return {i: lines for i, lines in self.graph.new.items() if table_of(i) == table}

    def _unit_agencies(self, units: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
        """The agency of each unit, in the baseline and in the merged graph."""
        old = self.base.unit_agencies(u for u in units if table_of(u) == "units")
        new = {u: a for u, a in old.items() if u not in self.graph.removed}
        for iri, lines in self._new_rows("units").items():
            new[iri] = objects(lines, UNIT_OF)[0]
        return old, new

    def _touched(self, old: dict[str, Lines], new: dict[str, Lines]) -> set[str]:
        """TA0 (agency IRIs), filling the scope's changed datasets and base codes."""
        holders = {h for rows in (old, new) for ls in rows.values() for h in objects(ls, HELD_BY)}
        unit_agency = self._unit_agencies(holders)
        agencies: set[str] = set()
        scope = self.scope
        for side, rows in ((0, old), (1, new)):
            for iri, lines in rows.items():
                table = table_of(iri)
                if table == "agencies":
                    agencies.add(iri)
                elif table == "units":
                    agencies.update(objects(lines, UNIT_OF))
                elif table in ("duties", "data_duties"):
                    for holder in objects(lines, HELD_BY):
                        agencies.add(unit_agency[side].get(holder, holder))
                    scope.datasets.update(self._id(d) for d in objects(lines, ON_DATASET))
                elif table == "divisions":
                    agencies.update(objects(lines, INVOLVES))
                elif table == "power_items":
                    agencies.update(objects(lines, IMPLEMENTED_BY))
                    scope.base_codes.update(_value(c) for c in objects(lines, BASE_CODE))
                elif table == "datasets":
                    agencies.update(objects(lines, SOURCE))
                    scope.datasets.add(self._id(iri))
                elif table == "transfers":
                    agencies.update(objects(lines, STATED_BY) + objects(lines, COUNTERPART))
        return agencies

    def _rows_on(self, predicate: str, values: set[str], table: str) -> dict[str, list[str]]:
        """The rows of ``table`` (baseline and draft) with ``predicate`` to one of ``values``."""
        key = (predicate, frozenset(values))
        if key not in self.asked:
            self.asked[key] = self.base.subjects(predicate, values)
        out = {s: list(v) for s, v in self.asked[key].items() if table_of(s) == table}
        for iri, lines in self._new_rows(table).items():
            hits = [v for v in objects(lines, predicate) if v in values]
            if hits:
                out.setdefault(iri, []).extend(hits)
        return out

    def plan(self, old: dict[str, Lines], new: dict[str, Lines]) -> DraftPlan:
        scope = self.scope
        sides = (self.old, self.new)
        links = [{a: ups for a, (_gov, ups) in side.items()} for side in sides]
        ta = reaching(links, self._touched(old, new))
        governments = {side[a][0] for a in ta for side in sides if a in side}
        ca = set(ta)
        for side in sides:
            ca.update(a for a, (gov, _ups) in side.items() if gov in governments)
        scope.governments = {g.rsplit("/", 1)[-1] for g in governments}
        scope.agencies = {self._id(a) for a in ca}
        units = set(self._rows_on(UNIT_OF, ca, "units"))
        scope.units = {self._id(u) for u in units}
        scope.duties = {self._id(d) for d in self._rows_on(HELD_BY, units, "duties")}
        datasets = {self.graph.iris.entity("datasets", d)[1:-1] for d in scope.datasets}
        datasets |= set(self._rows_on(SOURCE, ca, "datasets"))
        scope.datasets = {self._id(d) for d in datasets}
        scope.items = {self._id(i) for i in self._rows_on(IMPLEMENTED_BY, ca, "power_items")}
        transfers = self._rows_on(STATED_BY, ca, "transfers")
        transfers.update(self._rows_on(COUNTERPART, ca, "transfers"))
        # their counterparts in the baseline and in the merged graph
        ends = [*self.base.rows(transfers).values(), *self.graph.new.values()]
        counterparts = {c for ls in ends for c in objects(ls, COUNTERPART)}
        scope.transfers = {self._id(t) for t in transfers}
        scope.counterparts = {self._id(c) for c in counterparts}
        sub = self._sub_graph(ca, counterparts, datasets, set(transfers))
        return DraftPlan(scope, sub, self.graph.removed)

    def _lines(self, iris: Iterable[str]) -> dict[str, Lines]:
        """The merged lines of rows: the draft's, else the store's (when kept)."""
        wanted = set(iris)
        out = {i: self.graph.new[i] for i in wanted if i in self.graph.new}
        out.update(self.base.rows(self._merged(wanted - out.keys())))
        return out

    def _sub_graph(
        self, ca: set[str], counterparts: set[str], datasets: set[str], transfers: set[str]
    ) -> Any:
        """draft_scope._sub_workbook's rows of the merged graph, in an in-memory store."""
        holding = ca | counterparts
        owners = holding | set(self._merged_rows(UNIT_OF, holding, "units"))
        codes = {f'"{c}"' for c in self.scope.base_codes}
        # R17 weighs terms over every duty of the counterpart's government
        weighed = {self.new[c][0] for c in counterparts if c in self.new}
        weighing = {a for a, (gov, _ups) in self.new.items() if gov in weighed} - holding
        weighing |= set(self._merged_rows(UNIT_OF, weighing, "units"))
        rows = self._merged_rows(HELD_BY, owners | weighing, "duties")
        rows |= self._merged_rows(HELD_BY, owners, "data_duties")
        rows |= self._merged_rows(ON_DATASET, datasets, "data_duties")
        rows |= self._merged_rows(INVOLVES, ca, "divisions")
        rows |= self._merged_rows(IMPLEMENTED_BY, ca, "power_items")
        rows |= self._merged_rows(BASE_CODE, codes, "power_items")
        rows |= datasets | transfers
        lines = self._lines(rows)
        holders = {h for ls in lines.values() for h in objects(ls, HELD_BY)}
        unit_rows = self._lines(u for u in holders | owners if table_of(u) == "units")
        lines.update(unit_rows)
        needed = set(holding)
        needed.update(a for ls in unit_rows.values() for a in objects(ls, UNIT_OF))
        needed.update(h for h in holders if table_of(h) == "agencies")
        needed.update(s for d in datasets if d in lines for s in objects(lines[d], SOURCE))
        agencies = self.new
        needed = reaching_up({a: ups for a, (_gov, ups) in agencies.items()}, needed)
        lines.update(self._lines(a for a in needed if a in agencies))
        functions = self.base.functions() | set(self._new_rows("functions"))
        lines.update(self._lines(functions))
        mandates = {
            f"{a}/mandate" for t in transfers if t in lines for a in objects(lines[t], STATED_BY)
        }
        mandate_lines = self.base.rows(mandates)
        mandate_lines.update(row_lines(self.graph.draft_store, mandates))
        ending = TableMapping(self.graph.base_iri)
        ending.functions = bool(functions)
        ending.governments = {agencies[a][0].rsplit("/", 1)[-1] for a in needed if a in agencies}
        visible = self.graph.visible
        text = "".join(
            [*(line + "\n" for ls in (*lines.values(), *mandate_lines.values()) for line in ls
               if visible is None or line.split(" ", 2)[1][1:-1] in visible),
             *ending.ending()]
        )  # fmt: skip
        sub = oxi.memory_store()
        oxi.bulk_load(sub, text.encode(), format="nt")
        return sub

    def _merged_rows(self, predicate: str, values: set[str], table: str) -> set[str]:
        """The merged graph's rows of ``table`` with ``predicate`` to one of ``values``."""
        found = self._rows_on(predicate, values, table)
        return {i for i in found if i in self.graph.new or i not in self.graph.removed}


def _value(literal: str) -> str:
    """The text of a plain N-Triples literal (base codes need no unescaping)."""
    return literal[1 : literal.rindex('"')]
