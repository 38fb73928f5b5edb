"""SHACL validation results as the findings of ``docs/workbook.md``.

The mapping is generic (see the header of ``shapes/rules.ttl``): the rule, its names and
message templates come from the shapes graph, focus and related from the result's focus
node and ``sh:value``, ids and names from the data. No rule is known here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any
from urllib.parse import unquote

from govkg.ontology.namespaces import DCT, GK, SKOS, XSD
from govkg.shapes.engine.results import RDF_FIRST, RDF_REST, SH, ValidationResult
from govkg.shapes.engine.shapes_model import TARGETS, ShapesGraph

from govkg.store import oxigraph as oxi

SEVERITIES = ("violation", "warning", "info")
STATUSES = ("new", "resolved", "unchanged")
SEVERITY_ZH = {"violation": "违规", "warning": "警告", "info": "提示"}
SHAPE_REFS = ("property", "node", "not", "qualifiedValueShape", "and", "or", "xone")
_RULE_NUMBER = re.compile(r"(\d+)")


def rules_ttl() -> str:
    """The shapes of the rules R1-R15 (package data ``shapes/rules.ttl``)."""
    return resources.files("govkg.shapes").joinpath("rules.ttl").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Rule:
    """A rule as its shape describes it."""

    id: str
    severity: str
    name: dict[str, str]
    message: dict[str, str]

    @property
    def number(self) -> int:
        found = _RULE_NUMBER.search(self.id)
        return int(found.group(1)) if found else 0


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    focus: str
    related: tuple[str, ...]
    message: dict[str, str] = field(compare=False, hash=False)
    status: str | None = None
    # R16: how alike the two texts are and the phrases they share (workbook.md)
    score: float | None = field(default=None, compare=False)
    evidence: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """What makes two findings the same finding (workbook.md)."""
        return (self.rule, self.focus, self.related)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "focus": self.focus,
            "related": list(self.related),
            "message": dict(self.message),
        }
        if self.status is not None:
            out["status"] = self.status
        if self.score is not None:
            out["score"] = self.score
            out["evidence"] = list(self.evidence)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        """The finding of an ``as_dict`` (as JSON gives it back), its status left out: a
        stored baseline's findings are compared afresh."""
        return cls(
            d["rule"], d["severity"], d["focus"], tuple(d["related"]), d["message"],
            score=d.get("score"), evidence=tuple(d.get("evidence", ())),
        )  # fmt: skip


def rule_number(rule: str) -> int:
    found = _RULE_NUMBER.search(rule)
    return int(found.group(1)) if found else 0


def rule_order(rule: str, severity: str) -> tuple[int, int, str]:
    """Where a rule's findings go in every list: most serious first, then rule number."""
    rank = SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)
    return (rank, rule_number(rule), rule)


def sort_key(f: Finding) -> tuple[Any, ...]:
    """Most serious first, then rule number, focus and related."""
    status = STATUSES.index(f.status) if f.status in STATUSES else 0
    return (status, *rule_order(f.rule, f.severity), f.focus, f.related)


# --- the shapes graph -------------------------------------------------------------------
class RuleBook:
    """The rules of a shapes graph and the way from a result's source shape to its rule."""

    def __init__(self, sg: ShapesGraph) -> None:
        self.sg = sg
        self.rules: dict[str, Rule] = {}
        self._by_shape: dict[str, str] = {}
        for shape in sg.subjects(GK + "ruleId"):
            rule_id = sg.objects(shape, GK + "ruleId")[0].value
            severity = sg.value(shape, SH + "severity")
            name = severity.value.rsplit("#", 1)[-1].lower() if severity is not None else ""
            self.rules[rule_id] = Rule(
                rule_id,
                name or "violation",
                _by_language(sg.objects(shape, SH + "name")),
                _by_language(sg.objects(shape, SH + "message")),
            )
            self._by_shape[str(shape)] = rule_id

    def rule_of(self, shape: str) -> str | None:
        """The rule of a shape: its own gk:ruleId, or that of a shape referring to it."""
        seen: set[str] = set()
        todo = [shape]
        while todo:
            current = todo.pop()
            if current in self._by_shape:
                return self._by_shape[current]
            if current in seen:
                continue
            seen.add(current)
            # ShapesGraph looks objects up by their N-Triples string
            for pred in (*(SH + p for p in SHAPE_REFS), RDF_FIRST, RDF_REST):
                todo.extend(str(s) for s in self.sg.subjects(pred, current))
        return None

    def ordered(self) -> list[Rule]:
        return sorted(self.rules.values(), key=lambda r: (r.number, r.id))

    def only(self, rules: Iterable[str]) -> ShapesGraph:
        """The shapes graph in which only the shapes of ``rules`` keep their targets: the
        others are never evaluated (``--rule``)."""
        wanted = set(rules)
        drop = {SH + t for t in TARGETS}
        return ShapesGraph(
            [
                t
                for t in self.sg.triples
                if t.predicate.value not in drop or self.rule_of(str(t.subject)) in wanted
            ]
        )


