"""Validating without the triples no rule can see gives the same findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from govkg.loaders.mapping import IriMaker
from govkg.loaders.workbook import read_workbook
from govkg.ontology.namespaces import DCT, GK
from govkg.shapes.engine.shapes_model import ShapesGraph
from govkg.shapes.footprint import visible_classes, visible_predicates
from govkg.shapes.store_validation import rule_book, validate_store

from govkg.store import oxigraph as oxi
from govkg.synthetic import generate_workbook
from govkg.validating import sources

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://ex/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:select "SELECT $this WHERE { %s }" ] ."""


def test_the_rules_see_what_they_check_and_not_the_rest() -> None:
    seen = visible_predicates(rule_book().sg)
    assert seen is not None
    assert {GK + "onFunction", GK + "implCode", GK + "chainNext"} <= seen
    assert not {GK + "material", GK + "timeLimitDays", GK + "sourceRow"} & seen


@pytest.mark.parametrize(
    "pattern",
    [
        "$this ?p ?o .",
        "$this <https://ex/a>/!<https://ex/b> ?o .",
        "$this ^!<https://ex/b> ?o .",
        "FILTER NOT EXISTS { $this <https://ex/a> ?x . ?x ?p ?o }",
    ],
)
def test_a_query_that_sees_any_predicate_turns_pruning_off(pattern: str) -> None:
    assert visible_predicates(ShapesGraph.parse(PREFIXES % pattern)) is None


def test_a_query_naming_its_predicates_keeps_them() -> None:
    seen = visible_predicates(ShapesGraph.parse(PREFIXES % "$this <https://ex/a>+ ?o ."))
    assert seen is not None and "https://ex/a" in seen and "https://ex/b" not in seen


def test_the_rules_see_no_power_items_type_and_no_ids() -> None:
    sg = rule_book().sg
    classes = visible_classes(sg)
    assert classes is not None
    assert {GK + "Duty", GK + "InternalUnit", GK + "Agency", GK + "Dataset"} <= classes
    assert GK + "PowerItem" not in classes
    assert DCT + "identifier" not in visible_predicates(sg, ids_in_iris=True)
    assert DCT + "identifier" in visible_predicates(sg)


TESTED = "<https://ex/C>"


@pytest.mark.parametrize(
    "pattern",
    [
        "$this a ?t .",  # any class will do
        f"$this a ?t FILTER (?t = {TESTED} || true)",  # not a conjunct
        f"$this a ?t FILTER (?t != {TESTED})",
        f"$this a ?t FILTER (?t = {TESTED}) BIND (STR(?t) AS ?x)",  # used elsewhere
        f"$this a ?t . OPTIONAL {{ ?y <https://ex/p> $this FILTER (?t = {TESTED}) }}",
        "$this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c .",  # in a path
        "$this ?p ?o .",
    ],
)
def test_a_query_that_can_see_any_class_keeps_every_type(pattern: str) -> None:
    assert visible_classes(ShapesGraph.parse(PREFIXES % pattern)) is None


@pytest.mark.parametrize(
    "pattern",
    [
        f"$this a ?t FILTER (?t = {TESTED} && STRLEN(STR($this)) > 0)",
        f"$this <https://ex/p> ?o OPTIONAL {{ ?o a ?t FILTER (?t = {TESTED}) }}",
        f"FILTER NOT EXISTS {{ $this a {TESTED} }}",
    ],
)
def test_a_query_testing_its_classes_sees_only_those(pattern: str) -> None:
    classes = visible_classes(ShapesGraph.parse(PREFIXES % pattern))
    assert classes is not None and "https://ex/C" in classes
    assert GK + "PowerItem" not in classes


def test_pruned_validation_finds_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "wb"
    generate_workbook(folder, agencies=45, units=60, power_items=90, datasets=60, violations=0.2)
    workbook = read_workbook(folder)
    book = rule_book()
    base = "https://id.govkg.org/"

    def findings(store: object, **options: object) -> set[tuple]:
        found = validate_store(store, book, **options)
        return {(f.rule, f.focus, f.related, tuple(sorted(f.message.items()))) for f in found}

    whole = sources.memory_store([workbook], [], base)
    monkeypatch.setattr(sources, "LARGE_FROM_ROWS", 0)
    pruned = sources.memory_store([workbook], [], base, book=book)
    assert len(pruned) < 0.7 * len(whole)  # materials, time limits, source rows, ids left out
    typed, with_id = f"ASK {{ ?item a <{GK}PowerItem> }}", f"ASK {{ ?e <{DCT}identifier> ?id }}"
    assert bool(oxi.query(whole, typed)) and bool(oxi.query(whole, with_id))
    assert not bool(oxi.query(pruned, typed)) and not bool(oxi.query(pruned, with_id))
    expected = findings(whole)
    assert expected and findings(pruned, id_of=IriMaker(base).workbook_id) == expected
