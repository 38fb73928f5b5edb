"""The one module that speaks to pyoxigraph; everything else goes through these functions.

Terms and query results are pyoxigraph's own objects (passed through, not converted,
for speed); use the predicates below rather than importing pyoxigraph elsewhere.

>>> store = memory_store()
>>> load(store, b'<http://e/a> <http://e/p> "x" .', format="nt", graph="http://e/g")
>>> [row["o"].value for row in select(store, "SELECT ?o WHERE { ?s ?p ?o }")]
['x']
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import IO, Any

import pyoxigraph as ox

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
}
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

Store = ox.Store


def rdf_format(name: str) -> ox.RdfFormat:
    """The pyoxigraph format of a short name or file suffix (``ttl``, ``nt``, ``jsonld`` ...)."""
    try:
        return FORMATS[name.lower().lstrip(".")]
    except KeyError:
        raise ValueError(f"unknown RDF format: {name}") from None


def memory_store() -> ox.Store:
    """A new empty in-memory store."""
    return ox.Store()


def disk_store(path: str | os.PathLike[str], *, read_only: bool = False) -> ox.Store:
    """The on-disk store at ``path`` (created when missing, unless read-only)."""
    return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))


def _graph(graph: str | None) -> ox.NamedNode | ox.DefaultGraph:
    return ox.NamedNode(graph) if graph else ox.DefaultGraph()


def load(
    store: ox.Store,
    data: bytes | str | IO[bytes] | None = None,
    *,
    format: str,
    graph: str | None = None,
    path: str | os.PathLike[str] | None = None,
    base_iri: str | None = None,
) -> None:
    """Load RDF in one transaction (all or nothing; held in memory)."""
    store.load(
        data,
        format=rdf_format(format),
        path=None if path is None else str(path),
        to_graph=None if format in ("nq", "nquads", "trig") else _graph(graph),
        base_iri=base_iri,
    )


def bulk_load(
    store: ox.Store,
    data: bytes | str | IO[bytes] | None = None,
    *,
    format: str,
    graph: str | None = None,
    path: str | os.PathLike[str] | None = None,
    trusted: bool = False,
) -> None:
    """Load RDF fast, not atomically: only into a store nobody else sees yet.
    ``trusted`` RDF (made by govkg itself) skips the checks of IRIs and literals."""
    store.bulk_load(
        data,
        format=rdf_format(format),
        path=None if path is None else str(path),
        to_graph=None if format in ("nq", "nquads", "trig") else _graph(graph),
        lenient=trusted,
    )


def parse(
    data: bytes | str | IO[bytes] | None = None,
    *,
    format: str,
    path: str | os.PathLike[str] | None = None,
    base_iri: str | None = None,
) -> Iterator[Any]:
    """The triples or quads of a serialization; raises SyntaxError with line and column."""
    return ox.parse(
        data, format=rdf_format(format), path=None if path is None else str(path), base_iri=base_iri
    )


def query(store: ox.Store, sparql: str, *, union_default: bool = True, **options: Any) -> Any:
    """Run a SPARQL query; the default graph is the union of all graphs unless told not."""
    if "default_graph" in options or "named_graphs" in options:
        union_default = False
        if options.get("default_graph") is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in options["default_graph"]]
        if options.get("named_graphs") is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in options["named_graphs"]]
    return store.query(sparql, use_default_graph_as_union=union_default, **options)


def select(store: ox.Store, sparql: str, **options: Any) -> Iterator[Any]:
    """The solutions of a SELECT query (each indexable by variable name)."""
    return iter(query(store, sparql, **options))


def update(store: ox.Store, sparql: str) -> None:
    """Run a SPARQL update in one transaction."""
    store.update(sparql)


def serialize_results(results: Any, format: str) -> bytes:
    """SELECT/ASK results in a SPARQL results format: json, xml, csv or tsv."""
    return results.serialize(format=RESULT_FORMATS[format])


def serialize_graph(triples: Any, format: str) -> bytes:
    """CONSTRUCT/DESCRIBE results, or any triples, in an RDF format."""
    if hasattr(triples, "serialize"):
        return triples.serialize(format=rdf_format(format))
    return ox.serialize(triples, format=rdf_format(format)) or b""


def dump(
    store: ox.Store,
    output: IO[bytes],
    *,
    format: str,
    graph: str | None = None,
    prefixes: dict[str, str] | None = None,
) -> None:
    """Write one named graph of the store, or (for quad formats) all of it, to ``output``."""
    fmt = rdf_format(format)
    options: dict[str, Any] = {"prefixes": prefixes} if prefixes and _has_prefixes(fmt) else {}
    if graph is not None:
        store.dump(output, format=fmt, from_graph=ox.NamedNode(graph), **options)
    else:
        store.dump(output, format=fmt, **options)


def _has_prefixes(fmt: ox.RdfFormat) -> bool:
    return fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML)


def serialize_stream(
    triples: Iterable[Any],
    output: IO[bytes],
    *,
    format: str,
    prefixes: dict[str, str] | None = None,
) -> None:
    """Serialize triples (e.g. CONSTRUCT results) into ``output`` as they come."""
    fmt = rdf_format(format)
    options: dict[str, Any] = {"prefixes": prefixes} if prefixes and _has_prefixes(fmt) else {}
    ox.serialize(triples, output, format=fmt, **options)


def graph_node(graph: str) -> ox.NamedNode:
    return ox.NamedNode(graph)


def count(store: ox.Store, graph: str | None = None) -> int:
    """The number of quads in one named graph, or in the whole store."""
    if graph is None:
        return len(store)
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    return int(next(iter(solutions))["n"].value)


def named_graphs(store: ox.Store) -> list[str]:
    """The IRIs of the store's named graphs."""
    return [g.value for g in store.named_graphs()]


