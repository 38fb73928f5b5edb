"""Turning a checked workbook into RDF (N-Triples lines), as ``docs/mapping.md`` describes.

Lines are built as text rather than through an RDF library: it is the hot path of a
province-scale load, and N-Triples needs only escaping.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from urllib.parse import quote, unquote

from govkg.loaders.contract import TABLES, TABLES_BY_NAME, parse_bool, split_list
from govkg.loaders.workbook import TableRows, Workbook
from govkg.ontology.namespaces import DCT, GK, ORG, PROV, RDF, SKOS
from govkg.ontology.ntriples import literal, typed

SEGMENTS = {
    "agencies": "agency",
    "units": "unit",
    "functions": "function",
    "duties": "duty",
    "divisions": "division",
    "power_items": "power-item",
    "datasets": "dataset",
    "data_duties": "data-duty",
    "transfers": "transfer",
}

_ENTITY_SEGMENTS = frozenset(SEGMENTS.values())
_IRI_SAFE = re.compile(r"[A-Za-z0-9._~-]+")
A = f"<{RDF}type>"
ID = f"<{DCT}identifier>"
LABEL = f"<{SKOS}prefLabel>"
DESCRIPTION = f"<{DCT}description>"
ROW = f"<{GK}sourceRow>"


def boolean(cell: str) -> str:
    """An xsd:boolean literal of a checked yes/no cell."""
    return typed("true" if parse_bool(cell) else "false", "boolean")


@functools.cache
def gk(local: str) -> str:
    return f"<{GK}{local}>"


class IriMaker:
    """Stable IRIs from the base IRI and workbook ids.

    >>> IriMaker("https://id.example/").entity("agencies", "A01")
    '<https://id.example/agency/A01>'
    """

    def __init__(self, base_iri: str) -> None:
        self.base = base_iri

    def entity(self, table: str, workbook_id: str) -> str:
        # Most ids are already safe in an IRI; quoting them all costs a tenth of a load.
        safe = workbook_id if _IRI_SAFE.fullmatch(workbook_id) else quote(workbook_id, safe="._-~")
        return f"<{self.base}{SEGMENTS[table]}/{safe}>"

    def workbook_id(self, iri: str) -> str | None:
        """The workbook id an entity's IRI (without brackets) was made from; None for
        any other IRI.

        >>> IriMaker("https://id.example/").workbook_id("https://id.example/unit/U%2001")
        'U 01'
        >>> IriMaker("https://id.example/").workbook_id("https://other.example/unit/U1")
        """
        if not iri.startswith(self.base):
            return None
        segment, _, made = iri[len(self.base) :].partition("/")
        if segment not in _ENTITY_SEGMENTS or not made or "/" in made:
            return None
        return unquote(made)

    def government(self, code: str) -> str:
        return f"<{self.base}government/{code}>"

    def holder(self, workbook_id: str, unit_ids: set[str]) -> str:
        return self.entity("units" if workbook_id in unit_ids else "agencies", workbook_id)


Emit = Callable[[str, str, str], None]  # subject, predicate, object as N-Triples


def workbook_triples(
    workbook: Workbook,
    base_iri: str,
    *,
    predicates: frozenset[str] | None = None,
    classes: frozenset[str] | None = None,
) -> Iterator[str]:
    """The N-Triples lines (each ending in a newline) of a checked workbook; only those
    with one of ``predicates``, and rdf:type only with one of ``classes``, when given."""
    mapping = TableMapping(base_iri, predicates=predicates, classes=classes)
    for table in TABLES:
        data = workbook.tables.get(table.name)
        if data is not None:
            yield from mapping.table(data)
    yield from mapping.ending()


class TableMapping:
    """A workbook mapped table by table, in the contract's order (units before the
    tables whose holders may be units), as the tables are read."""

    def __init__(
        self,
        base_iri: str,
        *,
        predicates: frozenset[str] | None = None,
        classes: frozenset[str] | None = None,
    ) -> None:
        self.base = base_iri
        self.iris = IriMaker(base_iri)
        self.wanted = None if predicates is None else {f"<{p}>" for p in predicates}
        self.classes = None if classes is None else {f"<{c}>" for c in classes}
        self.unit_ids: set[str] = set()
        self.governments: set[str] = set()
        self.functions = False

    def table(self, data: TableRows, start: int = 0) -> Iterator[str]:
        """The N-Triples chunks of one checked table (of its rows from ``start`` on)."""
        name = data.table.name
        mapper, iris, unit_ids = _MAPPERS[name], self.iris, self.unit_ids
        rows = data.rows[start:] if start else data.rows
        if name == "units":
            unit_ids.update(row[0] for _, row in rows)
        self.functions = self.functions or (name == "functions" and bool(rows))
        columns = [c.name for c in data.table.columns]
        lines: list[str] = []
        emit = self._emitter(lines)
        for number, cells in rows:
            row = dict(zip(columns, cells, strict=True))
            subject = iris.entity(name, row["id"])
            emit(subject, ID, literal(row["id"]))
            emit(subject, ROW, typed(str(number), "integer"))
            mapper(subject, row, iris, unit_ids, emit)
            if name == "agencies":
                self.governments.add(row["government"])
            if len(lines) > 4096:
                yield "".join(lines)
                lines.clear()
        yield "".join(lines)

    def ending(self) -> Iterator[str]:
        """What the whole workbook implies: its function catalogue and governments."""
        lines: list[str] = []
        emit = self._emitter(lines)
        if self.functions:
            emit(f"<{self.base}functions>", A, gk("FunctionCatalogue"))
        for code in sorted(self.governments):
            subject = self.iris.government(code)
            emit(subject, A, gk("Government"))
            emit(subject, gk("divisionCode"), literal(code))
        yield "".join(lines)

    def _emitter(self, lines: list[str]) -> Emit:
        """Adds a triple's line to ``lines``, if its predicate is wanted (and, for
        rdf:type, its class)."""
        wanted, classes = self.wanted, self.classes
        if wanted is None:

            def emit(s: str, p: str, o: str) -> None:
                lines.append(f"{s} {p} {o} .\n")

        elif classes is None:

            def emit(s: str, p: str, o: str) -> None:
                if p in wanted:
                    lines.append(f"{s} {p} {o} .\n")

        else:

            def emit(s: str, p: str, o: str) -> None:
                if p in wanted and (p != A or o in classes):
                    lines.append(f"{s} {p} {o} .\n")

        return emit


_CONCEPTS: dict[tuple[str, str], dict[str, str]] = {
    (table.name, column.name): {value: gk(local) for value, local in column.values.items()}
    for table in TABLES_BY_NAME.values()
    for column in table.columns
    if column.values
}


def _enum(table: str, column: str, value: str) -> str:
    return _CONCEPTS[table, column][value]


def _agency(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(s, A, gk("Agency"))
    emit(s, LABEL, literal(row["name"], "zh"))
    emit(s, gk("agencyKind"), _enum("agencies", "kind", row["kind"]))
    emit(s, gk("government"), iris.government(row["government"]))
    emit(s, gk("level"), _enum("agencies", "level", row["level"]))
    if row["parent"]:
        emit(s, gk("administeredBy"), iris.entity("agencies", row["parent"]))
    if row["hosted_in"]:
        emit(s, gk("hostedIn"), iris.entity("agencies", row["hosted_in"]))
    # The contract's chain: parent where set, else hosted_in. Stated once here so that
    # queries can follow it with a property path (gk:chainNext+), which SPARQL cannot
    # do for "this link, else that one".
    if row["parent"] or row["hosted_in"]:
        up = row["parent"] or row["hosted_in"]
        emit(s, gk("chainNext"), iris.entity("agencies", up))
    if row["rank"]:
        emit(s, gk("rank"), _enum("agencies", "rank", row["rank"]))
    for plate in split_list(row["also_named"]):
        emit(s, gk("nameplate"), literal(plate, "zh"))
    if row["uscc"]:
        emit(s, gk("uscc"), literal(row["uscc"]))
    if row["staffing"]:
        emit(s, gk("staffing"), typed(row["staffing"], "integer"))
    if row["cdo"]:
        post = f"{s[:-1]}/cdo>"
        emit(s, gk("chiefDataOfficer"), post)
        emit(post, A, gk("ChiefDataOfficer"))
        emit(post, LABEL, literal(row["cdo"], "zh"))
        emit(post, f"<{ORG}postIn>", s)
    if row["mandate"]:
        emit(s, gk("mandateTitle"), literal(row["mandate"], "zh"))


def _unit(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(s, A, gk("InternalUnit"))
    emit(s, LABEL, literal(row["name"], "zh"))
    emit(s, f"<{ORG}unitOf>", iris.entity("agencies", row["agency"]))
    if row["staffing"]:
        emit(s, gk("staffing"), typed(row["staffing"], "integer"))


def _function(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(s, A, gk("Function"))
    emit(s, LABEL, literal(row["name"], "zh"))
    emit(s, f"<{SKOS}inScheme>", f"<{iris.base}functions>")
    if row["broader"]:
        emit(s, f"<{SKOS}broader>", iris.entity("functions", row["broader"]))
    if row["mandatory"]:
        emit(s, gk("mandatory"), boolean(row["mandatory"]))
    if row["category"]:
        emit(s, gk("category"), literal(row["category"]))


def _duty(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(s, A, gk("Duty"))
    emit(s, gk("heldBy"), iris.holder(row["holder"], units))
    emit(s, DESCRIPTION, literal(row["text"], "zh"))
    if row["function"]:
        emit(s, gk("onFunction"), iris.entity("functions", row["function"]))
    role = _enum("duties", "role", row["role"]) if row["role"] else gk("Lead")
    emit(s, gk("role"), role)
    if row["basis"]:
        emit(s, gk("basis"), literal(row["basis"], "zh"))


def _division(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(s, A, gk("DivisionClause"))
    for agency in dict.fromkeys(split_list(row["agencies"])):
        emit(s, gk("involves"), iris.entity("agencies", agency))
    emit(s, gk("onFunction"), iris.entity("functions", row["function"]))
    emit(s, DESCRIPTION, literal(row["text"], "zh"))
    if row["basis"]:
        emit(s, gk("basis"), literal(row["basis"], "zh"))


def _power_item(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(s, A, gk("PowerItem"))
    emit(s, gk("baseCode"), literal(row["base_code"]))
    emit(s, LABEL, literal(row["name"], "zh"))
    emit(s, gk("itemType"), _enum("power_items", "type", row["type"]))
    emit(s, gk("implementedBy"), iris.entity("agencies", row["agency"]))
    if row["basis"]:
        emit(s, gk("basis"), literal(row["basis"], "zh"))
    if row["time_limit"]:
        emit(s, gk("timeLimitDays"), typed(row["time_limit"], "integer"))
    for material in split_list(row["materials"]):
        emit(s, gk("material"), literal(material, "zh"))
    emit(s, gk("listSource"), _enum("power_items", "source", row["source"]))
    if row["impl_code"]:
        emit(s, gk("implCode"), literal(row["impl_code"]))


def _dataset(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(s, A, gk("Dataset"))
    emit(s, LABEL, literal(row["name"], "zh"))
    for agency in dict.fromkeys(split_list(row["sources"])):
        emit(s, gk("sourceAgency"), iris.entity("agencies", agency))
    for column, prop in (
        ("share_type", "shareType"),
        ("open_type", "openType"),
        ("update", "updateFrequency"),
    ):
        if row[column]:
            emit(s, gk(prop), _enum("datasets", column, row[column]))
    if row["system"]:
        emit(s, gk("sourceSystem"), literal(row["system"], "zh"))


def _data_duty(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(s, A, gk("DataDuty"))
    emit(s, gk("heldBy"), iris.holder(row["holder"], units))
    emit(s, gk("dataDutyKind"), _enum("data_duties", "kind", row["kind"]))
    if row["dataset"]:
        emit(s, gk("onDataset"), iris.entity("datasets", row["dataset"]))
    if row["in_mandate"]:
        emit(s, gk("inMandate"), boolean(row["in_mandate"]))
    if row["text"]:
        emit(s, DESCRIPTION, literal(row["text"], "zh"))


def _transfer(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    agency = iris.entity("agencies", row["agency"])
    mandate = f"{agency[:-1]}/mandate>"
    emit(s, A, gk("DutyTransfer"))
    emit(s, gk("statedBy"), agency)
    emit(s, gk("statedIn"), mandate)
    emit(mandate, A, gk("Mandate"))
    emit(mandate, gk("mandateOf"), agency)
    emit(s, gk("transferKind"), _enum("transfers", "kind", row["kind"]))
    if row["counterpart"]:
        emit(s, gk("counterpartName"), literal(row["counterpart"], "zh"))
    if row["counterpart_id"]:
        emit(s, gk("counterpart"), iris.entity("agencies", row["counterpart_id"]))
    emit(s, DESCRIPTION, literal(row["text"], "zh"))
    if row["basis"]:
        emit(s, gk("basis"), literal(row["basis"], "zh"))


def provenance_triples(graph: str, source_iri: str, started: str, ended: str, rows: int) -> str:
    """The PROV-O description of a loaded source graph (see docs/mapping.md)."""
    g, activity = f"<{graph}>", f"<{graph}/load>"
    return "".join(
        [
            f"{g} {A} {gk('SourceGraph')} .\n",
            f"{g} {A} <{PROV}Entity> .\n",
            f"{g} <{PROV}wasDerivedFrom> <{source_iri}> .\n",
            f"{g} <{PROV}generatedAtTime> {typed(ended, 'dateTime')} .\n",
            f"{g} <{PROV}wasGeneratedBy> {activity} .\n",
            f"{g} {gk('rowsRead')} {typed(str(rows), 'integer')} .\n",
            f"{activity} {A} <{PROV}Activity> .\n",
            f"{activity} <{PROV}used> <{source_iri}> .\n",
            f"{activity} <{PROV}startedAtTime> {typed(started, 'dateTime')} .\n",
            f"{activity} <{PROV}endedAtTime> {typed(ended, 'dateTime')} .\n",
            f"{activity} <{PROV}wasAssociatedWith> {gk('govkg')} .\n",
        ]
    )


_MAPPERS: dict[str, Callable[[str, dict[str, str], IriMaker, set[str], Emit], None]] = {
    "agencies": _agency,
    "units": _unit,
    "functions": _function,
    "duties": _duty,
    "divisions": _division,
    "power_items": _power_item,
    "datasets": _dataset,
    "data_duties": _data_duty,
    "transfers": _transfer,
}
