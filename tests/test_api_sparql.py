"""The SPARQL 1.1 Protocol at /sparql, driven by clients nobody here wrote (SPARQLWrapper,
rdflib's SPARQLStore) and by plain HTTP: formats, negotiation, named graphs, errors,
time and row limits."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from tests.api_server import GRAPH, QUERY_TIMEOUT, ROW_LIMIT, Server

GK = "https://govkg.org/ontology#"
PREFIXES = (
    "PREFIX gk: <https://govkg.org/ontology#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX dct: <http://purl.org/dc/terms/>\n"
)
AGENCY_NAME = (
    PREFIXES
    + """SELECT ?name WHERE {
  ?a a gk:Agency ; dct:identifier "JH-DSJ" ; skos:prefLabel ?name }"""
)


@pytest.fixture(scope="module")
def server(city_server: Server) -> Server:
    return city_server


def wrapper(server: Server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{server.url}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(server: Server, method: str) -> None:
    result = wrapper(server, AGENCY_NAME, JSON, method).queryAndConvert()
    assert result["head"]["vars"] == ["name"]
    binding = result["results"]["bindings"][0]["name"]
    assert binding == {"type": "literal", "value": "江海市大数据管理局", "xml:lang": "zh"}


def test_sparqlwrapper_select_xml_csv_tsv(server: Server) -> None:
    xml = wrapper(server, AGENCY_NAME, XML).queryAndConvert()
    assert "江海市大数据管理局" in xml.toxml()
    text = wrapper(server, AGENCY_NAME, CSV).queryAndConvert().decode()
    assert list(csv.reader(io.StringIO(text))) == [["name"], ["江海市大数据管理局"]]
    tsv = wrapper(server, AGENCY_NAME, TSV).queryAndConvert().decode()
    assert tsv.splitlines() == ["?name", '"江海市大数据管理局"@zh']


def test_sparqlwrapper_ask_and_construct(server: Server) -> None:
    ask = PREFIXES + 'ASK { ?a dct:identifier "JH-DSJ" }'
    assert wrapper(server, ask, JSON).queryAndConvert()["boolean"] is True
    construct = PREFIXES + (
        'CONSTRUCT { ?a skos:prefLabel ?n } WHERE { ?a dct:identifier "JH-DSJ" ; '
        "skos:prefLabel ?n }"
    )
    graph = rdflib.Graph().parse(
        data=wrapper(server, construct, TURTLE).queryAndConvert(), format="turtle"
    )
    assert {str(o) for o in graph.objects()} == {"江海市大数据管理局"}


def test_sparqlwrapper_bad_query_is_400(server: Server) -> None:
    with pytest.raises(QueryBadFormed):
        wrapper(server, "SELECT ?x WHERE { ?x ?y }", JSON).queryAndConvert()


def test_rdflib_sparqlstore(server: Server) -> None:
    graph = rdflib.Graph(store=SPARQLStore(f"{server.url}/sparql", returnFormat="json"))
    rows = list(graph.query(AGENCY_NAME))
    assert [str(r[0]) for r in rows] == ["江海市大数据管理局"]
    ask = graph.query(PREFIXES + 'ASK { ?a dct:identifier "JH-GAJ" }')
    assert ask.askAnswer is True
    xml_graph = rdflib.Graph(store=SPARQLStore(f"{server.url}/sparql", returnFormat="xml"))
    assert len(list(xml_graph.query(AGENCY_NAME))) == 1


@pytest.mark.parametrize(
    ("accept", "media", "marker"),
    [
        (None, "application/sparql-results+json", '"bindings"'),
        ("*/*", "application/sparql-results+json", '"bindings"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
        ("text/csv", "text/csv", "name\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", "?name\n"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", "<"),
        ("text/turtle, text/csv;q=0.9", "text/csv", "name"),
    ],
)
def test_select_negotiation(server: Server, accept: str | None, media: str, marker: str) -> None:
    headers = {"Accept": accept} if accept else {}
    with server.client() as client:
        response = client.get("/sparql", params={"query": AGENCY_NAME}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert marker in response.text and "江海市大数据管理局" in response.text


CONSTRUCT = PREFIXES + 'DESCRIBE ?a WHERE { ?a dct:identifier "JH-DSJ" }'


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        (None, "text/turtle", "turtle"),
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_graph_negotiation(server: Server, accept: str | None, media: str, fmt: str) -> None:
    headers = {"Accept": accept} if accept else {}
    with server.client() as client:
        response = client.get("/sparql", params={"query": CONSTRUCT}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    assert len(graph) > 5
    assert rdflib.Literal("江海市大数据管理局", lang="zh") in set(graph.objects())


def test_not_acceptable(server: Server) -> None:
    with server.client() as client:
        response = client.get(
            "/sparql", params={"query": AGENCY_NAME}, headers={"Accept": "image/png"}
        )
    assert response.status_code == 406
    assert response.json()["error"]["status"] == 406


def test_post_form_and_direct(server: Server) -> None:
    with server.client() as client:
        form = client.post("/sparql", data={"query": AGENCY_NAME})
        direct = client.post(
            "/sparql",
            content=AGENCY_NAME.encode(),
            headers={"Content-Type": "application/sparql-query"},
        )
        other = client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert form.status_code == direct.status_code == 200
    assert form.json() == direct.json()
    assert other.status_code == 415


COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(server: Server, query: str = COUNT_ALL, **params: object) -> int:
    with server.client() as client:
        response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_named_graphs(server: Server) -> None:
    union = count(server)
    city = count(server, **{"default-graph-uri": GRAPH})
    ontology = count(server, **{"default-graph-uri": "https://govkg.org/ontology"})
    # the load also stored the findings of the rules in their own graph
    findings = count(server, **{"default-graph-uri": "https://id.govkg.org/graph/findings"})
    every = [GRAPH, "https://govkg.org/ontology", "https://id.govkg.org/graph/findings"]
    both = count(server, **{"default-graph-uri": every})
    assert 0 < city < union and 0 < ontology < union and 0 < findings < union
    assert both == union
    assert count(server, **{"default-graph-uri": "https://nowhere.example/g"}) == 0
    in_graph = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert count(server, in_graph, **{"named-graph-uri": GRAPH}) == city
    with server.client() as client:  # the same through a POST form
        response = client.post("/sparql", data={"query": COUNT_ALL, "default-graph-uri": GRAPH})
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == city


def test_syntax_error_has_position(server: Server) -> None:
    with server.client() as client:
        response = client.get("/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y }"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["zh"].startswith("查询语法错误")
    problem = error["problems"][0]
    assert problem["line"] == 2 and problem["char"] > 0
    assert "Traceback" not in response.text


def test_time_limit_kills_the_query(server: Server) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    with server.client() as client:
        response = client.get("/sparql", params={"query": runaway})
    took = time.monotonic() - started
    assert response.status_code == 503
    assert "time limit" in response.json()["error"]["en"]
    assert QUERY_TIMEOUT <= took < QUERY_TIMEOUT + 10
    assert count(server) > 0  # the killed worker was replaced


def test_row_limit(server: Server) -> None:
    with server.client() as client:
        many = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        few = client.get(
            "/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {ROW_LIMIT}"}
        )
        graph = client.get(
            "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"Accept": "text/turtle"},
        )
    assert many.status_code == 400
    assert f"{ROW_LIMIT:,}" in many.json()["error"]["problems"][0]["en"]
    assert few.status_code == 200 and len(few.json()["results"]["bindings"]) == ROW_LIMIT
    assert graph.status_code == 400


def test_sparql_endpoint_refuses_updates(server: Server) -> None:
    update = "INSERT DATA { <https://e/a> <https://e/p> 'x' }"
    with server.client() as client:
        form = client.post("/sparql", data={"update": update})
        direct = client.post(
            "/sparql", content=update, headers={"Content-Type": "application/sparql-update"}
        )
        as_query = client.get("/sparql", params={"query": update})
    assert form.status_code == direct.status_code == 403
    assert as_query.status_code == 400
    assert count(server, "SELECT (COUNT(*) AS ?n) WHERE { <https://e/a> ?p ?o }") == 0


def test_prefixes_are_predeclared_and_json_is_valid(server: Server) -> None:
    query = "SELECT ?n WHERE { ?a a gk:Agency ; skos:prefLabel ?n } LIMIT 3"
    with server.client() as client:
        response = client.get("/sparql", params={"query": query})
    data = json.loads(response.content)
    assert len(data["results"]["bindings"]) == 3
