"""What a person decided about a finding of R16 or R17: dismissed (not an overlap, not a
gap) or confirmed.

Decisions live in their own named graph ``{base}graph/decisions``, which no load
replaces, so they are kept across reloads. Each is a ``gk:Decision`` (a ``prov:Entity``)
with who made it and when (PROV-O), the finding it is about (rule, focus, related) and a
digest of the texts it was judged from, as they were: a dismissal holds only while they
are unchanged (R16: both duty texts; R17: the transfer's text and every duty text of the
counterpart agency).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from govkg.ontology.namespaces import GK, PROV, RDF, RDFS, SKOS
from govkg.ontology.ntriples import literal, typed

from govkg.store import oxigraph as oxi

KINDS = ("dismiss", "confirm")
DECIDABLE = frozenset({"R16", "R17"})
KIND_ZH = {"dismiss": "排除", "confirm": "确认"}
_A = f"<{RDF}type>"


def decisions_graph(base_iri: str) -> str:
    return f"{base_iri}graph/decisions"


def text_digest(text_a: str, text_b: str) -> str:
    """The digest of a pair's two texts, in the order of their duties' ids."""
    return hashlib.sha256(f"{text_a}\x1f{text_b}".encode()).hexdigest()


def transfer_digest(transfer_text: str, duty_texts: Iterable[str]) -> str:
    """The digest of an R17 finding's texts: the transfer's, and the counterpart's duty
    texts in any order (a new, changed or removed duty of the counterpart changes it)."""
    return text_digest(transfer_text, "\x1e".join(sorted(duty_texts)))


@dataclass(frozen=True)
class Decision:
    """A person's decision on a finding; ``digest`` is :func:`text_digest` of its texts."""

    rule: str
    focus: str
    related: str
    kind: str
    digest: str
    who: str
    when: str
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.focus, self.related)

    def iri(self, base_iri: str) -> str:
        ident = "|".join((self.rule, self.focus, self.related, self.when, self.who))
        return f"{base_iri}decision/{hashlib.sha256(ident.encode()).hexdigest()[:32]}"

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "focus": self.focus,
            "related": self.related,
            "decision": self.kind,
            "digest": self.digest,
            "who": self.who,
            "when": self.when,
            "note": self.note,
        }


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decision_ntriples(decisions: Iterable[Decision], base_iri: str) -> Iterator[str]:
    """N-Triples of the decisions graph (PROV-O: the person is a prov:Agent)."""
    for d in decisions:
        s = f"<{d.iri(base_iri)}>"
        person = f"<{base_iri}person/{quote(d.who, safe='')}>"
        yield f"{s} {_A} <{GK}Decision> .\n"
        yield f"{s} {_A} <{PROV}Entity> .\n"
        yield f"{s} <{GK}decisionKind> {literal(d.kind)} .\n"
        yield f"{s} <{GK}ruleId> {literal(d.rule)} .\n"
        yield f"{s} <{GK}decidedFocus> {literal(d.focus)} .\n"
        yield f"{s} <{GK}decidedRelated> {literal(d.related)} .\n"
        yield f"{s} <{GK}textDigest> {literal(d.digest)} .\n"
        yield f"{s} <{PROV}wasAttributedTo> {person} .\n"
        yield f"{s} <{PROV}generatedAtTime> {typed(d.when, 'dateTime')} .\n"
        if d.note:
            yield f"{s} <{RDFS}comment> {literal(d.note, 'zh')} .\n"
        yield f"{person} {_A} <{PROV}Agent> .\n"
        yield f"{person} <{SKOS}prefLabel> {literal(d.who)} .\n"


DECISIONS_QUERY = f"""SELECT ?kind ?rule ?focus ?related ?digest ?who ?when ?note WHERE {{
  ?d <{GK}decisionKind> ?kind ; <{GK}ruleId> ?rule ; <{GK}decidedFocus> ?focus ;
     <{GK}decidedRelated> ?related ; <{GK}textDigest> ?digest .
  OPTIONAL {{ ?d <{PROV}wasAttributedTo>/<{SKOS}prefLabel> ?who }}
  OPTIONAL {{ ?d <{PROV}generatedAtTime> ?when }}
  OPTIONAL {{ ?d <{RDFS}comment> ?note }} }}"""


def read_decisions(store: Any) -> list[Decision]:
    """Every decision in the store (in any graph: a validation copy holds one), oldest
    first."""
    rows = csv.reader(
        io.StringIO(oxi.serialize_results(oxi.query(store, DECISIONS_QUERY), "csv").decode())
    )
    next(rows, None)
    found = [
        Decision(r, f, rel, k, dg, who, when, note) for k, r, f, rel, dg, who, when, note in rows
    ]
    return sorted(found, key=lambda d: (d.when, d.key))


def holding_dismissals(decisions: Iterable[Decision]) -> dict[tuple[str, str, str], str]:
    """The digest each pair was last decided with, where that last decision dismissed it."""
    last: dict[tuple[str, str, str], Decision] = {}
    for d in decisions:
        last[d.key] = d
    return {key: d.digest for key, d in last.items() if d.kind == "dismiss"}
