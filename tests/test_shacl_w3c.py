"""The W3C SHACL test suite (core and sparql) through the default engine, and the default
engine against pyshacl on hand-made graphs.

Reports are compared as sets of (focus, path, value, source shape, component, severity)
with terms in canonical N-Triples; the data, the shapes and the expected report of a case
are read from one parse, so blank-node shapes keep the same ids on both sides. Literals of
the expected report are put through a store once, as the data were (oxigraph keeps
numeric literals in canonical form).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from govkg.shapes.engine.compile_sparql import ShaclFailure
from govkg.shapes.engine.results import SH, ValidationReport, severity_name
from govkg.shapes.engine.shapes_model import ShapesGraph
from govkg.shapes.engine.sparql_engine import validate

from govkg.store import oxigraph as oxi

# Vendored with its W3C licence (tests/data/w3c-shacl-tests/NOTICE.md).
SUITE = Path(__file__).resolve().parent / "data" / "w3c-shacl-tests"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"


@cache
def parsed(path: str) -> tuple[list, ShapesGraph]:
    quads = list(oxi.parse(path=path, format="ttl", base_iri=Path(path).as_uri()))
    return quads, ShapesGraph(quads)


def cases() -> list[tuple[str, str]]:
    """(test id, test file) for every entry reachable from the root manifest; a manifest
    that is missing stops the collection (the suite is part of the repository)."""
    found: list[tuple[str, str]] = []
    todo, seen = [str(SUITE / "manifest.ttl")], set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        if not Path(path).is_file():
            raise FileNotFoundError(f"W3C SHACL suite incomplete: {path} is missing")
        seen.add(path)
        _, g = parsed(path)
        me = Path(path).as_uri()
        for inc in g.objects(oxi.named_node(me), MF + "include"):
            todo.append(inc.value.removeprefix("file://"))
        for lst in g.objects(oxi.named_node(me), MF + "entries"):
            for entry in g.items(lst):
                found.append(
                    (str(Path(path).relative_to(SUITE).parent / entry.value.split("/")[-1]), path)
                )
    return found


def canonical(term_nt: str | None) -> str | None:
    """A literal as a store gives it back (so "01"^^xsd:integer matches "1"^^xsd:integer)."""
    if term_nt is None or not term_nt.startswith('"'):
        return term_nt
    store = oxi.memory_store()
    oxi.load(store, f"<x:s> <x:p> {term_nt} .".encode(), format="nt")
    return str(next(oxi.select(store, "SELECT ?o WHERE { ?s ?p ?o }"))["o"])


def expected(g: ShapesGraph, report) -> tuple[bool, set]:
    conforms = g.value(report, SH + "conforms").value == "true"
    keys = set()
    for r in g.objects(report, SH + "result"):
        path = g.value(r, SH + "resultPath")
        value = g.value(r, SH + "value")
        sev = g.value(r, SH + "resultSeverity")
        keys.add(
            (
                canonical(str(g.value(r, SH + "focusNode"))),
                None if path is None else g.path(path),
                None if value is None else canonical(str(value)),
                str(g.value(r, SH + "sourceShape")),
                str(g.value(r, SH + "sourceConstraintComponent")),
                severity_name(sev.value),
            )
        )
    return conforms, keys


def blank_out(keys: set) -> set:
    """Keys with every blank node replaced by one wildcard (cases whose data, shapes and
    report come from different files cannot share blank-node ids)."""
    return {tuple("_:" if (x or "").startswith("_:") else x for x in k) for k in keys}


def graph_of(ref: str, own: str) -> tuple[list, ShapesGraph]:
    path = ref.removeprefix("file://")
    return parsed(own if path == own else path)


@cache
def outcome(case: str, path: str) -> ValidationReport | None:
    """The default engine's report on one case (None where the case expects a failure
    and the engine raised it), computed once for the case's test and the counts."""
    _, g = parsed(path)
    entry = oxi.named_node(Path(path).with_name(case.split("/")[-1]).as_uri())
    action = g.value(entry, MF + "action")
    data_quads, _ = graph_of(g.value(action, SHT + "dataGraph").value, path)
    _, shapes = graph_of(g.value(action, SHT + "shapesGraph").value, path)
    store = oxi.memory_store()
    oxi.add_quads(store, data_quads)
    result = g.value(entry, MF + "result")
    if oxi.is_iri(result) and result.value == SHT + "Failure":
        with pytest.raises(ShaclFailure):
            validate(store, shapes)
        return None
    return validate(store, shapes)


CASES = cases()


def test_w3c_suite_is_there() -> None:
    """Both parts of the suite are collected: a checkout without them fails here."""
    parts = {case.split("/")[0] for case, _ in CASES}
    assert parts == {"core", "sparql"} and len(CASES) > 100


@pytest.mark.parametrize("case,path", CASES, ids=[c for c, _ in CASES])
def test_w3c(case: str, path: str) -> None:
    report = outcome(case, path)
    if report is None:
        return
    _, g = parsed(path)
    entry = oxi.named_node(Path(path).with_name(case.split("/")[-1]).as_uri())
    conforms, keys = expected(g, g.value(entry, MF + "result"))
    got = {
        tuple(canonical(x) if i in (0, 2) else x for i, x in enumerate(k)) for k in report.key_set()
    }
    assert report.conforms == conforms
    if got != keys:
        assert blank_out(got) == blank_out(keys), sorted(keys ^ got, key=str)


