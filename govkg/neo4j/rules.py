"""The rules R1-R15 and R17 as Cypher (``shapes/cypher/R01.cypher`` ...), run where the graph
lives; R16 from the duty texts read there (:mod:`govkg.neo4j.duty_texts`).

Each query returns one row per finding: ``focus`` (a node's ``uri``) or ``focus_value`` (a
value: R7's base code), and ``related`` (nodes' ``uri``) or ``related_values`` (R8's base
codes), and ``names``: the name properties of the nodes it mentions (``NAMES_OF``), so that
their ids and names come with the findings, not from reads of their own. The rows become
validation results as the SHACL engines give them, and these become findings through
:mod:`govkg.shapes.findings`, with the rule's severity and message templates from
``rules.ttl``, so that both engines give the same findings JSON.

A rule that compares only within one government takes ``$government`` (its node's
``uri``) and runs once per government, finding only what that government owns, so that
the server's time and memory per query are bounded by the largest government; the others
(R1, R7, R11, R13, R17: a dataset's sources, a base code, a link or a transfer may cross
governments) run once over the whole graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import Any
from urllib.parse import quote

from govkg.neo4j.client import Connection
from govkg.neo4j.duty_texts import government_uris, government_weights, r16_findings
from govkg.neo4j.mapping import URI, Namespaces, literal_term, node_term
from govkg.neo4j.sync import read_namespaces
from govkg.ontology.namespaces import GK
from govkg.shapes.engine.results import ValidationResult
from govkg.shapes.findings import (
    NAME_PREDICATES,
    Finding,
    Names,
    RuleBook,
    findings_from_results,
    sort_key,
)
from govkg.shapes.text_rules import TEXT_RULES
from govkg.shapes.transfer_rule import stays
from govkg.store import oxigraph as oxi
from govkg.text import Weights


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


# the ids and names of a node, as each rule's query returns them in its ``names`` column
NAME_KEYS = ("dct__identifier", "divisionCode", "skos__prefLabel", "dct__description")
NAMES_OF = (
    f"[n.{URI}, [k IN keys(n) WHERE any(p IN {list(NAME_KEYS)} WHERE k STARTS WITH p) | [k, n[k]]]]"
)


def rule_results(
    conn: Connection, book: RuleBook, rules: Sequence[str] | None = None
) -> tuple[list[ValidationResult], dict[str, list[Any]]]:
    """The results of every rule in Cypher (or only ``rules``), and the name properties
    of the nodes they mention (uri -> [[key, value] ...]), as the queries return them."""
    shapes = shape_of_rules(book)
    wanted = set(rules) if rules else None
    governments: list[str] | None = None
    results: list[ValidationResult] = []
    named: dict[str, list[Any]] = {}
    weights: dict[str, Weights] = {}  # R17's, of each counterpart's government
    for rule in book.ordered():
        if wanted is not None and rule.id not in wanted:
            continue
        if rule.id in TEXT_RULES:  # judged from texts in Python (duty_texts.py)
            continue
        text = query_text(rule.id)
        runs: list[dict[str, str]] = [{}]
        if "$government" in text:
            governments = government_uris(conn) if governments is None else governments
            runs = [{"government": uri} for uri in governments]
        for params in runs:
            for row in conn.read(text, params):
                if "judge_kind" in row and not _judged(row, conn, weights):
                    continue  # R17: the text judgement keeps it out
                named.update((uri, pairs) for uri, pairs in row["names"])
                results.append(
                    ValidationResult(
                        str(_term_of(row)), None, _value_of(row), shapes[rule.id], "", ""
                    )
                )
    return results, named


def _flat(value: Any) -> list[str]:
    """A property's texts (a key with several values is a list)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [text for item in value for text in _flat(item)]
    return [str(value)]


def _judged(row: dict[str, Any], conn: Connection, weights: dict[str, Weights]) -> bool:
    """Whether a candidate row of a rule with a text judgement (R17) is a finding, its
    terms weighed as R16 weighs them in the counterpart's government."""
    text = " ".join(_flat(row["judge_text"]))
    government = row.get("judge_government")
    if government is not None and government not in weights:
        weights[government] = government_weights(conn, government)
    found = weights.get(government) if government is not None else None
    return stays(row["judge_kind"], text, _flat(row["judge_duties"]), found)


def names_of(named: dict[str, list[Any]], ns: Namespaces) -> Names:
    """Ids and names as :func:`govkg.shapes.findings.lookup_names` reads them from RDF: the
    least value of each predicate, by its literal's text."""
    names = Names()
    for uri, pairs in named.items():
        if uri.startswith("_:"):
            continue  # as there: only IRIs have names
        found: dict[str, list[str]] = {p: [] for p in NAME_PREDICATES}
        for key, value in pairs:
            for item in value if isinstance(value, list) else [value]:
                predicate, term = literal_term(key, item, ns)
                if predicate in found:
                    found[predicate].append(term.value)
        names.add(f"<{uri}>", *(min(found[p], default="") for p in NAME_PREDICATES))
    return names


def validate_neo4j(
    conn: Connection, book: RuleBook, rules: Sequence[str] | None = None
) -> list[Finding]:
    """The findings of the graph in the database, as the SHACL engine gives them."""
    results, named = rule_results(conn, book, rules)
    names = names_of(named, Namespaces(read_namespaces(conn)))
    findings = findings_from_results(results, None, book, names=names)
    if not rules or TEXT_RULES & set(rules):
        findings = sorted(findings + r16_findings(conn, book), key=sort_key)
    return findings
