"""Every SPARQL query of the REST resources, and the helpers that run them.

The project's prefixes (gk:, org:, dct:, skos: ...) are predeclared by run_query.
IRIs put into a query come from the store itself (looked up by workbook id in an index),
never from a request; ids from a request only go in as escaped string literals.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from typing import Any

from govkg.api.errors import ApiError

from govkg.querying import run_query

ONTOLOGY_GRAPH = "https://govkg.org/ontology"

CONCEPTS = f"""
SELECT ?c ?zh ?en WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
  ?c a skos:Concept .
  OPTIONAL {{ ?c skos:prefLabel ?zh FILTER(langMatches(lang(?zh), "zh")) }}
  OPTIONAL {{ ?c skos:prefLabel ?en FILTER(langMatches(lang(?en), "en")) }}
}} }}"""

AGENCY_INDEX = """
SELECT ?a ?id ?name ?kind ?gov ?level WHERE {
  ?a a gk:Agency ; dct:identifier ?id .
  OPTIONAL { ?a skos:prefLabel ?name }
  OPTIONAL { ?a gk:agencyKind ?kind }
  OPTIONAL { ?a gk:government/gk:divisionCode ?gov }
  OPTIONAL { ?a gk:level ?level }
}"""

PROPERTIES = """
SELECT ?p ?o ?oid ?oname WHERE {
  <%(iri)s> ?p ?o .
  OPTIONAL { ?o dct:identifier ?oid }
  OPTIONAL { ?o skos:prefLabel ?oname }
}"""

UNITS = """
SELECT ?id ?name ?staffing WHERE {
  ?u org:unitOf <%(iri)s> ; dct:identifier ?id .
  OPTIONAL { ?u skos:prefLabel ?name }
  OPTIONAL { ?u gk:staffing ?staffing }
} ORDER BY ?id"""

# Duties (or data duties) held by an agency or by one of its units.
_HELD = """
  { ?d gk:heldBy <%(iri)s> . BIND(<%(iri)s> AS ?h) }
  UNION { ?h org:unitOf <%(iri)s> . ?d gk:heldBy ?h }
  ?h dct:identifier ?holder ."""

DUTIES = (
    """
SELECT ?id ?holder ?text ?role ?fid ?fname ?basis WHERE {"""
    + _HELD
    + """
  ?d a gk:Duty ; dct:identifier ?id .
  OPTIONAL { ?d dct:description ?text }
  OPTIONAL { ?d gk:role ?role }
  OPTIONAL { ?d gk:onFunction ?f . ?f dct:identifier ?fid . OPTIONAL { ?f skos:prefLabel ?fname } }
  OPTIONAL { ?d gk:basis ?basis }
} ORDER BY ?id"""
)

DATA_DUTIES = (
    """
