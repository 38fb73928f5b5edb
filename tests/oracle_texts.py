"""The reference implementation's text rules: R16 (duties stating the same
responsibility) and R17 (a transfer its counterpart does not, or still does, state), as
docs/workbook.md words them; the text judgement itself is taken as given (govkg.text)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from govkg.loaders.contract import split_list
from govkg.shapes.transfer_judgement import SAME, states_same
from govkg.text import SAME_RESPONSIBILITY
from govkg.text.judging import Weights, read, score

if TYPE_CHECKING:
    from tests.oracle_model import Finding, Model


def r17(m: Model) -> list[Finding]:
    out = []
    by_government = _weights(m)
    for transfer in m.transfers:
        counterpart, kind = transfer["counterpart_id"], transfer["kind"]
        if not counterpart or kind not in ("划出", "交给", "划入"):
            continue
        held = [d["text"] for d in m.duties if m.agency_of(d["holder"]) == counterpart]
        # the terms weighed as R16 weighs them in the counterpart's government
        weights = by_government.get(m.agencies.get(counterpart, {}).get("government", ""))
        stated = any(states_same(transfer["text"], text, weights=weights) >= SAME for text in held)
        if stated == (kind == "划入"):
            out.append(("R17", transfer["id"], (counterpart,)))
    return out


def _weights(m: Model) -> dict[str, Weights]:
    """Each government's term weights: the IDF over the texts of its duties (its agencies'
    and their units'), one document per duty."""
    texts: dict[str, list[str]] = defaultdict(list)
    for duty in m.duties:
        agency = m.agency_of(duty["holder"])
        if agency in m.agencies and duty["text"]:
            texts[m.agencies[agency]["government"]].append(duty["text"])
    return {government: Weights.of(held) for government, held in texts.items()}


def r16(m: Model) -> list[Finding]:
    """Every pair of duties of two agencies of one government whose texts the text
    judgement (taken as given: govkg.text) scores at the threshold or more, compared
    pair by pair (the engine goes through an index of terms); less those on one function
    whose agencies a division row of it names. Each government's terms are weighed by
    their IDF over its own duties (:func:`_weights`)."""
    weights = _weights(m)
    held = []
    for duty in m.duties:
        agency = m.agency_of(duty["holder"])
        if agency not in m.agencies or not duty["text"]:
            continue
        name = m.functions.get(duty["function"], {}).get("name", "")
        government = m.agencies[agency]["government"]
        held.append((duty, agency, read(duty["text"], weights[government], name)))
    divided = {
        (row["function"], a, b)
        for row in m.divisions
        for a in split_list(row["agencies"])
        for b in split_list(row["agencies"])
    }
    out = []
    for i, (d1, a1, r1) in enumerate(held):
        for d2, a2, r2 in held[i + 1 :]:
            if a1 == a2 or m.agencies[a1]["government"] != m.agencies[a2]["government"]:
                continue
            same_function = d1["function"] and d1["function"] == d2["function"]
            if same_function and (d1["function"], a1, a2) in divided:
                continue
            if score(r1, r2) >= SAME_RESPONSIBILITY:
                low, high = sorted((d1["id"], d2["id"]))
                out.append(("R16", low, (high,)))
    return out
