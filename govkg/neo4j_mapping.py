"""RDF to a labelled property graph and back (the mapping of docs/neo4j.md).

Every IRI or blank node becomes one node labelled ``Resource`` whose ``uri`` is the IRI
(a blank node's is ``_:`` and its label). ``rdf:type`` to an IRI becomes a label; another
IRI or blank-node object becomes a relationship; a literal becomes a property. Names
are shortened with prefixes: the govkg ontology's own names stay bare (``Agency``,
``heldBy``, ``staffing``), others are ``prefix__local`` (``org__unitOf``,
``skos__prefLabel``). A literal's key says what its value does not: ``@lang`` for a
language-tagged string (``skos__prefLabel@zh``), ``^^datatype`` for a datatype other
than xsd:string, xsd:integer (64 bits, canonical) and xsd:boolean, which are kept as
Cypher strings, integers and booleans. Several values of one key make a list.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from govkg import oxi
from govkg.ontology.namespaces import GK, PREFIXES, RDF, XSD

RESOURCE = "Resource"  # the label of every node the push owns
URI = "uri"
STAMP = "_stamp"  # internal properties start with "_" and are not RDF
NAMESPACE_LABEL = "_GovkgNamespace"
SEP = "__"
RDF_TYPE = RDF + "type"
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SPLIT = re.compile(r"^(.*[#/])([^#/]*)$")
INT64 = 2**63


class Namespaces:
    """The prefix table: the ontology's prefixes, plus ``ns0``, ``ns1`` ... as needed.

    >>> ns = Namespaces()
    >>> ns.shorten(GK + "Agency"), ns.shorten("http://www.w3.org/ns/org#unitOf")
    ('Agency', 'org__unitOf')
    >>> ns.expand("org__unitOf") == "http://www.w3.org/ns/org#unitOf"
    True
    >>> ns.expand(ns.shorten("http://e.org/x-y"))
    'http://e.org/x-y'
    """

    def __init__(self, extra: dict[str, str] | None = None) -> None:
        self.prefixes: dict[str, str] = dict(PREFIXES)
        self.prefixes.update(extra or {})
        self.by_namespace = {ns: p for p, ns in self.prefixes.items()}

    def _prefix(self, namespace: str) -> str:
        prefix = self.by_namespace.get(namespace)
        if prefix is None:
            number = len(self.prefixes)
            while f"ns{number}" in self.prefixes:
                number += 1
            prefix = f"ns{number}"
            self.prefixes[prefix] = namespace
            self.by_namespace[namespace] = prefix
        return prefix

    def shorten(self, iri: str) -> str:
        found = _SPLIT.match(iri)
        namespace, local = (found.group(1), found.group(2)) if found else (iri, "")
        if local and not _PLAIN.match(local):
            namespace, local = iri, ""
        if (
            namespace == GK
            and local
            and SEP not in local
            and not local.startswith("_")
            and local not in (RESOURCE, URI)
        ):
            return local
        return f"{self._prefix(namespace)}{SEP}{local}"

    def expand(self, name: str) -> str:
        if SEP not in name:
            return GK + name
        prefix, local = name.split(SEP, 1)
        try:
            return self.prefixes[prefix] + local
        except KeyError:
            raise ValueError(f"unknown prefix in the name {name!r}") from None

    def extra(self) -> dict[str, str]:
        return {p: ns for p, ns in self.prefixes.items() if PREFIXES.get(p) != ns}


# --- terms --------------------------------------------------------------------------------
def node_key(term: Any) -> str:
    """The ``uri`` of the node of an IRI or a blank node."""
    return term.value if oxi.is_iri(term) else f"_:{term.value}"


def node_term(key: str) -> Any:
    return oxi.blank_node(key[2:]) if key.startswith("_:") else oxi.named_node(key)


def literal_entry(predicate: str, term: Any, ns: Namespaces) -> tuple[str, Any]:
    """The property key and Cypher value of a literal object."""
    lexical, datatype, language = oxi.literal_parts(term)
    if language:
        return f"{predicate}@{language}", lexical
    if datatype == XSD + "string":
        return predicate, lexical
    if datatype == XSD + "boolean" and lexical in ("true", "false"):
        return predicate, lexical == "true"
    if datatype == XSD + "integer" and re.fullmatch(r"-?(0|[1-9][0-9]*)", lexical):
        number = int(lexical)
        if -INT64 <= number < INT64:
            return predicate, number
    return f"{predicate}^^{ns.shorten(datatype)}", lexical


def literal_term(key: str, value: Any, ns: Namespaces) -> tuple[str, Any]:
    """The predicate IRI and literal term of one property value (the inverse of above)."""
    if "@" in key:
        name, language = key.split("@", 1)
        return ns.expand(name), oxi.literal(str(value), language=language)
    if "^^" in key:
        name, datatype = key.split("^^", 1)
        return ns.expand(name), oxi.literal(str(value), datatype=ns.expand(datatype))
    if isinstance(value, bool):
        return ns.expand(key), oxi.literal("true" if value else "false", datatype=XSD + "boolean")
    if isinstance(value, int):
        return ns.expand(key), oxi.literal(str(value), datatype=XSD + "integer")
    if isinstance(value, float):
        return ns.expand(key), oxi.literal(repr(value), datatype=XSD + "double")
    return ns.expand(key), oxi.literal(str(value), datatype=XSD + "string")


# --- a whole graph -----------------------------------------------------------------------
@dataclass
class Node:
    labels: set[str] = field(default_factory=set)
    values: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))


@dataclass
class PropertyGraph:
    """What a push writes: nodes (uri -> labels, properties), relationships by type."""

    namespaces: Namespaces
    nodes: dict[str, Node]
    relationships: dict[str, set[tuple[str, str]]]
    triples: int
    stamp: str

    def node_rows(self) -> dict[tuple[str, ...], list[dict[str, Any]]]:
        """Rows ``{uri, props}`` grouped by their sorted labels (one query per group)."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for uri in sorted(self.nodes):
            node = self.nodes[uri]
            props: dict[str, Any] = {URI: uri, STAMP: self.stamp}
            props.update(_properties(node.values))
            groups[tuple(sorted(node.labels))].append({"uri": uri, "props": props})
        return dict(groups)

    def relationship_count(self) -> int:
        return sum(len(pairs) for pairs in self.relationships.values())


