"""The namespaces of the govkg ontology and the vocabularies it aligns with."""

from __future__ import annotations

from pathlib import Path

GK = "https://govkg.org/ontology#"
ORG = "http://www.w3.org/ns/org#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "gk": GK,
    "org": ORG,
    "dcat": DCAT,
    "dct": DCT,
    "prov": PROV,
    "skos": SKOS,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
}

DEFAULT_BASE_IRI = "https://id.govkg.org/"

ONTOLOGY_FILE = Path(__file__).with_name("govkg.ttl")


def sparql_prefixes() -> str:
    """The PREFIX lines of every namespace above, for SPARQL queries.

    >>> "PREFIX gk: <https://govkg.org/ontology#>" in sparql_prefixes()
    True
    """
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
