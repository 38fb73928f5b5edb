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

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from govkg.ontology.namespaces import GK, PREFIXES, RDF, XSD
from govkg.store import oxigraph as oxi

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
    # at most 19 digits: 64 bits (int() refuses over 4,300 digits)
    if datatype == XSD + "integer" and re.fullmatch(r"-?(0|[1-9][0-9]{0,18})", lexical):
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
class PropertyGraph:
    """What a push writes: nodes (uri -> properties), their labels, relationships by type."""

    namespaces: Namespaces
    nodes: dict[str, dict[str, Any]]  # a value, or a sorted list of several
    labels: dict[str, tuple[str, ...]]  # sorted; only nodes that have labels
    relationships: dict[str, list[tuple[str, str]]]
    triples: int

    def relationship_count(self) -> int:
        return sum(len(pairs) for pairs in self.relationships.values())


def property_graph(quads: Iterable[Any], ns: Namespaces, *, distinct: bool = True) -> PropertyGraph:
    """The property graph of distinct RDF triples, given as quads (oxi.union_quads); with
    ``distinct=False`` the triples may come more than once (several graphs' files, a
    file that repeats a line) and each counts once.

    The loop runs once per triple of a province (~17M), so it does as little per triple
    as it can: a subject's node is looked up once for its run of triples (a store lists
    a graph's triples subject by subject; any order is still right), predicates are
    found by their term (each shortened once), node keys are interned (relationships
    share them) and literals of the common kinds skip literal_entry."""
    iri, literal_type = oxi.IRI_TYPE, oxi.LITERAL_TYPE
    nodes: dict[str, dict[str, Any]] = {}
    labels: dict[str, list[str]] = defaultdict(list)
    relationships: dict[str, list[tuple[str, str]]] = defaultdict(list)
    names: dict[str, str] = {}
    predicates: dict[Any, tuple[str, bool]] = {}  # term -> (name, whether rdf:type)
    several: list[tuple[str, str]] = []  # (node, key) with more than one value
    intern = sys.intern
    xsd_string = oxi.named_node(XSD + "string")
    xsd_integer = oxi.named_node(XSD + "integer")
    xsd_boolean = oxi.named_node(XSD + "boolean")
    booleans = {"true": True, "false": False}
    count = 0
    last = subject = props = None
    for quad in quads:
        count += 1
        s, p, o = quad.subject, quad.predicate, quad.object
        if s != last:
            last = s
            subject = intern(s.value if type(s) is iri else "_:" + s.value)
            props = nodes.get(subject)
            if props is None:
                props = nodes[subject] = {}
        found = predicates.get(p)
        if found is None:
            found = predicates[p] = (ns.shorten(p.value), p.value == RDF_TYPE)
        name = found[0]
        kind = type(o)
        if kind is literal_type:
            language = o.language
            if language:
                key, value = f"{name}@{language}", o.value
            else:
                datatype = o.datatype
                value = o.value
                if datatype == xsd_string:
                    key = name
                elif datatype == xsd_integer:
                    try:
                        number: int | None = int(value)
                    except ValueError:
                        number = None
                    # canonical (not "007", "+7" or "1_0") and 64 bits, else as text
                    if number is not None and str(number) == value and -INT64 <= number < INT64:
                        key, value = name, number
                    else:
                        key, value = literal_entry(name, o, ns)
                elif datatype == xsd_boolean and value in booleans:
                    key, value = name, booleans[value]
                else:
                    key, value = literal_entry(name, o, ns)
            old = props.get(key)  # type: ignore[union-attr]
            if old is None:
                props[key] = value  # type: ignore[index]
            elif type(old) is list:
                old.append(value)
            else:
                props[key] = [old, value]  # type: ignore[index]
                several.append((subject, key))  # type: ignore[arg-type]
        elif found[1] and kind is iri:
            label = names.get(o.value)
            if label is None:
                label = names[o.value] = ns.shorten(o.value)
            labels[subject].append(label)  # type: ignore[index]
        else:
            target = intern(o.value if kind is iri else "_:" + o.value)
            if target not in nodes:
                nodes[target] = {}
            relationships[name].append((subject, target))  # type: ignore[arg-type]
    triples = count if distinct else _drop_repeats(nodes, labels, relationships, several)
    for node, key in several:
        _settle(nodes[node], key, ns)
    return PropertyGraph(
        ns,
        nodes,
        {uri: tuple(sorted(found)) for uri, found in labels.items()},
        dict(relationships),
        triples,
    )


def _drop_repeats(
    nodes: dict[str, dict[str, Any]],
    labels: dict[str, list[str]],
    relationships: dict[str, list[tuple[str, str]]],
    several: list[tuple[str, str]],
) -> int:
    """Each triple once (a value once per key: the mapping of literals is one-to-one;
    True and 1 are kept apart), in place; the number of distinct triples."""
    count = 0
    for found in labels.values():
        found[:] = dict.fromkeys(found)
        count += len(found)
    for node, key in several:
        props = nodes[node]
        values = list({(type(v), v): v for v in props[key]}.values())
        props[key] = values if len(values) > 1 else values[0]
    several[:] = [(node, key) for node, key in several if type(nodes[node][key]) is list]
    for kind, pairs in relationships.items():
        relationships[kind] = list(dict.fromkeys(pairs))
        count += len(relationships[kind])
    for props in nodes.values():
        for value in props.values():
            count += len(value) if type(value) is list else 1
    return count


def _settle(props: dict[str, Any], key: str, ns: Namespaces) -> None:
    """A key's several values in a fixed order; if their Cypher types mix (a list must
    not), every value moves to its ``key^^datatype`` (the values are read back as terms,
    which the mapping allows: it is one-to-one)."""
    values = props[key]
    if len({type(value) for value in values}) == 1:
        values.sort()
        return
    del props[key]
    for value in values:
        _predicate, term = literal_term(key, value, ns)
        _lexical, datatype, _language = oxi.literal_parts(term)
        moved = f"{key}^^{ns.shorten(datatype)}"
        old = props.get(moved)
        if old is None:
            props[moved] = term.value
        elif isinstance(old, list):
            old.append(term.value)
            old.sort()
        else:
            props[moved] = sorted([old, term.value])


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
