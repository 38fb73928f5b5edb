"""Turning a checked workbook into RDF (N-Triples lines), as ``docs/mapping.md`` describes.

Lines are built as text rather than through an RDF library: it is the hot path of a
province-scale load, and N-Triples needs only escaping.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import quote

from govkg.loaders.contract import TABLES_BY_NAME, parse_bool, split_list
from govkg.loaders.workbook import Workbook
from govkg.ontology.namespaces import DCT, GK, ORG, PROV, RDF, SKOS, XSD

SEGMENTS = {
    "agencies": "agency",
    "units": "unit",
    "functions": "function",
    "duties": "duty",
    "divisions": "division",
    "power_items": "power-item",
    "datasets": "dataset",
    "data_duties": "data-duty",
}

_IRI_SAFE = re.compile(r"[A-Za-z0-9._~-]+")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
A = f"<{RDF}type>"
ID = f"<{DCT}identifier>"
LABEL = f"<{SKOS}prefLabel>"
DESCRIPTION = f"<{DCT}description>"
ROW = f"<{GK}sourceRow>"


def literal(text: str, lang: str | None = None) -> str:
    """An N-Triples literal.

    >>> literal('说"明"', "zh")
    '"说\\\\"明\\\\""@zh'
    """
    escaped = text.translate(_ESCAPES)
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def boolean(cell: str) -> str:
    """An xsd:boolean literal of a checked yes/no cell."""
    return typed("true" if parse_bool(cell) else "false", "boolean")


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

    def government(self, code: str) -> str:
        return f"<{self.base}government/{code}>"

    def holder(self, workbook_id: str, unit_ids: set[str]) -> str:
        return self.entity("units" if workbook_id in unit_ids else "agencies", workbook_id)


Emit = Callable[[str], None]


def workbook_triples(
    workbook: Workbook, base_iri: str, *, predicates: frozenset[str] | None = None
) -> Iterator[str]:
    """The N-Triples lines (each ending in a newline) of a checked workbook; only those
    with one of ``predicates`` when given."""
    iris = IriMaker(base_iri)
    unit_ids = {row[0] for _, row in workbook.rows("units")}
    lines: list[str] = []
    emit = lines.append
    wanted = None if predicates is None else {f"<{p}>" for p in predicates}

    mappers = {
        "agencies": _agency,
        "units": _unit,
        "functions": _function,
        "duties": _duty,
        "divisions": _division,
        "power_items": _power_item,
        "datasets": _dataset,
        "data_duties": _data_duty,
    }
    governments: set[str] = set()
    for table_name, mapper in mappers.items():
        data = workbook.tables.get(table_name)
        if data is None:
            continue
        columns = [c.name for c in data.table.columns]
        for number, cells in data.rows:
            row = dict(zip(columns, cells, strict=True))
            subject = iris.entity(table_name, row["id"])
            emit(f"{subject} {ID} {literal(row['id'])} .\n")
            emit(f"{subject} {ROW} {typed(str(number), 'integer')} .\n")
            mapper(subject, row, iris, unit_ids, emit)
            if table_name == "agencies":
                governments.add(row["government"])
            if len(lines) > 4096:
                yield _joined(lines, wanted)
                lines.clear()
    if workbook.tables.get("functions") and workbook.rows("functions"):
        scheme = f"<{base_iri}functions>"
        emit(f"{scheme} {A} {gk('FunctionCatalogue')} .\n")
    for code in sorted(governments):
        subject = iris.government(code)
        emit(f"{subject} {A} {gk('Government')} .\n")
        emit(f"{subject} {gk('divisionCode')} {literal(code)} .\n")
    yield _joined(lines, wanted)


def _joined(lines: list[str], wanted: set[str] | None) -> str:
    if wanted is None:
        return "".join(lines)
    # no IRI the mapping writes holds a space: the predicate is the second token
    return "".join([line for line in lines if line.split(" ", 2)[1] in wanted])


_CONCEPTS: dict[tuple[str, str], dict[str, str]] = {
    (table.name, column.name): {value: gk(local) for value, local in column.values.items()}
    for table in TABLES_BY_NAME.values()
    for column in table.columns
    if column.values
}


def _enum(table: str, column: str, value: str) -> str:
    return _CONCEPTS[table, column][value]


def _agency(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(f"{s} {A} {gk('Agency')} .\n")
    emit(f"{s} {LABEL} {literal(row['name'], 'zh')} .\n")
    emit(f"{s} {gk('agencyKind')} {_enum('agencies', 'kind', row['kind'])} .\n")
    emit(f"{s} {gk('government')} {iris.government(row['government'])} .\n")
    emit(f"{s} {gk('level')} {_enum('agencies', 'level', row['level'])} .\n")
    if row["parent"]:
        emit(f"{s} {gk('administeredBy')} {iris.entity('agencies', row['parent'])} .\n")
    if row["hosted_in"]:
        emit(f"{s} {gk('hostedIn')} {iris.entity('agencies', row['hosted_in'])} .\n")
    # The contract's chain: parent where set, else hosted_in. Stated once here so that
    # queries can follow it with a property path (gk:chainNext+), which SPARQL cannot
    # do for "this link, else that one".
    if row["parent"] or row["hosted_in"]:
        up = row["parent"] or row["hosted_in"]
        emit(f"{s} {gk('chainNext')} {iris.entity('agencies', up)} .\n")
    if row["rank"]:
        emit(f"{s} {gk('rank')} {_enum('agencies', 'rank', row['rank'])} .\n")
    for plate in split_list(row["also_named"]):
        emit(f"{s} {gk('nameplate')} {literal(plate, 'zh')} .\n")
    if row["uscc"]:
        emit(f"{s} {gk('uscc')} {literal(row['uscc'])} .\n")
    if row["staffing"]:
        emit(f"{s} {gk('staffing')} {typed(row['staffing'], 'integer')} .\n")
    if row["cdo"]:
        post = f"{s[:-1]}/cdo>"
        emit(f"{s} {gk('chiefDataOfficer')} {post} .\n")
        emit(f"{post} {A} {gk('ChiefDataOfficer')} .\n")
        emit(f"{post} {LABEL} {literal(row['cdo'], 'zh')} .\n")
        emit(f"{post} <{ORG}postIn> {s} .\n")
    if row["mandate"]:
        emit(f"{s} {gk('mandateTitle')} {literal(row['mandate'], 'zh')} .\n")


def _unit(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(f"{s} {A} {gk('InternalUnit')} .\n")
    emit(f"{s} {LABEL} {literal(row['name'], 'zh')} .\n")
    emit(f"{s} <{ORG}unitOf> {iris.entity('agencies', row['agency'])} .\n")
    if row["staffing"]:
        emit(f"{s} {gk('staffing')} {typed(row['staffing'], 'integer')} .\n")


def _function(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(f"{s} {A} {gk('Function')} .\n")
    emit(f"{s} {LABEL} {literal(row['name'], 'zh')} .\n")
    emit(f"{s} <{SKOS}inScheme> <{iris.base}functions> .\n")
    if row["broader"]:
        emit(f"{s} <{SKOS}broader> {iris.entity('functions', row['broader'])} .\n")
    if row["mandatory"]:
        emit(f"{s} {gk('mandatory')} {boolean(row['mandatory'])} .\n")
    if row["category"]:
        emit(f"{s} {gk('category')} {literal(row['category'])} .\n")


def _duty(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(f"{s} {A} {gk('Duty')} .\n")
    emit(f"{s} {gk('heldBy')} {iris.holder(row['holder'], units)} .\n")
    emit(f"{s} {DESCRIPTION} {literal(row['text'], 'zh')} .\n")
    if row["function"]:
        emit(f"{s} {gk('onFunction')} {iris.entity('functions', row['function'])} .\n")
    role = _enum("duties", "role", row["role"]) if row["role"] else gk("Lead")
    emit(f"{s} {gk('role')} {role} .\n")
    if row["basis"]:
        emit(f"{s} {gk('basis')} {literal(row['basis'], 'zh')} .\n")


def _division(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(f"{s} {A} {gk('DivisionClause')} .\n")
    for agency in dict.fromkeys(split_list(row["agencies"])):
        emit(f"{s} {gk('involves')} {iris.entity('agencies', agency)} .\n")
    emit(f"{s} {gk('onFunction')} {iris.entity('functions', row['function'])} .\n")
    emit(f"{s} {DESCRIPTION} {literal(row['text'], 'zh')} .\n")
    if row["basis"]:
        emit(f"{s} {gk('basis')} {literal(row['basis'], 'zh')} .\n")


def _power_item(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(f"{s} {A} {gk('PowerItem')} .\n")
    emit(f"{s} {gk('baseCode')} {literal(row['base_code'])} .\n")
    emit(f"{s} {LABEL} {literal(row['name'], 'zh')} .\n")
    emit(f"{s} {gk('itemType')} {_enum('power_items', 'type', row['type'])} .\n")
    emit(f"{s} {gk('implementedBy')} {iris.entity('agencies', row['agency'])} .\n")
    if row["basis"]:
        emit(f"{s} {gk('basis')} {literal(row['basis'], 'zh')} .\n")
    if row["time_limit"]:
        emit(f"{s} {gk('timeLimitDays')} {typed(row['time_limit'], 'integer')} .\n")
    for material in split_list(row["materials"]):
        emit(f"{s} {gk('material')} {literal(material, 'zh')} .\n")
    emit(f"{s} {gk('listSource')} {_enum('power_items', 'source', row['source'])} .\n")
    if row["impl_code"]:
        emit(f"{s} {gk('implCode')} {literal(row['impl_code'])} .\n")


def _dataset(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(f"{s} {A} {gk('Dataset')} .\n")
    emit(f"{s} {LABEL} {literal(row['name'], 'zh')} .\n")
    for agency in dict.fromkeys(split_list(row["sources"])):
        emit(f"{s} {gk('sourceAgency')} {iris.entity('agencies', agency)} .\n")
    for column, prop in (
        ("share_type", "shareType"),
        ("open_type", "openType"),
        ("update", "updateFrequency"),
    ):
        if row[column]:
            emit(f"{s} {gk(prop)} {_enum('datasets', column, row[column])} .\n")
    if row["system"]:
        emit(f"{s} {gk('sourceSystem')} {literal(row['system'], 'zh')} .\n")


def _data_duty(s: str, row: dict[str, str], iris: IriMaker, units: set[str], emit: Emit) -> None:
    emit(f"{s} {A} {gk('DataDuty')} .\n")
    emit(f"{s} {gk('heldBy')} {iris.holder(row['holder'], units)} .\n")
    emit(f"{s} {gk('dataDutyKind')} {_enum('data_duties', 'kind', row['kind'])} .\n")
    if row["dataset"]:
        emit(f"{s} {gk('onDataset')} {iris.entity('datasets', row['dataset'])} .\n")
    if row["in_mandate"]:
        emit(f"{s} {gk('inMandate')} {boolean(row['in_mandate'])} .\n")
    if row["text"]:
        emit(f"{s} {DESCRIPTION} {literal(row['text'], 'zh')} .\n")


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
