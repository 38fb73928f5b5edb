"""Recording a person's decisions on R16's findings in the store (the CLI's
``govkg decisions`` and the pages' confirm/dismiss both call this).

A decision names its finding (rule, focus, related: two duty ids) and is stored with a
digest of the two texts as they are now (shapes/decisions.py), in the decisions graph,
which a load never replaces. Writing it is a write of the store like a load: all or
nothing, and the findings are computed again before the switch, so a dismissed pair
disappears from the stored findings at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from govkg.errors import InputError, Problem
from govkg.loading import derived_graphs
from govkg.ontology.namespaces import DCT, GK
from govkg.settings import Settings
from govkg.shapes.decisions import (
    KINDS,
    Decision,
    decision_ntriples,
    decisions_graph,
    now,
    read_decisions,
    text_digest,
)
from govkg.shapes.findings_rdf import findings_graph
from govkg.shapes.text_rules import TEXT_RULES
from govkg.store import GraphData, GraphStore
from govkg.store import oxigraph as oxi

DECIDABLE = TEXT_RULES  # R17 (issue 15) names a transfer and an agency: not decided here yet


def list_decisions(settings: Settings) -> list[Decision]:
    store = GraphStore(settings.store)
    return read_decisions(store.open_reader()) if store.exists() else []


def duty_texts(store: Any, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    values = " ".join(oxi.literal(i).__str__() for i in wanted)
    rows = oxi.select(
        store,
        f"""SELECT ?id ?text WHERE {{ VALUES ?id {{ {values} }}
              ?d <{DCT}identifier> ?id ; a <{GK}Duty> ; <{DCT}description> ?text }}""",
    )
    return {r["id"].value: r["text"].value for r in rows}


def checked_decisions(
    rows: Iterable[Mapping[str, str]], texts: Mapping[str, str], who: str, source: str
) -> list[Decision]:
    """Decisions from rows (rule, focus, related, decision, note), every problem listed
    with its row (the header is row 1, as a spreadsheet shows it)."""
    problems: list[Problem] = []
    found: list[Decision] = []
    when = now()
    if not who.strip():
        problems.append(Problem("--who", "须写明作出判断的人", "say who decides"))
    for number, row in enumerate(rows, start=2):
        rule = (row.get("rule") or "").strip()
        kind = (row.get("decision") or "").strip().lower()
        pair = sorted(((row.get("focus") or "").strip(), (row.get("related") or "").strip()))

        def problem(column: str, zh: str, en: str, row: int = number) -> Problem:
            return Problem(source, zh, en, row=row, column=column)

        if rule not in DECIDABLE:
            problems.append(
                problem("rule", f"不能判断的规则「{rule}」", f"no decision on '{rule}'")
            )
        if kind not in KINDS:
            zh = f"判断须为 dismiss 或 confirm，现为「{kind}」"
            problems.append(problem("decision", zh, f"dismiss or confirm, not '{kind}'"))
        for ident in (i for i in pair if i not in texts):
            problems.append(problem("focus", f"存储中没有职责「{ident}」", f"no duty '{ident}'"))
        if problems:
            continue
        digest = text_digest(texts[pair[0]], texts[pair[1]])
        note = (row.get("note") or "").strip()
        found.append(Decision(rule, pair[0], pair[1], kind, digest, who.strip(), when, note))
    if problems:
        raise InputError(problems)
    return found


def record_decisions(
    settings: Settings, rows: Sequence[Mapping[str, str]], *, who: str, source: str = "decisions"
) -> list[Decision]:
    """Check and store decisions (all or none), recomputing the stored findings."""
    store = GraphStore(settings.store)
    if not store.exists():
        empty = ("存储为空，请先加载", "the store is empty: load first")
        raise InputError(Problem(str(settings.store), *empty))
    ids = [(r.get(k) or "").strip() for r in rows for k in ("focus", "related")]
    reader = store.open_reader()
    new = checked_decisions(rows, duty_texts(reader, ids), who, source)
    everything = [*read_decisions(reader), *new]
    del reader
    with store.writer() as writer:
        path = writer.scratch / "decisions.nt"
        path.write_text("".join(decision_ntriples(everything, settings.base_iri)), encoding="utf-8")
        writer.replace_graphs(
            [GraphData(decisions_graph(settings.base_iri), path)],
            removed=[findings_graph(settings.base_iri)],
            prepare=derived_graphs(settings, writer.scratch),
        )
    return new
