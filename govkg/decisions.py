"""Recording a person's decisions on R16's and R17's findings in the store (the CLI's
``govkg decisions`` and the pages' confirm/dismiss both call this).

A decision names its finding (rule, focus, related: two duty ids for R16; a transfer id
and its counterpart agency's id for R17) and is stored with a digest of the texts it was
judged from as they are now (shapes/decisions.py), in the decisions graph, which a load
never replaces. Writing it is a write of the store like a load: all or
nothing, and the findings are computed again before the switch, so a dismissed pair
disappears from the stored findings at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from govkg.errors import InputError, Problem
from govkg.loading import after_switch, derived_graphs
from govkg.ontology.namespaces import DCT, GK, ORG
from govkg.settings import Settings
from govkg.shapes.decisions import (
    DECIDABLE,
    KINDS,
    Decision,
    decision_ntriples,
    decisions_graph,
    now,
    read_decisions,
    text_digest,
    transfer_digest,
)
from govkg.shapes.findings_rdf import findings_graph
from govkg.store import GraphData, GraphStore
from govkg.store import oxigraph as oxi

# The digest of a finding's texts as the store has them now, or a problem: (column, zh, en)
Digest = Callable[[str, str, str], "str | tuple[str, str, str]"]


def list_decisions(settings: Settings) -> list[Decision]:
    store = GraphStore(settings.store)
    return read_decisions(store.open_reader()) if store.exists() else []


def _duty_texts(store: Any, ids: Iterable[str]) -> dict[str, str]:
    values = " ".join(str(oxi.literal(i)) for i in sorted(set(ids)))
    rows = oxi.select(
        store,
        f"""SELECT ?id ?text WHERE {{ VALUES ?id {{ {values} }}
              ?d <{DCT}identifier> ?id ; a <{GK}Duty> ; <{DCT}description> ?text }}""",
    )
    return {r["id"].value: r["text"].value for r in rows}


def _transfer_texts(store: Any, transfer: str, agency: str) -> tuple[str | None, list[str] | None]:
    """A transfer's text (None when there is no such transfer) and every duty text of an
    agency, its units' included (None when there is no such agency)."""
    rows = list(
        oxi.select(
            store,
            f"""SELECT ?text WHERE {{ ?t <{DCT}identifier> {oxi.literal(transfer)} ;
              <{GK}transferKind> ?kind . OPTIONAL {{ ?t <{DCT}description> ?text }} }}""",
        )
    )
    text = (rows[0]["text"].value if rows[0]["text"] is not None else "") if rows else None
    agency_rows = list(
        oxi.select(
            store,
            f"""SELECT ?d ?duty WHERE {{
              ?c <{DCT}identifier> {oxi.literal(agency)} ; a <{GK}Agency> .
              OPTIONAL {{
                {{ ?d <{GK}heldBy> ?c }} UNION {{ ?d <{GK}heldBy> ?u . ?u <{ORG}unitOf> ?c }}
                ?d a <{GK}Duty> ; <{DCT}description> ?duty }} }}""",
        )
    )
    if not agency_rows:
        return text, None
    duties = {str(r["d"]): r["duty"].value for r in agency_rows if r["duty"] is not None}
    return text, list(duties.values())


def store_digests(store: Any) -> Digest:
    """The digest of a finding's texts in ``store``, or the problem of a finding it lacks."""

    def digest(rule: str, focus: str, related: str) -> str | tuple[str, str, str]:
        if rule == "R17":
            text, duties = _transfer_texts(store, focus, related)
            if text is None:
                return ("focus", f"存储中没有职责划转「{focus}」", f"no transfer '{focus}'")
            if duties is None:
                return ("related", f"存储中没有机构「{related}」", f"no agency '{related}'")
            return transfer_digest(text, duties)
        texts = _duty_texts(store, (focus, related))
        for column, ident in (("focus", focus), ("related", related)):
            if ident not in texts:
                return (column, f"存储中没有职责「{ident}」", f"no duty '{ident}'")
        low, high = sorted((focus, related))
        return text_digest(texts[low], texts[high])

    return digest


def checked_decisions(
    rows: Iterable[Mapping[str, str]], digest: Digest, who: str, source: str
) -> list[Decision]:
    """Decisions from rows (rule, focus, related, decision, note), every problem listed
    with its row (the header is row 1, as a spreadsheet shows it). An R16 pair is kept in
    the order of its duty ids; R17's focus is the transfer, related its counterpart."""
    problems: list[Problem] = []
    found: list[Decision] = []
    when = now()
    if not who.strip():
        problems.append(Problem("--who", "须写明作出判断的人", "say who decides"))
    for number, row in enumerate(rows, start=2):
        rule = (row.get("rule") or "").strip()
        kind = (row.get("decision") or "").strip().lower()
        focus, related = ((row.get(k) or "").strip() for k in ("focus", "related"))

        def problem(column: str, zh: str, en: str, row: int = number) -> Problem:
            return Problem(source, zh, en, row=row, column=column)

        if rule not in DECIDABLE:
            problems.append(
                problem("rule", f"不能判断的规则「{rule}」", f"no decision on '{rule}'")
            )
        if kind not in KINDS:
            zh = f"判断须为 dismiss 或 confirm，现为「{kind}」"
            problems.append(problem("decision", zh, f"dismiss or confirm, not '{kind}'"))
        if rule not in DECIDABLE:
            continue
        judged = digest(rule, focus, related)
        if isinstance(judged, tuple):
            problems.append(problem(*judged))
        if problems:
            continue
        note = (row.get("note") or "").strip()
        if rule != "R17":
            focus, related = sorted((focus, related))
        found.append(Decision(rule, focus, related, kind, str(judged), who.strip(), when, note))
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
    reader = store.open_reader()
    new = checked_decisions(rows, store_digests(reader), who, source)
    everything = [*read_decisions(reader), *new]
    del reader
    with store.writer() as writer:
        path = writer.scratch / "decisions.nt"
        path.write_text("".join(decision_ntriples(everything, settings.base_iri)), encoding="utf-8")
        hook = derived_graphs(settings, writer.scratch)
        writer.replace_graphs(
            [GraphData(decisions_graph(settings.base_iri), path)],
            removed=[findings_graph(settings.base_iri)],
            prepare=hook,
        )
        after_switch(store, hook, settings, prepare=False)  # no copy: push_copy.py says why
    return new
