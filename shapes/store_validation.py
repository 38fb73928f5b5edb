"""The rules on a store: the rule book of ``rules.ttl``, the options that choose rules and
engine, and the findings of a store (what reading sources into a store is:
:mod:`govkg.validating.sources`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from govkg.shapes.engine.shapes_model import ShapesGraph
from govkg.shapes.findings import (
    Finding,
    Names,
    RuleBook,
    findings_from_results,
    rules_ttl,
    sort_key,
)

from govkg.errors import InputError, Problem
from govkg.lifetime import release_freed_memory

ENGINES = ("default", "pyshacl")


def rule_book() -> RuleBook:
    return RuleBook(ShapesGraph.parse(rules_ttl()))


def check_options(book: RuleBook, rules: Sequence[str] | None, engine: str) -> None:
    if engine not in ENGINES:
        raise InputError(
            Problem("--engine", f"未知的校验引擎「{engine}」", f"unknown engine '{engine}'")
        )
    unknown = [r for r in rules or () if r not in book.rules]
    if unknown:
        known = ", ".join(r.id for r in book.ordered())
        raise InputError(
            Problem(
                "--rule",
                f"未知的规则：{'、'.join(unknown)}（可用：{known}）",
                f"unknown rules: {', '.join(unknown)} (known: {known})",
            )
        )


def validate_store(
    store: Any,
    book: RuleBook,
    *,
    engine: str = "default",
    rules: Sequence[str] | None = None,
    id_of: Callable[[str], str | None] | None = None,
    names: Names | None = None,
) -> list[Finding]:
    """The findings of a store (all rules, or only ``rules``); ``id_of`` reads an id from
    an IRI that has no dct:identifier;
    ``names``: the ids and names of the nodes the findings name, when known already."""
    from govkg.shapes.engine.sparql_engine import validate  # the engines load lazily
    from govkg.shapes.text_rules import TEXT_RULES, r16_findings
    from govkg.shapes.transfer_rule import judged

    check_options(book, rules, engine)
    # only the named rules' shapes keep their targets: the others are never evaluated
    shapes = book.only(rules) if rules else book.sg
    report = validate(store, shapes, engine=engine)
    release_freed_memory()  # what the rules' queries used: the findings start lower
    results = judged(report.results, store, book)  # R17's text judgement
    findings = findings_from_results(results, store, book, id_of=id_of, names=names)
    if not rules or TEXT_RULES & set(rules):
        judged_texts = r16_findings(store, book, id_of=id_of)
        findings = sorted(findings + judged_texts, key=sort_key)
    return findings
