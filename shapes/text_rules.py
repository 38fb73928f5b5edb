"""R16 疑似职责交叉: the rule judged from duty texts, made into findings like the SHACL
rules' (docs/workbook.md).

Two duties of two agencies of one government (a unit's duty counts as its agency's)
whose texts the text judgement (govkg.text) finds to state the same responsibility make
one finding, focus the smaller duty id, related the other; with ``score`` and
``evidence``. The terms are weighed by their IDF over the duties of that government (each
duty with a text held by one of its agencies or their units, one document each): a
government's findings depend on its own rows only, like the other rules within one
government. Left out: a pair on one function for which a division row names both
agencies, and a pair a person dismissed while both texts are as they were then
(shapes/decisions.py). R16 is of severity info: it never changes ``conforms``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from govkg.ontology.namespaces import DCT, GK, ORG, SKOS
from govkg.shapes.decisions import holding_dismissals, read_decisions, text_digest
from govkg.shapes.findings import Finding, RuleBook, finding_text
from govkg.text import SAME_RESPONSIBILITY, Duty, Weights, similar_pairs

from govkg.store import oxigraph as oxi

RULE = "R16"
TEXT_RULES = frozenset({RULE})
SHORT_TEXT = 24

DUTIES_QUERY = f"""SELECT ?duty ?id ?text ?agency ?agencyName ?gov ?function ?functionName
WHERE {{
  ?duty a <{GK}Duty> ; <{DCT}description> ?text ; <{GK}heldBy> ?holder .
  OPTIONAL {{ ?duty <{DCT}identifier> ?id }}
  {{ ?holder a <{GK}Agency> BIND (?holder AS ?agency) }} UNION {{ ?holder <{ORG}unitOf> ?agency }}
  ?agency <{GK}government> ?gov .
  OPTIONAL {{ ?agency <{SKOS}prefLabel> ?agencyName }}
  OPTIONAL {{ ?duty <{GK}onFunction> ?function
    OPTIONAL {{ ?function <{SKOS}prefLabel> ?functionName }} }}
}}"""

# the texts R16 weighs a government's terms over (its rows of DUTIES_QUERY), one per duty
GOVERNMENT_TEXTS_QUERY = f"""SELECT ?gov ?duty (MIN(?text) AS ?least) WHERE {{
  VALUES ?gov {{ %s }}
  ?agency <{GK}government> ?gov .
  {{ ?agency a <{GK}Agency> BIND (?agency AS ?holder) }} UNION {{ ?holder <{ORG}unitOf> ?agency }}
  ?duty a <{GK}Duty> ; <{GK}heldBy> ?holder ; <{DCT}description> ?text .
}} GROUP BY ?gov ?duty"""

DIVISIONS_QUERY = f"""SELECT DISTINCT ?function ?a1 ?a2 WHERE {{
  ?c a <{GK}DivisionClause> ; <{GK}onFunction> ?function ; <{GK}involves> ?a1, ?a2 .
  FILTER (STR(?a1) < STR(?a2)) }}"""


@dataclass(frozen=True)
class DutyRow:
    iri: str
    id: str
    text: str
    agency: str
    agency_name: str
    government: str
    function: str
    function_name: str


def _rows(store: Any, query: str) -> list[list[str]]:
    table = oxi.serialize_results(oxi.query(store, query), "csv").decode()
    rows = csv.reader(io.StringIO(table))
    next(rows, None)
    return list(rows)


def duty_rows(store: Any, id_of: Callable[[str], str | None] | None = None) -> list[DutyRow]:
    """Every duty with a text, its agency and government, one row per duty."""
    seen: dict[str, DutyRow] = {}
    for iri, ident, text, agency, agency_name, gov, function, function_name in _rows(
        store, DUTIES_QUERY
    ):
        if iri in seen:
            continue
        ident = ident or (id_of(iri) if id_of else None) or iri
        seen[iri] = DutyRow(iri, ident, text, agency, agency_name, gov, function, function_name)
    return list(seen.values())


def government_weights(store: Any, governments: Iterable[str]) -> dict[str, Weights]:
    """The weights R16 gives the terms of each government (IRIs): the IDF over the texts of
    its duties, its units' included, one document per duty (R17 judges with them)."""
    wanted = sorted(set(governments))
    texts: dict[str, list[str]] = {g: [] for g in wanted}
    if wanted:
        values = " ".join(f"<{g}>" for g in wanted)
        for gov, _duty, text in _rows(store, GOVERNMENT_TEXTS_QUERY % values):
            texts[gov].append(text)
    return {g: Weights.of(found) for g, found in texts.items()}


def short(text: str) -> str:
    return f"「{text[:SHORT_TEXT]}…」" if len(text) > SHORT_TEXT else f"「{text}」"


def label(row: DutyRow) -> str:
    return f"{row.agency_name}{short(row.text)}({row.id})"


def r16_findings(
    store: Any,
    book: RuleBook,
    *,
    id_of: Callable[[str], str | None] | None = None,
    threshold: float = SAME_RESPONSIBILITY,
) -> list[Finding]:
    """The findings of R16 on a store (nothing when the rule book has no R16)."""
    if RULE not in book.rules:
        return []
    divided = {tuple(r) for r in _rows(store, DIVISIONS_QUERY)}
    dismissed = holding_dismissals(read_decisions(store))
    rows = duty_rows(store, id_of)
    return findings_of_rows(rows, divided, dismissed, book, threshold)


def findings_of_rows(
    rows: Sequence[DutyRow],
    divided: set[tuple[str, ...]],
    dismissed: dict[tuple[str, str, str], str],
    book: RuleBook,
    threshold: float,
) -> list[Finding]:
    """R16 over duty rows: ``divided`` holds (function, agency, agency) with the agencies
    sorted, ``dismissed`` the digest each dismissed pair holds for. A government's terms
    are weighed over its rows: give every duty row of each government judged."""
    rule = book.rules[RULE]
    by_key = {r.iri: r for r in rows}

    def skip(a: Duty, b: Duty) -> bool:
        first, second = by_key[a.key], by_key[b.key]
        pair = (first.function, *sorted((first.agency, second.agency)))
        if first.function and first.function == second.function and pair in divided:
            return True
        low, high = sorted((first, second), key=lambda r: r.id)
        digest = dismissed.get((RULE, low.id, high.id))
        return digest is not None and digest == text_digest(low.text, high.text)

    duties = [Duty(r.iri, r.government, r.agency, r.text, r.function_name) for r in rows]
    found: list[Finding] = []
    for pair in similar_pairs(duties, threshold=threshold, skip=skip):
        low, high = sorted((by_key[pair.first.key], by_key[pair.second.key]), key=lambda r: r.id)
        found.append(_finding(rule, low, high, pair.judgement.score, pair.judgement.evidence))
    return found


def _finding(
    rule: Any, low: DutyRow, high: DutyRow, score: float, evidence: Sequence[str]
) -> Finding:
    shared = {"zh": "；共有表述：" + "、".join(evidence), "en": "; shared: " + ", ".join(evidence)}
    message = {
        lang: finding_text(rule.message.get(lang, ""), label(low), [label(high)], lang)
        + (shared[lang] if evidence else "")
        for lang in ("zh", "en")
    }
    return Finding(
        RULE, rule.severity, low.id, (high.id,), message, score=score, evidence=tuple(evidence)
    )
