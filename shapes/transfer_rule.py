"""R17 划转职责无人承接: the part of the rule SPARQL cannot say.

The shape ``gks:R17`` (shapes/rules.ttl) gives the candidates: every transfer of kind
划出, 交给 or 划入 that names a counterpart agency of the workbook. The text judgement
(:func:`govkg.shapes.transfer_judgement.states_same`) decides them: a transfer out (划出,
交给) stays a finding when none of the counterpart's duties (its units' included) states
the responsibility; a transfer in (划入) when one of them still does. The terms are weighed
as R16 weighs them in the counterpart's government (the IDF over its duties' texts); the
transfer's own text is not one of them: a term of it no duty there uses weighs the most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from govkg.ontology.namespaces import DCT, GK, ORG
from govkg.shapes.decisions import holding_dismissals, read_decisions, transfer_digest
from govkg.shapes.engine.results import ValidationResult
from govkg.shapes.findings import RuleBook
from govkg.shapes.text_rules import government_weights
from govkg.shapes.transfer_judgement import SAME, states_same
from govkg.text import Weights

from govkg.store import oxigraph as oxi

RULE = "R17"
TRANSFER_IN = GK + "TransferIn"
_IRI = re.compile(r"<([^<>\s\"]+)>")
_TEXTS = f"""
SELECT ?t ?tid ?c ?cid ?cg ?kind ?text ?d ?duty WHERE {{
  VALUES (?t ?c) {{ %s }}
  ?t <{GK}transferKind> ?kind .
  OPTIONAL {{ ?c <{GK}government> ?cg }}
  OPTIONAL {{ ?t <{DCT}identifier> ?tid }}
  OPTIONAL {{ ?c <{DCT}identifier> ?cid }}
  OPTIONAL {{ ?t <{DCT}description> ?text }}
  OPTIONAL {{
    {{ ?d <{GK}heldBy> ?c }} UNION {{ ?d <{GK}heldBy> ?u . ?u <{ORG}unitOf> ?c }}
    ?d a <{GK}Duty> ; <{DCT}description> ?duty .
  }}
}}"""


def stays(kind: str, text: str, duty_texts: Iterable[str], weights: Weights | None = None) -> bool:
    """Whether a candidate transfer is a finding: out (划出, 交给) when no duty of the
    counterpart states it, in (划入, ``kind`` gk:TransferIn) when one still does;
    ``weights``: those of the counterpart's government."""
    stated = any(states_same(text, duty, weights=weights) >= SAME for duty in duty_texts)
    return stated if kind == TRANSFER_IN else not stated


def rule_shape(book: RuleBook) -> str | None:
    """R17's shape as results name it (N-Triples), or None when the rules have no R17."""
    for shape in book.sg.subjects(GK + "ruleId"):
        rule = book.sg.value(shape, GK + "ruleId")
        if rule is not None and rule.value == RULE:
            return str(shape)
    return None


def judged(results: Sequence[ValidationResult], store: Any, book: RuleBook) -> list[Any]:
    """The results with R17's candidates decided by the text judgement (texts read from
    ``store``, the graph the rules ran on)."""
    shape = rule_shape(book)
    candidates = [r for r in results if r.source_shape == shape]
    if not candidates:
        return list(results)
    pairs = {(r.focus, _counterpart(r)) for r in candidates}
    values = " ".join(f"({t} <{c}>)" for t, c in pairs if c)
    kinds: dict[tuple[str, str], str] = {}
    texts: dict[tuple[str, str], str] = {}
    ids: dict[tuple[str, str], tuple[str, str]] = {}
    duties: dict[tuple[str, str], dict[str, str]] = {pair: {} for pair in pairs}
    government: dict[tuple[str, str], str] = {}
    for row in oxi.select(store, _TEXTS % values):
        pair = (str(row["t"]), row["c"].value)
        kinds[pair] = row["kind"].value
        if row["cg"] is not None:
            government[pair] = row["cg"].value
        texts[pair] = row["text"].value if row["text"] is not None else ""
        ids[pair] = tuple(row[k].value if row[k] is not None else "" for k in ("tid", "cid"))  # type: ignore[assignment]
        if row["duty"] is not None:
            duties[pair][str(row["d"])] = row["duty"].value
    dismissed = holding_dismissals(d for d in read_decisions(store) if d.rule == RULE)

    def holds(pair: tuple[str, str]) -> bool:
        digest = dismissed.get((RULE, *ids[pair]))
        return digest is not None and digest == transfer_digest(texts[pair], duties[pair].values())

    weights = government_weights(store, government.values())

    def stated(p: tuple[str, str]) -> bool:
        return stays(kinds[p], texts[p], duties[p].values(), weights.get(government.get(p, "")))

    kept = {p for p in pairs if p in kinds and stated(p) and not holds(p)}
    return [r for r in results if r.source_shape != shape or (r.focus, _counterpart(r)) in kept]


def _counterpart(result: ValidationResult) -> str:
    found = _IRI.search(result.value or "")
    return found.group(1) if found else ""
