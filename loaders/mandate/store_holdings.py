"""The holdings of a baseline agency read from the store by SPARQL: the mapping of
loaders/mapping.py reversed, enum IRIs back to the workbook values by the dicts of
loaders/contract.py. Queried per imported agency, not for the whole store, since a
province's store holds hundreds of thousands of rows the import does not need."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from govkg.loaders.contract import DATA_DUTY_KINDS, LIST_SOURCES, POWER_TYPES
from govkg.loaders.mandate.holdings import Dataset, Holdings, Row
from govkg.ontology.namespaces import DCT, GK, ORG, SKOS

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _back(values: dict[str, str]) -> dict[str, str]:
    """Concept IRI → workbook value; the first spelling wins where several share a concept."""
    out: dict[str, str] = {}
    for value, local in values.items():
        out.setdefault(f"{GK}{local}", value)
    return out


_TYPES, _SOURCES, _KINDS = _back(POWER_TYPES), _back(LIST_SOURCES), _back(DATA_DUTY_KINDS)
_BOOLEANS = {"true": "是", "1": "是", "false": "否", "0": "否"}


def _agency(agency: str) -> str:
    return f'?a a <{GK}Agency> ; <{DCT}identifier> "{agency.translate(_ESCAPES)}" .'


def _row_order(number: str) -> int:
    return int(number) if number.isdigit() else 0


class StoreHoldings:
    """Holdings read from a store (an open pyoxigraph store or reader)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._datasets: list[Dataset] | None = None

    def _select(self, query: str, names: tuple[str, ...]) -> list[dict[str, str]]:
        return select_rows(self.store, query, names)

    def of(self, agency: str) -> Holdings:
        return Holdings(self._power_items(agency), self._data_duties(agency), self._units(agency))

    def _units(self, agency: str) -> dict[str, str]:
        rows = self._select(
            f"""SELECT ?id ?name WHERE {{ {_agency(agency)}
                ?u <{ORG}unitOf> ?a ; <{DCT}identifier> ?id ; <{SKOS}prefLabel> ?name }}""",
            ("id", "name"),
        )
        return {r["id"]: r["name"] for r in sorted(rows, key=lambda r: r["id"])}

    def _power_items(self, agency: str) -> list[Row]:
        names = ("id", "row", "base", "name", "type", "basis", "limit", "source", "impl", "m")
        items: dict[str, Row] = {}
        materials: dict[str, set[str]] = {}
        order: dict[str, tuple[int, str]] = {}
        for r in self._select(
            f"""SELECT ?id ?row ?base ?name ?type ?basis ?limit ?source ?impl ?m WHERE {{
                {_agency(agency)}
                ?p a <{GK}PowerItem> ; <{GK}implementedBy> ?a ; <{DCT}identifier> ?id ;
                   <{GK}baseCode> ?base ; <{SKOS}prefLabel> ?name ; <{GK}itemType> ?type ;
                   <{GK}listSource> ?source .
                OPTIONAL {{ ?p <{GK}sourceRow> ?row }}
                OPTIONAL {{ ?p <{GK}basis> ?basis }}
                OPTIONAL {{ ?p <{GK}timeLimitDays> ?limit }}
                OPTIONAL {{ ?p <{GK}implCode> ?impl }}
                OPTIONAL {{ ?p <{GK}material> ?m }} }}""",
            names,
        ):
            order.setdefault(r["id"], (_row_order(r["row"]), r["id"]))
            materials.setdefault(r["id"], set()).update([r["m"]] if r["m"] else [])
            items.setdefault(
                r["id"],
                {
                    "id": r["id"],
                    "base_code": r["base"],
                    "name": r["name"],
                    "type": _TYPES.get(r["type"], "其他行政权力"),
                    "agency": agency,
                    "basis": r["basis"],
                    "time_limit": r["limit"],
                    "materials": "",
                    "source": _SOURCES.get(r["source"], ""),
                    "impl_code": r["impl"],
                },
            )
        for ident, item in items.items():
            # The graph keeps no order of a list cell: sorted, so that it is stable.
            item["materials"] = "；".join(sorted(materials[ident]))
        return [items[i] for i in sorted(items, key=order.__getitem__)]

    def _data_duties(self, agency: str) -> list[Row]:
        names = ("id", "row", "holder", "kind", "dataset", "in", "text")
        found: dict[str, tuple[tuple[int, str], Row]] = {}
        for r in self._select(
            f"""SELECT ?id ?row ?holder ?kind ?dataset ?in ?text WHERE {{
                {_agency(agency)}
                {{ ?d <{GK}heldBy> ?a }} UNION {{ ?u <{ORG}unitOf> ?a . ?d <{GK}heldBy> ?u }}
                ?d a <{GK}DataDuty> ; <{DCT}identifier> ?id ; <{GK}dataDutyKind> ?kind ;
                   <{GK}heldBy>/<{DCT}identifier> ?holder .
                OPTIONAL {{ ?d <{GK}sourceRow> ?row }}
                OPTIONAL {{ ?d <{GK}onDataset>/<{DCT}identifier> ?dataset }}
                OPTIONAL {{ ?d <{GK}inMandate> ?in }}
                OPTIONAL {{ ?d <{DCT}description> ?text }} }}""",
            names,
        ):
            row = {
                "id": r["id"],
                "holder": r["holder"],
                "kind": _KINDS.get(r["kind"], ""),
                "dataset": r["dataset"],
                "in_mandate": _BOOLEANS.get(r["in"], ""),
                "text": r["text"],
            }
            found.setdefault(r["id"], ((_row_order(r["row"]), r["id"]), row))
        return [row for _, row in sorted(found.values(), key=lambda pair: pair[0])]

    def datasets(self) -> Sequence[Dataset]:
        if self._datasets is None:
            sources: dict[str, list[str]] = {}
            labels: dict[str, str] = {}
            for r in self._select(
                f"""SELECT ?id ?name ?src WHERE {{
                    ?s a <{GK}Dataset> ; <{DCT}identifier> ?id ; <{SKOS}prefLabel> ?name .
                    OPTIONAL {{ ?s <{GK}sourceAgency>/<{DCT}identifier> ?src }} }}""",
                ("id", "name", "src"),
            ):
                labels.setdefault(r["id"], r["name"])
                sources.setdefault(r["id"], []).extend([r["src"]] if r["src"] else [])
            self._datasets = [
                Dataset(i, labels[i], tuple(sorted(set(sources[i])))) for i in sorted(labels)
            ]
        return self._datasets


def select_rows(store: Any, query: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """The solutions of a SELECT as dicts of lexical values ('' where unbound)."""
    from govkg.store import oxigraph as oxi

    return [
        {n: (s[n].value if s[n] is not None else "") for n in names}
        for s in oxi.select(store, query)
    ]
