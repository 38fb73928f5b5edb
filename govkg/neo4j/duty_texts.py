"""R16 疑似职责交叉 in ``validate --neo4j``: the duty texts read from the database, one
government at a time, judged by the code the store's validation uses
(:func:`govkg.shapes.text_rules.findings_of_rows`), so both give the same findings.

What the store side reads with SPARQL (``text_rules.DUTIES_QUERY``, ``DIVISIONS_QUERY``,
``decisions.DECISIONS_QUERY``) is read here with Cypher: each duty with a text, held by an
agency of the government or by one of its units, with the agency's and the function's
names; the division rows naming two of its agencies; and the decisions people made,
which are rebuilt as RDF in a small store and read by ``read_decisions`` itself. A duty
has one text, one id and one holder (the contract's columns): where the graph has
several, the least is taken.
"""

from __future__ import annotations

from typing import Any

from govkg.neo4j.client import Connection
from govkg.neo4j.mapping import Namespaces, node_triples, relationship_triple
from govkg.neo4j.sync import read_namespaces
from govkg.shapes.decisions import holding_dismissals, read_decisions
from govkg.shapes.findings import Finding, RuleBook
from govkg.shapes.text_rules import RULE, DutyRow, findings_of_rows
from govkg.store import oxigraph as oxi
from govkg.text import SAME_RESPONSIBILITY, Weights

GOVERNMENTS = (
    "MATCH (:Agency)-[:government]->(g:Resource) RETURN DISTINCT g.uri AS uri ORDER BY uri"
)


def _values(node: str, prefix: str) -> str:
    return f"[k IN keys({node}) WHERE k STARTS WITH '{prefix}' | {node}[k]]"


DUTIES = f"""MATCH (:Resource {{uri: $government}})<-[:government]-(a:Agency)
      <-[:org__unitOf*0..1]-(:Resource)<-[:heldBy]-(d:Duty)
OPTIONAL MATCH (d)-[:onFunction]->(f:Resource)
WITH d, a, collect(f) AS functions
RETURN d.uri AS duty, {_values("d", "dct__identifier")} AS ids,
       {_values("d", "dct__description")} AS texts,
       a.uri AS agency, {_values("a", "skos__prefLabel")} AS agency_names,
       [f IN functions | [f.uri, {_values("f", "skos__prefLabel")}]] AS functions"""

DIVISIONS = """MATCH (:Resource {uri: $government})<-[:government]-(a1:Agency)
      <-[:involves]-(c:DivisionClause)-[:onFunction]->(f:Resource)
MATCH (c)-[:involves]->(a2:Resource)
WHERE a2 <> a1
RETURN DISTINCT f.uri AS function, a1.uri AS first, a2.uri AS second"""

DECISIONS = """MATCH (d:Decision)
OPTIONAL MATCH (d)-[x]->(p:Resource)
RETURN d.uri AS uri, labels(d) AS labels, properties(d) AS props,
       collect([type(x), p.uri, labels(p), properties(p)]) AS out"""


def government_uris(conn: Connection) -> list[str]:
    """The governments that have agencies (each rule per government runs once for each)."""
    return [row["uri"] for row in conn.read(GOVERNMENTS)]


def _least(values: Any) -> str:
    """The least of a property's texts (a key with several values holds a list)."""
    flat = [str(v) for value in values for v in (value if isinstance(value, list) else [value])]
    return min(flat, default="")


def duty_rows(conn: Connection, government: str) -> list[DutyRow]:
    """The duties with a text of one government's agencies and units."""
    rows: dict[str, DutyRow] = {}
    for row in conn.read(DUTIES, {"government": government}):
        text = _least(row["texts"])
        if not text or row["duty"] in rows:
            continue
        function, function_name = min(
            ((uri, _least(names)) for uri, names in row["functions"]), default=("", "")
        )
        rows[row["duty"]] = DutyRow(
            iri=row["duty"],
            id=_least(row["ids"]) or row["duty"],
            text=text,
            agency=row["agency"],
            agency_name=_least(row["agency_names"]),
            government=government,
            function=function,
            function_name=function_name,
        )
    return list(rows.values())


def government_weights(conn: Connection, government: str) -> Weights:
    """The weights R16 gives the terms of a government: the IDF over its duties' texts."""
    return Weights.of(row.text for row in duty_rows(conn, government))


def divisions(conn: Connection, government: str) -> set[tuple[str, ...]]:
    """(function, agency, agency) of each division row naming two of its agencies, the
    agencies sorted as text_rules compares them."""
    return {
        (row["function"], *sorted((row["first"], row["second"])))
        for row in conn.read(DIVISIONS, {"government": government})
    }


def dismissals(conn: Connection) -> dict[tuple[str, str, str], str]:
    """The dismissals that hold, read by shapes/decisions.py from the decisions' RDF."""
    found = conn.read(DECISIONS)
    if not found:
        return {}
    ns = Namespaces(read_namespaces(conn))
    triples: list[tuple[Any, Any, Any]] = []
    for row in found:
        triples += node_triples(row["uri"], row["labels"], row["props"], ns)
        for kind, uri, labels, props in row["out"]:
            if uri is not None:
                triples.append(relationship_triple(row["uri"], kind, uri, ns))
                triples += node_triples(uri, labels, props, ns)
    store = oxi.memory_store()
    oxi.load(store, "".join(f"{s} {p} {o} .\n" for s, p, o in triples), format="nt")
    return holding_dismissals(read_decisions(store))


def r16_findings(conn: Connection, book: RuleBook) -> list[Finding]:
    """R16's findings on the database's graph (nothing when the rule book has no R16)."""
    if RULE not in book.rules:
        return []
    dismissed = dismissals(conn)
    found: list[Finding] = []
    for government in government_uris(conn):  # each judged with its own duties' weights
        rows = duty_rows(conn, government)
        divided = divisions(conn, government)
        found += findings_of_rows(rows, divided, dismissed, book, SAME_RESPONSIBILITY)
    return found
