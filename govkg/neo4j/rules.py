"""The rules R1-R15 as Cypher (``shapes/cypher/R01.cypher`` ...), run where the graph lives.

Each query returns one row per finding: ``focus`` (a node's ``uri``) or ``focus_value`` (a
value: R7's base code), and ``related`` (nodes' ``uri``) or ``related_values`` (R8's base
codes). The rows become validation results as the SHACL engines give them, and these
become findings through :mod:`govkg.shapes.findings`, with the rule's severity and message
templates from ``rules.ttl`` and the names read from the graph database, so that both
engines give the same findings JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any
from urllib.parse import quote

from govkg.neo4j.client import Connection
from govkg.neo4j.mapping import RESOURCE, URI, Namespaces, node_term, node_triples
from govkg.neo4j.sync import read_namespaces
from govkg.ontology.namespaces import GK
from govkg.shapes.engine.results import ValidationResult
from govkg.shapes.findings import NAME_PREDICATES, Finding, RuleBook, findings_from_results
from govkg.store import oxigraph as oxi

CHUNK = 500


def query_text(rule: str) -> str:
    """The Cypher of a rule (``R1`` is ``cypher/R01.cypher``), comment lines left out."""
    number = int(rule.lstrip("R"))
    text = (
        resources.files("govkg.shapes")
        .joinpath("cypher", f"R{number:02d}.cypher")
        .read_text(encoding="utf-8")
    )
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def shape_of_rules(book: RuleBook) -> dict[str, str]:
    """Each rule's shape, as the SHACL results name it (N-Triples)."""
    sg = book.sg
    return {sg.objects(s, GK + "ruleId")[0].value: str(s) for s in sg.subjects(GK + "ruleId")}


def _term_of(row: dict[str, Any]) -> Any:
    if row.get("focus") is not None:
        return node_term(row["focus"])
    return oxi.literal(str(row["focus_value"]))


def _value_of(row: dict[str, Any]) -> str:
    """The related items encoded as the shapes encode them (see rules.ttl)."""
    tokens = [f"<{uri}>" for uri in row.get("related") or () if uri is not None]
    tokens += [quote(str(v), safe="") for v in row.get("related_values") or () if v is not None]
    return str(oxi.literal(" ".join(tokens)))


def rule_results(
    conn: Connection, book: RuleBook, rules: Sequence[str] | None = None
) -> tuple[list[ValidationResult], set[str]]:
    """The results of every rule (or only ``rules``) and the node uris they mention."""
    shapes = shape_of_rules(book)
    wanted = set(rules) if rules else None
    results: list[ValidationResult] = []
    uris: set[str] = set()
    for rule in book.ordered():
        if wanted is not None and rule.id not in wanted:
            continue
        for row in conn.read(query_text(rule.id)):
            if row.get("focus") is not None:
                uris.add(row["focus"])
            uris.update(u for u in row.get("related") or () if u is not None)
            results.append(
                ValidationResult(str(_term_of(row)), None, _value_of(row), shapes[rule.id], "", "")
            )
    return results, uris


def names_store(conn: Connection, uris: set[str]) -> Any:
    """An in-memory store of the ids and names of these nodes, read from the database."""
    ns = Namespaces(read_namespaces(conn))
    store = oxi.memory_store()
    ordered = sorted(uris)
    for start in range(0, len(ordered), CHUNK):
        rows = conn.read(
            f"UNWIND $uris AS u MATCH (n:{RESOURCE} {{{URI}: u}}) "
            f"RETURN n.{URI} AS uri, properties(n) AS props",
            {"uris": ordered[start : start + CHUNK]},
        )
        triples = [
            t
            for row in rows
            for t in node_triples(row["uri"], (), row["props"], ns)
            if t[1].value in NAME_PREDICATES
        ]
        oxi.add_triples(store, triples)
    return store


def validate_neo4j(
    conn: Connection, book: RuleBook, rules: Sequence[str] | None = None
) -> list[Finding]:
    """The findings of the graph in the database, as the SHACL engine gives them."""
    results, uris = rule_results(conn, book, rules)
    return findings_from_results(results, names_store(conn, uris), book)
