"""Validating without the triples no rule can see gives the same findings."""

from __future__ import annotations

from pathlib import Path

import pytest
from govkg.loaders.workbook import read_workbook
from govkg.ontology.namespaces import GK
from govkg.shapes import validation
from govkg.shapes.footprint import visible_predicates
from govkg.shapes.shapes_model import ShapesGraph

from govkg.synthetic import generate_workbook

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://ex/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
  sh:sparql [ sh:select "SELECT $this WHERE { %s }" ] ."""


def test_the_rules_see_what_they_check_and_not_the_rest() -> None:
    seen = visible_predicates(validation.rule_book().sg)
    assert seen is not None
    assert {GK + "onFunction", GK + "implCode", GK + "chainNext"} <= seen
    assert not {GK + "material", GK + "timeLimitDays", GK + "sourceRow"} & seen


@pytest.mark.parametrize(
    "pattern",
    ["$this ?p ?o .", "$this <https://ex/a>/!<https://ex/b> ?o .", "$this ^!<https://ex/b> ?o ."],
)
def test_a_query_that_sees_any_predicate_turns_pruning_off(pattern: str) -> None:
    assert visible_predicates(ShapesGraph.parse(PREFIXES % pattern)) is None


def test_a_query_naming_its_predicates_keeps_them() -> None:
    seen = visible_predicates(ShapesGraph.parse(PREFIXES % "$this <https://ex/a>+ ?o ."))
    assert seen is not None and "https://ex/a" in seen and "https://ex/b" not in seen


def test_pruned_validation_finds_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "wb"
    generate_workbook(folder, agencies=45, units=60, power_items=90, datasets=60, violations=0.2)
    workbook = read_workbook(folder)
    book = validation.rule_book()
    base = "https://id.govkg.org/"

    def findings(store: object) -> set[tuple]:
        found = validation.validate_store(store, book)
        return {(f.rule, f.focus, f.related, tuple(sorted(f.message.items()))) for f in found}

    whole = validation.memory_store([workbook], [], base)
    monkeypatch.setattr(validation, "LARGE_FROM_ROWS", 0)
    pruned = validation.memory_store([workbook], [], base, book=book)
    assert len(pruned) < 0.8 * len(whole)  # materials, time limits, source rows left out
    expected = findings(whole)
    assert expected and findings(pruned) == expected