def quads_of(store: ox.Store, graph: str | None = None) -> Iterable[Any]:
    """The quads of one named graph, or of the whole store."""
    return store.quads_for_pattern(None, None, None, None if graph is None else _graph(graph))


def default_graph_quads(store: ox.Store) -> Iterable[Any]:
    """The quads of the default graph."""
    return store.quads_for_pattern(None, None, None, ox.DefaultGraph())


def union_quads(store: ox.Store) -> Iterator[Any]:
    """The quads of the union of the store's graphs, each triple once (``.subject``,
    ``.predicate``, ``.object``): a triple already given from an earlier graph is
    skipped (a lookup only when there are several). A store of one graph gives its
    quads without a Python loop.

    >>> store = memory_store()
    >>> for g in ("http://e/g1", "http://e/g2"):
    ...     load(store, b'<http://e/a> <http://e/p> "x" .', format="nt", graph=g)
    >>> len(list(union_quads(store)))
    1
    """
    graphs = [ox.DefaultGraph(), *store.named_graphs()]
    filled = [g for g in graphs if next(iter(store.quads_for_pattern(None, None, None, g)), None)]
    if len(filled) == 1:
        return store.quads_for_pattern(None, None, None, filled[0])
    return _union_quads(store, filled)


def _union_quads(store: ox.Store, graphs: list[Any]) -> Iterator[Any]:
    for index, graph in enumerate(graphs):
        earlier = graphs[:index]
        for quad in store.quads_for_pattern(None, None, None, graph):
            s, p, o = quad.subject, quad.predicate, quad.object
            if earlier and any(ox.Quad(s, p, o, g) in store for g in earlier):
                continue
            yield quad


# The term classes, for loops over millions of terms, where ``type(t) is IRI_TYPE`` costs
# a fraction of a call of is_iri.
IRI_TYPE, BLANK_TYPE, LITERAL_TYPE = ox.NamedNode, ox.BlankNode, ox.Literal


def is_iri(term: Any) -> bool:
    return isinstance(term, ox.NamedNode)


def is_blank(term: Any) -> bool:
    return isinstance(term, ox.BlankNode)


def is_literal(term: Any) -> bool:
    return isinstance(term, ox.Literal)


def is_boolean_result(results: Any) -> bool:
    return isinstance(results, ox.QueryBoolean)


def is_graph_result(results: Any) -> bool:
    return isinstance(results, ox.QueryTriples)


def convert_to_ntriples(
    data: bytes, *, format: str, output: IO[bytes], base_iri: str | None = None
) -> None:
    """Re-serialize RDF of any triple format as N-Triples into ``output``."""
    ox.serialize(
        ox.parse(data, format=rdf_format(format), base_iri=base_iri),
        output,
        format=ox.RdfFormat.N_TRIPLES,
    )


def named_node(iri: str) -> ox.NamedNode:
    """An IRI term."""
    return ox.NamedNode(iri)


def blank_node(label: str | None = None) -> ox.BlankNode:
    """A blank node term, with the given label (kept as its id) or a fresh one."""
    return ox.BlankNode(label) if label is not None else ox.BlankNode()


def literal(value: str, *, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    """A literal term: plain, typed (``datatype`` an IRI) or language-tagged."""
    if language:
        return ox.Literal(value, language=language)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def add_quads(store: ox.Store, quads: Iterable[Any]) -> None:
    """Insert already-parsed quads (from :func:`parse`) as they are, blank-node ids kept."""
    store.extend(quads)


def literal_parts(term: Any) -> tuple[str, str, str | None]:
    """(lexical value, datatype IRI, language) of a literal term (every literal has a
    datatype: rdf:langString where it has a language)."""
    return term.value, term.datatype.value, term.language


def add_triples(
    store: ox.Store, triples: Iterable[tuple[Any, Any, Any]], *, graph: str | None = None
) -> None:
    """Insert (subject, predicate, object) term triples into one graph of the store."""
    g = _graph(graph)
    store.extend(ox.Quad(s, p, o, g) for s, p, o in triples)


def in_default_graph(quad: Any) -> bool:
    """Whether a quad lies in the default graph."""
    return isinstance(quad.graph_name, ox.DefaultGraph)


def is_triple_term(term: Any) -> bool:
    """Whether a term is a quoted triple (RDF-star)."""
    return isinstance(term, ox.Triple)


def results_from_json(data: bytes) -> Any:
    """SPARQL results parsed from SPARQL 1.1 Query Results JSON (to re-serialize them)."""
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)


def construct_ntriples(store: ox.Store, sparql: str) -> bytes:
    """The triples of a CONSTRUCT query (the default graph being the store's default
    graph alone) as N-Triples, serialized without passing through Python objects."""
    results = store.query(sparql)
    assert isinstance(results, ox.QueryTriples), "a CONSTRUCT or DESCRIBE query"
    return results.serialize(format=ox.RdfFormat.N_TRIPLES) or b""


def clear_graph(store: ox.Store, graph: str) -> None:
    """Remove a named graph's quads (and the graph) from a store."""
    store.remove_graph(ox.NamedNode(graph))
