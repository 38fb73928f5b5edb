"""The ontology as an rdflib graph, and the list of its terms (for tests, the API and docs).

>>> terms = {t.curie: t for t in list_terms()}
>>> terms["gk:Agency"].kind, terms["gk:Agency"].label["zh"], terms["gk:Agency"].label["en"]
('class', '机构', 'agency')
>>> terms["gk:ConstituentDepartment"].scheme
'gk:AgencyKindScheme'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from .namespaces import GK, ONTOLOGY_FILE, PREFIXES

# Order in which kinds are listed; also the precedence when a term has several types.
KINDS: tuple[str, ...] = (
    "class",
    "object_property",
    "datatype_property",
    "annotation_property",
    "concept_scheme",
    "concept",
    "individual",
)
_TYPE_KIND: dict[URIRef, str] = {
    OWL.Class: "class",
    OWL.ObjectProperty: "object_property",
    OWL.DatatypeProperty: "datatype_property",
    OWL.AnnotationProperty: "annotation_property",
    SKOS.ConceptScheme: "concept_scheme",
    SKOS.Concept: "concept",
    OWL.NamedIndividual: "individual",
}
# Suffixes rdflib knows; anything else is read as Turtle.
_FORMATS = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nq": "nquads",
    ".trig": "trig",
}


@dataclass(frozen=True)
class Term:
    """One declared term: class, property, concept scheme, concept or other individual."""

    iri: str
    curie: str
    kind: str
    label: Mapping[str, str] = field(default_factory=dict)  # language -> text
    definition: Mapping[str, str] = field(default_factory=dict)
    scheme: str | None = None  # for concepts: the CURIE of their scheme

    @property
    def external(self) -> bool:
        """True for terms of the aligned vocabularies (ORG, SKOS, ...), declared here."""
        return not self.iri.startswith(GK)


def curie(iri: str) -> str:
    """The prefixed name of an IRI in one of the project's namespaces, else the IRI.

    >>> curie("https://govkg.org/ontology#Agency"), curie("http://example.org/x")
    ('gk:Agency', 'http://example.org/x')
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def read_rdf(source: Path | bytes, format: str | None = None) -> Graph:
    """An RDF file (format from its suffix) or bytes (N-Triples unless told) as a Graph.

    Quads (N-Quads, TriG) are merged into one graph: the graph names do not matter here.

    >>> len(read_rdf(b'<http://e/a> <http://e/p> "x" .'))
    1
    """
    if isinstance(source, bytes):
        fmt = format or "nt"
        data, location = source, None
    else:
        fmt = format or _FORMATS.get(Path(source).suffix.lower(), "turtle")
        data, location = None, str(source)
    if fmt in ("nquads", "trig"):
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(data=data, source=location, format=fmt)
        merged = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    graph = Graph()
    graph.parse(data=data, source=location, format=fmt)
    return graph


def load_graph(path: Path | None = None) -> Graph:
    """The ontology (``govkg.ttl`` unless another path is given) as a fresh rdflib Graph."""
    graph = read_rdf(Path(path or ONTOLOGY_FILE), format="turtle")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True)
    return graph


def _texts(graph: Graph, subject: URIRef, predicate: URIRef) -> dict[str, str]:
    texts: dict[str, str] = {}
    for obj in graph.objects(subject, predicate):
        if isinstance(obj, Literal) and obj.language:
            texts.setdefault(obj.language, str(obj))
    return dict(sorted(texts.items()))


def terms_of(graph: Graph) -> list[Term]:
    """The named terms a graph declares, sorted by kind then prefixed name."""
    found: dict[URIRef, str] = {}
    for rdf_type, kind in _TYPE_KIND.items():
        for subject in graph.subjects(RDF.type, rdf_type):
            if not isinstance(subject, URIRef):
                continue  # class expressions are blank nodes
            previous = found.get(subject)
            if previous is None or KINDS.index(kind) < KINDS.index(previous):
                found[subject] = kind
    terms = []
    for subject, kind in found.items():
        # Classes and properties carry rdfs:label; concepts and schemes skos:prefLabel.
        label_property = SKOS.prefLabel if kind in ("concept", "concept_scheme") else RDFS.label
        scheme = graph.value(subject, SKOS.inScheme) if kind == "concept" else None
        terms.append(
            Term(
                iri=str(subject),
                curie=curie(str(subject)),
                kind=kind,
                label=_texts(graph, subject, label_property),
                definition=_texts(graph, subject, SKOS.definition),
                scheme=curie(str(scheme)) if scheme is not None else None,
            )
        )
    terms.sort(key=lambda t: (KINDS.index(t.kind), t.curie))
    return terms


@lru_cache(maxsize=1)
def _default_terms() -> tuple[Term, ...]:
    return tuple(terms_of(load_graph()))


def list_terms(path: Path | None = None) -> list[Term]:
    """The terms the ontology declares (the packaged one unless another path is given)."""
    if path is None:
        return list(_default_terms())  # Terms are frozen: sharing the cached ones is safe.
    return terms_of(load_graph(path))


def concept_schemes(path: Path | None = None) -> dict[str, list[Term]]:
    """Each concept scheme's prefixed name and its concepts, sorted by prefixed name.

    >>> [c.label["zh"] for c in concept_schemes()["gk:DutyRoleScheme"]]
    ['牵头', '配合']
    """
    schemes: dict[str, list[Term]] = {}
    terms = list_terms(path)
    for term in terms:
        if term.kind == "concept_scheme":
            schemes[term.curie] = []
    for term in terms:
        if term.kind == "concept" and term.scheme is not None:
            schemes.setdefault(term.scheme, []).append(term)
    return schemes