def _properties(values: dict[str, set[Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, found in values.items():
        items = sorted(found, key=lambda v: (type(v).__name__, v))
        out[key] = items[0] if len(items) == 1 else items
    return out


def property_graph(triples: Iterable[tuple[Any, Any, Any]], ns: Namespaces) -> PropertyGraph:
    """The property graph of RDF triples (duplicates count once)."""
    nodes: dict[str, Node] = defaultdict(Node)
    relationships: dict[str, set[tuple[str, str]]] = defaultdict(set)
    typed: dict[str, dict[str, set[tuple[str, Any]]]] = defaultdict(lambda: defaultdict(set))
    digest = 0
    seen: set[tuple[str, str, str]] = set()
    for s, p, o in triples:
        key = (str(s), str(p), str(o))
        if key in seen:
            continue
        seen.add(key)
        line = f"{key[0]} {key[1]} {key[2]} .".encode()
        digest = (digest + int.from_bytes(hashlib.blake2b(line, digest_size=8).digest())) % 2**64
        subject = node_key(s)
        node = nodes[subject]
        if oxi.is_literal(o):
            prop, value = literal_entry(ns.shorten(p.value), o, ns)
            node.values[prop].add(value)
            typed[subject][prop].add((type(value).__name__, o))
        elif p.value == RDF_TYPE and oxi.is_iri(o):
            node.labels.add(ns.shorten(o.value))
        else:
            nodes[node_key(o)]  # noqa: B018 - the object's node exists even without triples
            relationships[ns.shorten(p.value)].add((subject, node_key(o)))
    # a key whose values mix Cypher types (a list must not): every value gets its datatype
    for subject, props in typed.items():
        for prop, entries in props.items():
            if len({kind for kind, _ in entries}) > 1:
                values = nodes[subject].values
                del values[prop]
                for _kind, term in entries:
                    _lex, datatype, _lang = oxi.literal_parts(term)
                    values[f"{prop}^^{ns.shorten(datatype)}"].add(term.value)
    return PropertyGraph(ns, dict(nodes), dict(relationships), len(seen), f"{digest:016x}")


def node_triples(
    uri: str, labels: Iterable[str], props: dict[str, Any], ns: Namespaces
) -> Iterator[tuple[Any, Any, Any]]:
    """The triples of one node read back (labels and literal properties)."""
    subject = node_term(uri)
    rdf_type = oxi.named_node(RDF_TYPE)
    for label in labels:
        if label != RESOURCE:
            yield subject, rdf_type, oxi.named_node(ns.expand(label))
    for key, value in props.items():
        if key == URI or key.startswith("_"):
            continue
        for item in value if isinstance(value, list) else [value]:
            predicate, term = literal_term(key, item, ns)
            yield subject, oxi.named_node(predicate), term


def relationship_triple(source: str, kind: str, target: str, ns: Namespaces) -> tuple[Any, ...]:
    return node_term(source), oxi.named_node(ns.expand(kind)), node_term(target)
