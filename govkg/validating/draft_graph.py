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
from dataclasses import dataclass
from typing import Any

from govkg.loaders.contract import TABLES
from govkg.loaders.mandate.holdings import records
from govkg.loaders.mapping import SEGMENTS, IriMaker, TableMapping
from govkg.loaders.workbook import Workbook
from govkg.ontology.namespaces import GK, ORG, SKOS
from govkg.store import oxigraph as oxi
from govkg.validating.draft_scope import Scope, reaching, reaching_up

Lines = frozenset[str]  # a row's N-Triples lines
Agencies = dict[str, tuple[str, list[str]]]  # agency IRI -> (government IRI, chain links)
_TABLES = {segment: table for table, segment in SEGMENTS.items()}
_SOURCE_ROW = f"<{GK}sourceRow>"
UNIT_OF, HELD_BY, ON_DATASET = f"{ORG}unitOf", f"{GK}heldBy", f"{GK}onDataset"
IMPLEMENTED_BY, BASE_CODE, INVOLVES = f"{GK}implementedBy", f"{GK}baseCode", f"{GK}involves"
SOURCE, STATED_BY, COUNTERPART = f"{GK}sourceAgency", f"{GK}statedBy", f"{GK}counterpart"
CHUNK = 2000  # terms per VALUES clause
DRAFT_GRAPH = "urn:x-govkg:draft"


def objects(lines: Iterable[str], predicate: str) -> list[str]:
    """The objects of ``predicate`` in a row's lines: IRIs without brackets, literals as
    N-Triples writes them."""
    key = f" <{predicate}> "
    out = []
    for line in lines:
        at = line.find(key)
        if at > 0:
            term = line[at + len(key) : line.rindex(" .")]
            out.append(term[1:-1] if term.startswith("<") else term)
    return out


def _term(value: str) -> str:
    return value if value.startswith('"') else f"<{value}>"


def _chunks(values: Iterable[str]) -> Iterable[str]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), CHUNK):
        yield " ".join(_term(v) for v in ordered[start : start + CHUNK])


def row_lines(store: Any, iris: Iterable[str]) -> dict[str, Lines]:
    """The lines of each row among ``iris`` that ``store`` holds (an agency's with its
    chief data officer post's), the source row number left out."""
    wanted = set(iris)
    found: dict[str, set[str]] = {}
    extra = {f"{i}/cdo": i for i in wanted if table_of(i) == "agencies"}
    for values in _chunks(wanted | extra.keys()):
        text = oxi.construct_ntriples(
            store,
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} "
            f"GRAPH ?g {{ ?s ?p ?o }} FILTER (?p != {_SOURCE_ROW}) }}",
        ).decode()
        for line in text.splitlines():
            subject = line[1 : line.index(">")]
            found.setdefault(extra.get(subject, subject), set()).add(line)
    return {iri: frozenset(lines) for iri, lines in found.items() if iri in wanted}


def table_of(iri: str) -> str:
    """The table of a row's IRI (its first path segment after the base)."""
    parts = iri.rsplit("/", 2)
    return _TABLES.get(parts[-2], "") if len(parts) == 3 else ""


class _Store:
    """The questions the scope asks of the baseline store."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def subjects(self, predicate: str, values: Iterable[str]) -> dict[str, list[str]]:
        """Each subject with ``predicate`` to one of ``values``, with those values."""
        out: dict[str, list[str]] = {}
        for chunk in _chunks(values):
            for row in oxi.select(
                self.store,
                f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {chunk} }} ?s <{predicate}> ?o }}",
            ):
                o = row["o"]
                value = o.value if oxi.is_iri(o) else f'"{o.value}"'
                out.setdefault(row["s"].value, []).append(value)
        return out

    def agencies(self) -> Agencies:
        """Every agency: its government's IRI and its parent and hosted_in links."""
        out: Agencies = {}
        query = f"""SELECT ?a ?g ?up WHERE {{ ?a <{GK}government> ?g
            OPTIONAL {{ ?a <{GK}administeredBy>|<{GK}hostedIn> ?up }} }}"""
        for row in oxi.select(self.store, query):
            gov, links = out.setdefault(row["a"].value, (row["g"].value, []))
            if row["up"] is not None:
                links.append(row["up"].value)
        return out

    def functions(self) -> set[str]:
        query = f"SELECT ?f WHERE {{ ?f a <{GK}Function> }}"
        return {row["f"].value for row in oxi.select(self.store, query)}

    def rows(self, iris: Iterable[str]) -> dict[str, Lines]:
        return row_lines(self.store, iris)

    def unit_agencies(self, units: Iterable[str]) -> dict[str, str]:
        """The agency of each of ``units``."""
        out: dict[str, str] = {}
        for values in _chunks(units):
            for row in oxi.select(
                self.store,
                f"SELECT ?u ?a WHERE {{ VALUES ?u {{ {values} }} ?u <{UNIT_OF}> ?a }}",
            ):
                out[row["u"].value] = row["a"].value
        return out


@dataclass
class DraftPlan:
    """The scope of a draft against a store and the merged sub-graph deciding it."""

    scope: Scope
    sub: Any  # an in-memory store of the sub-graph
    removed: set[str]  # the baseline rows (IRIs) the merge removes


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
        self.base = rows or _Store(store)
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
        return _Planner(self, base_agencies, merged_agencies).plan(old, new)


class _Planner:
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


def _mapped(draft: Workbook, mapping: TableMapping) -> Iterable[str]:
    for table in TABLES:
        data = draft.tables.get(table.name)
        if data is not None:
            yield from mapping.table(data)
    yield from mapping.ending()
