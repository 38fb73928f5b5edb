"""Checking a draft against the store's graph (the API's baseline is the store, not a
workbook): the draft's agencies replace theirs as ``draft.py`` says, at the level of
the graph. Every node a re-mandated agency owns (the agency, its units, the duties and
data duties they hold, its power items, the division clauses naming it, its chief data
officer post) leaves the baseline's graph; the draft's triples come in; every finding is
marked new, resolved or unchanged."""

from __future__ import annotations

from typing import Any

from govkg.loaders.mapping import IriMaker
from govkg.loaders.workbook import Workbook
from govkg.ontology.namespaces import GK, ORG
from govkg.shapes.findings import Finding, compare
from govkg.shapes.findings_store import stored_findings
from govkg.shapes.store_validation import rule_book, validate_store
from govkg.store import oxigraph as oxi
from govkg.validating.sources import memory_store

_OWNED = f"""SELECT DISTINCT ?node WHERE {{
  VALUES ?agency {{ %s }}
  {{ ?agency <{GK}chiefDataOfficer> ?node }}
  UNION {{ ?node <{ORG}unitOf> ?agency }}
  UNION {{ ?node <{GK}heldBy> ?agency }}
  UNION {{ ?node <{GK}heldBy> ?unit . ?unit <{ORG}unitOf> ?agency }}
  UNION {{ ?node <{GK}implementedBy> ?agency }}
  UNION {{ ?node <{GK}involves> ?agency }}
}}"""


def owned_nodes(data: Any, agency_iris: list[str]) -> set[str]:
    """The IRIs of every node the agencies own in ``data`` (their own IRIs included)."""
    if not agency_iris:
        return set()
    rows = oxi.select(data, _OWNED % " ".join(agency_iris))
    return {row["node"].value for row in rows} | {iri.strip("<>") for iri in agency_iris}


def validate_draft_on_store(data: Any, draft: Workbook, base_iri: str) -> list[Finding]:
    """Findings of the store's graph with the draft merged in, marked against the store's."""
    book = rule_book()
    before_store = oxi.memory_store()
    oxi.add_quads(before_store, oxi.quads_of(data))
    # the store keeps the findings of its data when they are current: no second validation
    before = stored_findings(data, base_iri)
    if before is None:
        before = validate_store(before_store, book)
    iris = IriMaker(base_iri)
    agencies = [iris.entity("agencies", row[0]) for _, row in draft.rows("agencies")]
    owned = owned_nodes(before_store, agencies)
    after_store = memory_store([draft], [], base_iri)
    oxi.add_quads(
        after_store,
        (q for q in oxi.quads_of(before_store) if q.subject.value not in owned),
    )
    after = validate_store(after_store, book)
    return compare(before, after)