def test_w3c_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Most of the suite's shapes run compiled, few go to pyshacl (printed with -s)."""
    reports = [r for r in (outcome(case, path) for case, path in CASES) if r is not None]
    counts = {
        "cases": len(reports),
        "compiled": sum(r.compiled for r in reports),
        "fallback": sum(r.fallback for r in reports),
    }
    with capsys.disabled():
        print(f"\nW3C SHACL: {counts}")
    assert counts["compiled"] > counts["fallback"]


# --- the default engine against pyshacl on hand-made graphs ---------------------------------
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .
"""
DATA = (
    PREFIXES
    + """
ex:a1 a ex:Agency ; ex:name "Bureau A" ; ex:code "A01" ; ex:hasFunction ex:f1, ex:f2 .
ex:a2 a ex:Agency ; ex:name "Bureau B", "Bureau B2" ; ex:code "bad" ; ex:hasFunction ex:f1 .
ex:a3 a ex:SubAgency ; ex:hasFunction ex:f3 .
ex:f1 a ex:Function ; ex:label "licensing"@en, "许可"@zh ; ex:level 3 .
ex:f2 a ex:Function ; ex:label "audit"@en, "audit2"@en ; ex:level "x" .
ex:f3 a ex:Function ; ex:level 7 ; ex:dup [ ex:label "anon" ] .
ex:SubAgency <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Agency .
"""
)
SHAPES = (
    PREFIXES
    + """
ex:AgencyShape a sh:NodeShape ; sh:targetClass ex:Agency ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] ;
  sh:property [ sh:path ex:code ; sh:pattern "^[A-Z][0-9]+$" ] ;
  sh:property [ sh:path ex:hasFunction ; sh:class ex:Function ; sh:node ex:FunctionShape ] ;
  sh:sparql [ sh:message "{$this} shares {?f} with {?other}"@en ;
    sh:select \"\"\"PREFIX ex: <http://example.org/>
      SELECT $this ?value ?f ?other WHERE {
        $this ex:hasFunction ?f . ?other ex:hasFunction ?f .
        FILTER($this != ?other) BIND(?f AS ?value) }\"\"\" ] .
ex:FunctionShape a sh:NodeShape ;
  sh:property [ sh:path ex:level ; sh:datatype xsd:integer ; sh:maxInclusive 5 ] ;
  sh:property [ sh:path ex:label ; sh:uniqueLang true ; sh:languageIn ("en" "zh") ] .
ex:LabelShape a sh:PropertyShape ; sh:targetSubjectsOf ex:dup ;
  sh:path ( ex:dup ex:label ) ; sh:severity sh:Warning ; sh:in ("x" "y") ;
  sh:sparql [ sh:select \"\"\"SELECT $this ?value WHERE { $this $PATH ?value .
    FILTER(STRLEN(?value) < 5) }\"\"\" ] .
ex:Inverse a sh:NodeShape ; sh:targetClass ex:Function ;
  sh:property [ sh:path [ sh:inversePath ex:hasFunction ] ; sh:minCount 1 ; sh:maxCount 1 ] ;
  sh:or ( [ sh:path ex:level ; sh:minCount 1 ] [ sh:path ex:label ; sh:minCount 1 ] ) .
"""
)


@pytest.mark.parametrize(
    "data,shapes",
    [
        (DATA, SHAPES),
        (DATA.replace('"bad"', '"B02"'), SHAPES.replace("sh:maxCount 1 ;", "")),
        (DATA, SHAPES.replace("ex:Inverse a", "ex:Inverse sh:deactivated true ; a")),
    ],
    ids=["agencies", "fewer-violations", "deactivated"],
)
def test_default_matches_pyshacl(data: str, shapes: str) -> None:
    store = oxi.memory_store()
    oxi.load(store, data.encode(), format="ttl")
    sg = ShapesGraph.parse(shapes)
    ours = validate(store, sg)
    ref = validate(store, sg, engine="pyshacl")
    plain = validate(store, sg, workers=1, batching=False)
    assert ours.fallback == 0
    assert ours.key_set() == ref.key_set() == plain.key_set()
    assert ours.conforms == ref.conforms


def test_sparql_message_substitution() -> None:
    store = oxi.memory_store()
    oxi.load(store, DATA.encode(), format="ttl")
    report = validate(store, SHAPES)
    texts = {m for r in report.results for m in r.messages}
    assert (
        "http://example.org/a1 shares http://example.org/f1 with http://example.org/a2",
        "en",
    ) in texts
    assert all(isinstance(r.severity, str) for r in report.results)
    assert "ValidationReport" in report.to_ntriples()


def test_fallback_to_pyshacl() -> None:
    """A shape the compiler cannot translate (a blank node in sh:in) goes whole to pyshacl,
    the others stay compiled, and the merged results equal pyshacl's."""
    shapes = (
        SHAPES
        + """
ex:OddShape a sh:NodeShape ; sh:targetClass ex:Function ;
  sh:property [ sh:path ex:level ; sh:in ( 3 [ ex:p 1 ] ) ] .
"""
    )
    store = oxi.memory_store()
    oxi.load(store, DATA.encode(), format="ttl")
    sg = ShapesGraph.parse(shapes)
    ours = validate(store, sg)
    assert ours.fallback == 1 and ours.compiled == 3
    assert ours.fallback_shapes == ["<http://example.org/OddShape>"]
    assert ours.key_set() == validate(store, sg, engine="pyshacl").key_set()
    assert any(r.source_shape.startswith("_:") and r.value == '"x"' for r in ours.results)
