"""Carrying into a draft what a 三定 text does not govern, so that re-mandating an agency
does not drop it (a draft replaces every baseline row of its agencies):

- its power items, unchanged: a 三定 text lists none;
- its data duties and those of its units, except the ones the text replaces (stated in
  the mandate and naming no dataset: the text's own data duties are those). A carried
  duty keeps its id, kind, dataset and text. Its holder is the agency, or for a unit's
  duty the imported unit of the same name, else the agency (noted in 导入说明). Its
  in_mandate is read afresh from the text: 是 when the text states a data duty of that
  kind for the agency or one of its units, else 否. A carried duty with the holder, kind
  and dataset of one the text states gives way to it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from govkg.loaders.contract import parse_bool
from govkg.loaders.mandate.holdings import Holdings, Row
from govkg.loaders.mandate.normalising import spelling


@dataclass
class Carried:
    power_items: list[Row] = field(default_factory=list)
    data_duties: list[Row] = field(default_factory=list)
    notes: list[list[str]] = field(default_factory=list)  # rows of 导入说明


def carry(
    agency: str,
    holdings: Holdings,
    units: Mapping[str, str],
    stated: Sequence[Row],
    taken: Collection[str],
) -> Carried:
    """What the draft keeps of the agency's baseline rows.

    ``units``: the imported units, name → id; ``stated``: the data duties the text states
    for the agency and its units; ``taken``: the data-duty ids the draft has already.

    >>> held = Holdings([], [
    ...     {"id": "D1", "holder": "A-01", "kind": "提供", "dataset": "S1", "in_mandate": "否",
    ...      "text": "提供排污许可信息"},
    ...     {"id": "D2", "holder": "A", "kind": "汇聚", "dataset": "", "in_mandate": "是",
    ...      "text": "归集数据"}], {"A-01": "办公室"})
    >>> stated = [{"holder": "A", "kind": "提供", "dataset": ""}]
    >>> [(d["id"], d["holder"], d["in_mandate"]) for d in
    ...  carry("A", held, {"办公室": "A-U01"}, stated, set()).data_duties]
    [('D1', 'A-U01', '是')]
    """
    out = Carried(power_items=[dict(item) for item in holdings.power_items])
    kinds = {d["kind"] for d in stated}
    keys = {(d["holder"], d["kind"], d["dataset"]) for d in stated}
    ids = set(taken)
    moved: dict[str, list[str]] = {}  # baseline unit id → its duties the agency now holds
    for duty in holdings.data_duties:
        if parse_bool(duty["in_mandate"]) and not duty["dataset"]:
            continue  # the text states the mandate's data duties itself
        holder = _holder(agency, duty["holder"], holdings, units)
        if (holder, duty["kind"], duty["dataset"]) in keys:
            continue
        if duty["id"] in ids:
            out.notes.append(
                [agency, "数据职责编码重复", "data duty id taken", f"{duty['id']}：未承接 not kept"]
            )
            continue
        ids.add(duty["id"])
        if holder != duty["holder"] and holder == agency:
            moved.setdefault(duty["holder"], []).append(duty["id"])
        out.data_duties.append(
            {**duty, "holder": holder, "in_mandate": "是" if duty["kind"] in kinds else "否"}
        )
    for unit, duties in moved.items():
        out.notes.append(
            [
                agency,
                "数据职责改由机构承担",
                "data duties moved to the agency",
                f"内设机构「{holdings.units.get(unit, unit)}」（{unit}）不在三定文本中 the unit is"
                f" not in the text: {'、'.join(duties)}",
            ]
        )
    out.notes.append([agency, "承接权力事项", "carried power items", str(len(out.power_items))])
    out.notes.append([agency, "承接数据职责", "carried data duties", str(len(out.data_duties))])
    return out


def _holder(agency: str, holder: str, holdings: Holdings, units: Mapping[str, str]) -> str:
    """The draft's holder of a baseline data duty: the agency, or the imported unit with
    the baseline unit's name, else the agency."""
    if holder == agency:
        return agency
    name = holdings.units.get(holder, "")
    return units.get(spelling(name), agency) if name else agency
