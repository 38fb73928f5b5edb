"""The transfers of duties (职责划转) an agency's page and a function's page show: those
an agency's mandate states, and those other mandates state with it as the counterpart."""

from __future__ import annotations

from typing import Any

from govkg.api import queries
from govkg.api.state import Snapshot

# The transfers stated by, or naming as counterpart, the agencies a VALUES block binds to ?x.
_TRANSFERS = """
SELECT DISTINCT ?id ?kind ?sid ?sname ?name ?cid ?cname ?text ?basis ?x WHERE {
  VALUES ?x { %(agencies)s }
  { ?t gk:statedBy ?x } UNION { ?t gk:counterpart ?x }
  ?t a gk:DutyTransfer ; dct:identifier ?id ; gk:statedBy ?s .
  ?s dct:identifier ?sid .
  OPTIONAL { ?s skos:prefLabel ?sname }
  OPTIONAL { ?t gk:transferKind ?kind }
  OPTIONAL { ?t gk:counterpartName ?name }
  OPTIONAL { ?t gk:counterpart ?c . ?c dct:identifier ?cid . OPTIONAL { ?c skos:prefLabel ?cname } }
  OPTIONAL { ?t dct:description ?text }
  OPTIONAL { ?t gk:basis ?basis }
} ORDER BY ?id"""


def transfers_of(snap: Snapshot, agency_iris: list[str], of: str | None = None) -> list[dict]:
    """Each transfer once, in id order; ``direction`` is "stated" when the agency ``of``
    (an id; else any of the agencies) states it, "named" when it is the counterpart."""
    if not agency_iris:
        return []
    values = " ".join(f"<{iri}>" for iri in agency_iris)
    out: dict[str, dict[str, Any]] = {}
    for row in queries.rows(snap.reader, _TRANSFERS, agencies=values):
        stated = row["sid"] == of if of is not None else row["x"] in agency_iris
        counterpart = {"id": row["cid"], "name": row["cname"]} if row["cid"] else None
        out.setdefault(
            row["id"],
            {
                "id": row["id"],
                "kind": snap.concept(row["kind"]),
                "direction": "stated" if stated else "named",
                "stated_by": {"id": row["sid"], "name": row["sname"]},
                "counterpart": row["name"],
                "counterpart_agency": counterpart,
                "text": row["text"],
                "basis": row["basis"],
            },
        )
    return list(out.values())
