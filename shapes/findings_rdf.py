"""Findings as RDF: the findings graph ``{base}graph/findings`` (docs/mapping.md).

Each finding is one ``gk:Finding`` (⊑ ``sh:ValidationResult``) named by a digest of what
makes it the same finding (rule, focus, related), so that a reload gives the same IRIs.
The workbook ids stay literals (``gk:focusId``, ``gk:relatedId``) — a focus may be a base
code or a government code, which name no entity — and where an id belongs to an entity
of the store, ``sh:focusNode`` and ``gk:concerns`` link to it. ``related`` is sorted
(workbook.md), so reading the ids back sorted restores it exactly.

Each finding also keeps the agencies and governments it concerns (``gk:involvesAgency``,
``gk:involvesGovernment``: workbook ids), so that a server reads them instead of finding
them again (shapes/findings_scope.py). The graph describes itself with PROV-O (the graphs
it was derived from, when), the digest of the rules it was computed with, so a reader can
tell whether it is up to date, and ``gk:involvementStored`` when its findings keep those.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from govkg.ontology.namespaces import DCT, GK, PROV, RDF, SH
from govkg.ontology.ntriples import literal, typed
from govkg.shapes.findings import SEVERITIES, Finding, rules_ttl, sort_key
from govkg.shapes.findings_scope import Scope, finding_scopes
from govkg.text import JUDGEMENT_VERSION

from govkg.store import oxigraph as oxi

SEVERITY_IRIS = {name: f"{SH}{name.capitalize()}" for name in SEVERITIES}
SEVERITY_NAMES = {iri: name for name, iri in SEVERITY_IRIS.items()}
_A = f"<{RDF}type>"
_FOCUS_ID, _RELATED_ID, _RULE = GK + "focusId", GK + "relatedId", GK + "ruleId"
_SEVERITY, _MESSAGE, _FOCUS_NODE = SH + "resultSeverity", SH + "resultMessage", SH + "focusNode"
_AGENCY, _GOVERNMENT = GK + "involvesAgency", GK + "involvesGovernment"
# R16: the score and the shared phrases (in their order, one literal: a phrase has no 、)
_SCORE, _EVIDENCE, EVIDENCE_SEPARATOR = GK + "score", GK + "evidence", "、"


def findings_graph(base_iri: str) -> str:
    """The IRI of the named graph holding the findings."""
    return f"{base_iri}graph/findings"


def finding_iri(base_iri: str, finding: Finding) -> str:
    """A stable IRI: the same (rule, focus, related) always gives the same IRI."""
    key = json.dumps([finding.rule, finding.focus, list(finding.related)], ensure_ascii=False)
    return f"{base_iri}finding/{hashlib.sha256(key.encode()).hexdigest()}"


def rules_digest() -> str:
    """The SHA-256 of shapes/rules.ttl and the text judgement's version: stored findings
    are current only under these rules."""
    text = rules_ttl() + "\0" + JUDGEMENT_VERSION
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class GraphInfo:
    """What the findings graph says about itself."""

    derived_from: tuple[str, ...]
    generated_at: str
    rules_digest: str
    count: int
    involvement_stored: bool = False  # each finding keeps its agencies and governments


def finding_ntriples(
    findings: Iterable[Finding],
    base_iri: str,
    entities: dict[str, list[str]],
    scopes: Iterable[Scope] = (),
) -> Iterator[str]:
    """N-Triples of the findings; ``entities`` maps a workbook id to the IRIs it names,
    ``scopes`` are the agencies and governments of each finding (in order), if given."""
    scope_of = iter(scopes)
    for f in findings:
        s = f"<{finding_iri(base_iri, f)}>"
        agencies, governments = next(scope_of, ((), ()))
        for ident in agencies:
            yield f"{s} <{_AGENCY}> {literal(ident)} .\n"
        for code in governments:
            yield f"{s} <{_GOVERNMENT}> {literal(code)} .\n"
        yield f"{s} {_A} <{GK}Finding> .\n"
        yield f"{s} <{_RULE}> {literal(f.rule)} .\n"
        yield f"{s} <{_SEVERITY}> <{SEVERITY_IRIS[f.severity]}> .\n"
        yield f"{s} <{_FOCUS_ID}> {literal(f.focus)} .\n"
        for iri in entities.get(f.focus, ()):
            yield f"{s} <{_FOCUS_NODE}> <{iri}> .\n"
        for ident in f.related:
            yield f"{s} <{_RELATED_ID}> {literal(ident)} .\n"
            for iri in entities.get(ident, ()):
                yield f"{s} <{GK}concerns> <{iri}> .\n"
        for lang, text in f.message.items():
            yield f"{s} <{_MESSAGE}> {literal(text, lang or None)} .\n"
        if f.score is not None:
            yield f"{s} <{_SCORE}> {typed(str(f.score), 'decimal')} .\n"
            yield f"{s} <{_EVIDENCE}> {literal(EVIDENCE_SEPARATOR.join(f.evidence))} .\n"


def graph_ntriples(base_iri: str, info: GraphInfo) -> str:
    """The PROV-O description of the findings graph, with the digest of its rules."""
    g = f"<{findings_graph(base_iri)}>"
    lines = [
        f"{g} {_A} <{GK}FindingsGraph> .\n",
        f"{g} {_A} <{PROV}Entity> .\n",
        f"{g} <{PROV}generatedAtTime> {typed(info.generated_at, 'dateTime')} .\n",
        f"{g} <{PROV}wasAttributedTo> <{GK}govkg> .\n",
        f"{g} <{GK}rulesDigest> {literal(info.rules_digest)} .\n",
        f"{g} <{GK}findingCount> {typed(str(info.count), 'nonNegativeInteger')} .\n",
    ]
    if info.involvement_stored:
        lines.append(f"{g} <{GK}involvementStored> {typed('true', 'boolean')} .\n")
    lines += [f"{g} <{PROV}wasDerivedFrom> <{source}> .\n" for source in info.derived_from]
    return "".join(lines)


# --- the store's side ---------------------------------------------------------------------
def entity_iris(store: Any, ids: Iterable[str], chunk: int = 2000) -> dict[str, list[str]]:
    """The entities (dct:identifier, else a government's gk:divisionCode) each id names."""
    wanted = sorted(set(ids))
    out: dict[str, list[str]] = {}
    for start in range(0, len(wanted), chunk):
        values = " ".join(literal(i) for i in wanted[start : start + chunk])
        results = oxi.query(
            store,
            f"""SELECT DISTINCT ?id ?n WHERE {{ VALUES ?id {{ {values} }}
                  {{ ?n <{DCT}identifier> ?id }} UNION {{ ?n <{GK}divisionCode> ?id }}
                  FILTER (isIRI(?n)) }}""",
        )
        # read as CSV, as shapes/findings.py does: a province names ~700k nodes
        rows = csv.reader(io.StringIO(oxi.serialize_results(results, "csv").decode()))
        next(rows, None)
        for ident, node in rows:
            out.setdefault(ident, []).append(node)
    return {ident: sorted(iris) for ident, iris in out.items()}


def graph_info(store: Any, base_iri: str) -> GraphInfo | None:
    """What the store's findings graph says about itself; None when there is none."""
    graph = findings_graph(base_iri)
    rows = list(
        oxi.select(
            store,
            f"""SELECT ?at ?digest ?count ?stored
                  (GROUP_CONCAT(STR(?from); SEPARATOR=" ") AS ?froms)
                WHERE {{ GRAPH <{graph}> {{ <{graph}> a <{GK}FindingsGraph> ;
                    <{PROV}generatedAtTime> ?at ; <{GK}rulesDigest> ?digest ;
                    <{GK}findingCount> ?count .
                  OPTIONAL {{ <{graph}> <{PROV}wasDerivedFrom> ?from }}
                  OPTIONAL {{ <{graph}> <{GK}involvementStored> ?stored }} }} }}
                GROUP BY ?at ?digest ?count ?stored""",
        )
    )
    if not rows:
        return None
    row = rows[0]
    return GraphInfo(
        tuple(sorted(row["froms"].value.split())),
        row["at"].value,
        row["digest"].value,
        int(row["count"].value),
        row["stored"] is not None and row["stored"].value == "true",
    )


def read_findings(store: Any, base_iri: str) -> list[Finding]:
    """The findings kept in the store's findings graph, sorted as validation sorts them."""
    return [finding for finding, _scope in read_scoped_findings(store, base_iri)]


def read_scoped_findings(store: Any, base_iri: str) -> list[tuple[Finding, Scope]]:
    """The findings kept in the store's findings graph, each with the agencies and
    governments stored with it (empty lists where the graph keeps none: see
    GraphInfo.involvement_stored), sorted as validation sorts the findings."""
    graph = findings_graph(base_iri)
    parts: dict[str, dict[str, Any]] = {}
    for quad in oxi.quads_of(store, graph):
        subject = quad.subject.value
        if subject == graph:
            continue
        entry = parts.setdefault(
            subject, {"related": [], "message": {}, "agencies": [], "governments": []}
        )
        predicate, obj = quad.predicate.value, quad.object
        if predicate == _RULE:
            entry["rule"] = obj.value
        elif predicate == _SEVERITY:
            entry["severity"] = SEVERITY_NAMES.get(obj.value, obj.value)
        elif predicate == _FOCUS_ID:
            entry["focus"] = obj.value
        elif predicate == _RELATED_ID:
            entry["related"].append(obj.value)
        elif predicate == _MESSAGE:
            entry["message"][obj.language or ""] = obj.value
        elif predicate == _SCORE:
            entry["score"] = float(obj.value)
        elif predicate == _EVIDENCE:
            entry["evidence"] = tuple(p for p in obj.value.split(EVIDENCE_SEPARATOR) if p)
        elif predicate == _AGENCY:
            entry["agencies"].append(obj.value)
        elif predicate == _GOVERNMENT:
            entry["governments"].append(obj.value)
    found = [
        (
            Finding(
                e["rule"],
                e["severity"],
                e["focus"],
                tuple(sorted(e["related"])),
                {lang: e["message"][lang] for lang in sorted(e["message"], key=_language_order)},
                score=e.get("score"),
                evidence=e.get("evidence", ()),
            ),
            (sorted(e["agencies"]), sorted(e["governments"])),
        )
        for e in parts.values()
        if {"rule", "severity", "focus"} <= e.keys()
    ]
    return sorted(found, key=lambda pair: sort_key(pair[0]))


def _language_order(lang: str) -> tuple[int, str]:
    return (("zh", "en").index(lang) if lang in ("zh", "en") else 2, lang)


def findings_data(
    store: Any,
    findings: Sequence[Finding],
    base_iri: str,
    info: GraphInfo,
    scopes: Sequence[Scope] | None = None,
) -> Iterator[str]:
    """Everything the findings graph holds: its description, then the findings (with
    their agencies and governments when ``info`` says they are stored: ``scopes`` when
    found already, else found now)."""
    yield graph_ntriples(base_iri, info)
    entities = entity_iris(store, (i for f in findings for i in (f.focus, *f.related)))
    if scopes is None:
        scopes = finding_scopes(store, findings) if info.involvement_stored else ()
    yield from finding_ntriples(findings, base_iri, entities, scopes)