def _by_language(literals: Iterable[Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for lit in literals:
        if oxi.is_literal(lit):
            out.setdefault(lit.language or "", lit.value)
    return out


# --- terms ---------------------------------------------------------------------------
# A node is its N-Triples string ("<iri>", "_:b"), a literal its text as a Text: a
# province's findings name ~700k nodes, and pyoxigraph terms for each cost seconds.
class Text(str):
    """A literal's text (a node is a plain str in N-Triples form)."""


def parse_term(ntriples: str) -> Any:
    """A pyoxigraph term from its N-Triples string."""
    text = f"<urn:x-govkg:s> <urn:x-govkg:p> {ntriples} .\n".encode()
    return next(iter(oxi.parse(text, format="nt"))).object


def node_of(ntriples: str) -> str:
    """A result's term as a node (str) or a literal's text (Text)."""
    if ntriples.startswith(("<", "_:")):
        return ntriples
    return Text(parse_term(ntriples).value)


def related_terms(value: str | None, focus: str) -> list[str]:
    """The related nodes and texts a result's sh:value encodes (see rules.ttl)."""
    if value is None:
        return []
    if value.startswith(("<", "_:")):
        return [] if value == focus else [value]
    term = parse_term(value)
    _lex, datatype, language = oxi.literal_parts(term)
    if language is not None or datatype != XSD + "string":
        return [Text(term.value)]
    return [
        token if token.startswith("<") and token.endswith(">") else Text(unquote(token))
        for token in term.value.split(" ")
        if token
    ]


def is_node_iri(node: str) -> bool:
    return node.startswith("<") and not isinstance(node, Text)


@dataclass
class Names:
    """Workbook ids and readable names of the data's nodes (keyed "<iri>")."""

    ids: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def add(self, node: str, ident: str, code: str, label: str, text: str) -> None:
        """A node's id (dct:identifier, else gk:divisionCode) and name (skos:prefLabel,
        else a short dct:description); empty strings where it has none."""
        if ident or code:
            self.ids[node] = ident or code
        if label:
            self.names[node] = label
        elif text:
            self.names[node] = f"「{text[:24]}…」" if len(text) > 24 else f"「{text}」"

    def pair(self, node: str) -> tuple[str, str]:
        """(workbook id, readable label) of a node or text."""
        if isinstance(node, Text):
            return str(node), str(node)
        ident = self.ids.get(node) or (node[1:-1] if node.startswith("<") else node)
        name = self.names.get(node)
        return ident, f"{name}({ident})" if name else ident


# what lookup_names reads: a store for validation must keep these (see shapes/footprint.py)
NAME_PREDICATES = (DCT + "identifier", GK + "divisionCode", SKOS + "prefLabel", DCT + "description")
NAMES_QUERY = f"""SELECT ?n (MIN(STR(?id)) AS ?i) (MIN(STR(?code)) AS ?c) (MIN(STR(?label)) AS ?l)
       (MIN(STR(?text)) AS ?t)
WHERE {{ VALUES ?n {{ %s }}
  OPTIONAL {{ ?n <{DCT}identifier> ?id }}
  OPTIONAL {{ ?n <{GK}divisionCode> ?code }}
  OPTIONAL {{ ?n <{SKOS}prefLabel> ?label }}
  OPTIONAL {{ ?n <{DCT}description> ?text }} }}
GROUP BY ?n"""


def lookup_names(
    store: Any,
    nodes: Iterable[str],
    chunk: int = 2000,
    *,
    id_of: Callable[[str], str | None] | None = None,
) -> Names:
    """Ids (dct:identifier, else gk:divisionCode, else what ``id_of`` reads from the IRI)
    and names (skos:prefLabel, else a short dct:description) of the IRIs among
    ``nodes``."""
    iris = sorted({n for n in nodes if is_node_iri(n)})
    parts = [" ".join(iris[i : i + chunk]) for i in range(0, len(iris), chunk)]

    def rows_of(part: str) -> bytes:
        # serialised in Rust (without the GIL, so two run at once) and read by the csv
        # module: reading the solutions term by term took most of the time
        return oxi.serialize_results(oxi.query(store, NAMES_QUERY % part), "csv")

    names = Names()
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="govkg-names") as pool:
        for table in pool.map(rows_of, parts):
            rows = csv.reader(io.StringIO(table.decode()))
            next(rows, None)
            for node, ident, code, label, text in rows:
                names.add(f"<{node}>", ident, code, label, text)
    if id_of is not None:
        for node in iris:
            if node not in names.ids and (made_from := id_of(node[1:-1])):
                names.ids[node] = made_from
    return names


def finding_text(template: str, focus: str, related: Sequence[str], lang: str) -> str:
    empty, sep = ("无", "、") if lang == "zh" else ("none", ", ")
    text = template.replace("{$this}", focus).replace("{?this}", focus)
    joined = sep.join(related) if related else empty
    return text.replace("{$value}", joined).replace("{?value}", joined)


# --- results to findings ----------------------------------------------------------------
def findings_from_results(
    results: Iterable[ValidationResult],
    store: Any,
    book: RuleBook,
    *,
    id_of: Callable[[str], str | None] | None = None,
    names: Names | None = None,
) -> list[Finding]:
    """One finding per (rule, focus, related), sorted; results of shapes without a rule
    are left out. ``id_of`` reads an id from an IRI that has no dct:identifier; ``names``
    are the ids and names when known already (else looked up in ``store``)."""
    staged: list[tuple[Rule, str, Any, list[Any]]] = []
    for result in results:
        rule_id = book.rule_of(result.source_shape)
        if rule_id is None:
            continue
        rule = book.rules[rule_id]
        severity = result.severity.lower() if result.severity else rule.severity
        if severity not in SEVERITIES:
            severity = rule.severity
        focus = node_of(result.focus)
        staged.append((rule, severity, focus, related_terms(result.value, focus)))
    if names is None:
        nodes = [t for _, _, f, rel in staged for t in (f, *rel)]
        names = lookup_names(store, nodes, id_of=id_of)
    found: dict[tuple[str, str, tuple[str, ...]], Finding] = {}
    for rule, severity, focus, related in staged:
        by_id = sorted(map(names.pair, related), key=lambda p: p[0])
        ids = tuple(dict.fromkeys(i for i, _ in by_id))
        labels = list(dict.fromkeys(lbl for _, lbl in by_id))
        focus_id, focus_label = names.pair(focus)
        message = {
            lang: finding_text(
                rule.message.get(lang, rule.message.get("", "")), focus_label, labels, lang
            )
            for lang in ("zh", "en")
        }
        finding = Finding(rule.id, severity, focus_id, ids, message)
        found.setdefault(finding.key, finding)
    return sorted(found.values(), key=sort_key)


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        if f.status != "resolved" and f.severity in out:
            out[f.severity] += 1
    return out


def conforms(findings: Iterable[Finding]) -> bool:
    return not any(f.severity == "violation" and f.status != "resolved" for f in findings)


def as_json(findings: Sequence[Finding]) -> dict[str, Any]:
    """The findings JSON of workbook.md."""
    return {
        "conforms": conforms(findings),
        "counts": counts(findings),
        "findings": [f.as_dict() for f in findings],
    }


def compare(baseline: Sequence[Finding], merged: Sequence[Finding]) -> list[Finding]:
    """Merged findings marked new or unchanged, plus the baseline's resolved ones."""
    before = {f.key for f in baseline}
    after = {f.key for f in merged}
    out = [replace(f, status="unchanged" if f.key in before else "new") for f in merged]
    out += [replace(f, status="resolved") for f in baseline if f.key not in after]
    return sorted(out, key=sort_key)