SELECT ?id ?holder ?kind ?dsid ?dsname ?inMandate ?text WHERE {"""
    + _HELD
    + """
  ?d a gk:DataDuty ; dct:identifier ?id .
  OPTIONAL { ?d gk:dataDutyKind ?kind }
  OPTIONAL { ?d gk:onDataset ?ds . ?ds dct:identifier ?dsid .
             OPTIONAL { ?ds skos:prefLabel ?dsname } }
  OPTIONAL { ?d gk:inMandate ?inMandate }
  OPTIONAL { ?d dct:description ?text }
} ORDER BY ?id"""
)

SOURCED_DATASETS = """
SELECT ?id ?name ?share ?open WHERE {
  ?ds gk:sourceAgency <%(iri)s> ; dct:identifier ?id .
  OPTIONAL { ?ds skos:prefLabel ?name }
  OPTIONAL { ?ds gk:shareType ?share }
  OPTIONAL { ?ds gk:openType ?open }
} ORDER BY ?id"""

POWER_ITEMS = """
SELECT ?id ?base ?name ?type ?source WHERE {
  ?p gk:implementedBy <%(iri)s> ; dct:identifier ?id .
  OPTIONAL { ?p gk:baseCode ?base }
  OPTIONAL { ?p skos:prefLabel ?name }
  OPTIONAL { ?p gk:itemType ?type }
  OPTIONAL { ?p gk:listSource ?source }
} ORDER BY ?id"""

FUNCTION_INDEX = """
SELECT ?f ?id ?name ?broader ?mandatory ?category WHERE {
  ?f a gk:Function ; dct:identifier ?id .
  OPTIONAL { ?f skos:prefLabel ?name }
  OPTIONAL { ?f skos:broader/dct:identifier ?broader }
  OPTIONAL { ?f gk:mandatory ?mandatory }
  OPTIONAL { ?f gk:category ?category }
}"""

# Who holds duties on a function: the holder, and the agency it counts for.
FUNCTION_DUTIES = """
SELECT ?id ?text ?role ?holder ?agency ?aname WHERE {
  ?d gk:onFunction <%(iri)s> ; a gk:Duty ; dct:identifier ?id ; gk:heldBy ?h .
  ?h dct:identifier ?holder .
  { ?h a gk:Agency . BIND(?h AS ?a) } UNION { ?h org:unitOf ?a }
  ?a dct:identifier ?agency .
  OPTIONAL { ?a skos:prefLabel ?aname }
  OPTIONAL { ?d gk:role ?role }
  OPTIONAL { ?d dct:description ?text }
} ORDER BY ?id"""

FUNCTION_DIVISIONS = """
SELECT ?id ?text ?basis ?agency WHERE {
  ?dv a gk:DivisionClause ; gk:onFunction <%(iri)s> ; dct:identifier ?id .
  OPTIONAL { ?dv dct:description ?text }
  OPTIONAL { ?dv gk:basis ?basis }
  OPTIONAL { ?dv gk:involves/dct:identifier ?agency }
} ORDER BY ?id ?agency"""

DATASET_INDEX = """
SELECT ?ds ?id ?name (GROUP_CONCAT(?source; SEPARATOR=" ") AS ?sources) WHERE {
  ?ds a gk:Dataset ; dct:identifier ?id .
  OPTIONAL { ?ds skos:prefLabel ?name }
  OPTIONAL { ?ds gk:sourceAgency/dct:identifier ?source }
} GROUP BY ?ds ?id ?name"""

DATASET_DUTIES = """
SELECT ?id ?holder ?agency ?kind ?inMandate ?text WHERE {
  ?d gk:onDataset <%(iri)s> ; a gk:DataDuty ; dct:identifier ?id ; gk:heldBy ?h .
  ?h dct:identifier ?holder .
  OPTIONAL { { ?h a gk:Agency . BIND(?h AS ?a) } UNION { ?h org:unitOf ?a }
             ?a dct:identifier ?agency }
  OPTIONAL { ?d gk:dataDutyKind ?kind }
  OPTIONAL { ?d gk:inMandate ?inMandate }
  OPTIONAL { ?d dct:description ?text }
} ORDER BY ?id"""

# The lead duties of agencies (or their units) on functions, for a page of overlaps.
LEAD_DUTIES = """
SELECT ?fid ?agency ?id ?holder ?text WHERE {
  VALUES (?fid ?agency) { %(pairs)s }
  ?f a gk:Function ; dct:identifier ?fid .
  ?a a gk:Agency ; dct:identifier ?agency .
  { ?d gk:heldBy ?a . BIND(?a AS ?h) } UNION { ?h org:unitOf ?a . ?d gk:heldBy ?h }
  ?d gk:onFunction ?f ; gk:role gk:Lead ; dct:identifier ?id .
  ?h dct:identifier ?holder .
  OPTIONAL { ?d dct:description ?text }
}"""  # sorted by the caller: ORDER BY would gather every row before the time limit looks


# --- the web pages ------------------------------------------------------------------------
# Counts of what each government holds: (kind, government, number).
_COUNTED = """
  { ?x a gk:Agency . BIND(?x AS ?a) BIND("agencies" AS ?kind) }
  UNION { ?x org:unitOf ?a . BIND("units" AS ?kind) }
  UNION { ?x a gk:Duty ; gk:heldBy ?h . BIND("duties" AS ?kind)
          { ?h a gk:Agency . BIND(?h AS ?a) } UNION { ?h org:unitOf ?a } }
  UNION { ?x a gk:DataDuty ; gk:heldBy ?h . BIND("data_duties" AS ?kind)
          { ?h a gk:Agency . BIND(?h AS ?a) } UNION { ?h org:unitOf ?a } }
  UNION { ?x a gk:Dataset ; gk:sourceAgency ?a . BIND("datasets" AS ?kind) }
  UNION { ?x gk:implementedBy ?a . BIND("power_items" AS ?kind) }
  ?a gk:government/gk:divisionCode ?gov ."""

COUNTS = "SELECT ?kind ?gov (COUNT(DISTINCT ?x) AS ?n) WHERE {" + _COUNTED + "} GROUP BY ?kind ?gov"

# Every dataset, also those without a source (which no government counts).
DATASET_TOTAL = "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a gk:Dataset }"

STAFFING = """
SELECT ?gov (SUM(?s) AS ?n) WHERE {
  ?a a gk:Agency ; gk:staffing ?s ; gk:government/gk:divisionCode ?gov .
} GROUP BY ?gov"""

# Who is linked to what, for the graph picture: duties on functions (lead or support),
# data duties on datasets, and the source agencies of datasets.
GRAPH_EDGES = """
SELECT DISTINCT ?agency ?target ?edge WHERE {
  { ?d a gk:Duty ; gk:onFunction ?t ; gk:heldBy ?h .
    OPTIONAL { ?d gk:role ?role }
    BIND(IF(COALESCE(?role, gk:Lead) = gk:Lead, "lead", "support") AS ?edge) }
  UNION { ?d a gk:DataDuty ; gk:onDataset ?t ; gk:heldBy ?h . BIND("data" AS ?edge) }
  UNION { ?t a gk:Dataset ; gk:sourceAgency ?h . BIND("source" AS ?edge) }
  { ?h a gk:Agency . BIND(?h AS ?a) } UNION { ?h org:unitOf ?a }
  ?a dct:identifier ?agency . ?t dct:identifier ?target .
}"""

# The chain links of every agency (R10 follows parent where set, else hosted_in).
AGENCY_LINKS = """
SELECT ?id ?parent ?host WHERE {
  ?a a gk:Agency ; dct:identifier ?id .
  OPTIONAL { ?a gk:administeredBy/dct:identifier ?parent }
  OPTIONAL { ?a gk:hostedIn/dct:identifier ?host }
}"""

NAMEPLATES = """
SELECT ?id ?plate WHERE { ?a a gk:Agency ; dct:identifier ?id ; gk:nameplate ?plate }"""

# The files the store was loaded from (the baseline of a draft check).
SOURCE_FILES = """
SELECT DISTINCT ?source WHERE {
  GRAPH ?g { ?g a gk:SourceGraph ; prov:wasDerivedFrom ?source }
} ORDER BY ?source"""


def literal(value: str) -> str:
    """A request value as a SPARQL string literal (escaped)."""
    return json.dumps(value, ensure_ascii=False)


class TimedReader:
    """A generation's reader whose queries run through ``rows`` stop after ``seconds``
    (GOVKG_QUERY_TIMEOUT): every query a page or a REST route runs has a time limit.
    Everything else is the store's own (pyoxigraph cannot stop a query from outside, so
    the time is looked at between solutions)."""

    def __init__(self, store: Any, seconds: float) -> None:
        self.store = store
        self.seconds = seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


def rows(store: Any, sparql: str, **values: str) -> Iterator[dict[str, Any]]:
    """The solutions of a query as dicts of plain values (``None`` when unbound);
    ApiError 503 when a TimedReader's time is up."""
    seconds = store.seconds if isinstance(store, TimedReader) else None
    deadline = None if seconds is None else time.monotonic() + seconds
    store = store.store if isinstance(store, TimedReader) else store
    outcome = run_query(store, sparql % values if values else sparql)
    names = [v.value for v in outcome.results.variables]
    late = False
    for solution in outcome.results:
        if deadline is not None and time.monotonic() > deadline:
            late = True
            break
        yield {n: (None if solution[n] is None else solution[n].value) for n in names}
    if late:
        # pyoxigraph's results must be dropped on the thread that made them, not later
        # with the traceback that keeps this frame
        del outcome, solution
        raise ApiError(
            503,
            f"查询超过时间上限（{seconds:g} 秒），已中止",
            f"stopped: the query took longer than the time limit of {seconds:g} s",
        )


def pairs(items: Iterable[tuple[str, str]]) -> str:
    """VALUES rows of string pairs."""
    return " ".join(f"({literal(a)} {literal(b)})" for a, b in items)
