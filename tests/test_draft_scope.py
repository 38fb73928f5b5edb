"""The draft fast path (govkg/validating/draft_scope.py) gives exactly the full comparison.

Generated workbooks (several seeds, many planted findings) and drafts built here: one to
three agencies re-mandated with changed names, links, governments, units, staffing,
duties, data duties, power items, divisions and datasets, and new agencies and functions.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from govkg.loaders.contract import split_list
from govkg.loaders.workbook import Workbook, read_workbook
from govkg.shapes.findings import as_json

from govkg.synthetic import generate_workbook
from govkg.validating.draft import merge, validate_draft
from govkg.validating.draft_scope import draft_scope
from tests.workbook_rows import agency, write

BASE = "https://govkg.test/"
Rows = dict[str, list[dict[str, str]]]


def _dicts(workbook: Workbook, table: str) -> list[dict[str, str]]:
    data = workbook.tables.get(table)
    if data is None:
        return []
    names = [c.name for c in data.table.columns]
    return [dict(zip(names, row, strict=True)) for _, row in data.rows]


def _owned(base: Workbook, agencies: list[str]) -> Rows:
    """The baseline rows a draft re-mandating ``agencies`` replaces (the merge rule)."""
    chosen = set(agencies)
    units = [u for u in _dicts(base, "units") if u["agency"] in chosen]
    owners = chosen | {u["id"] for u in units}
    return {
        "agencies": [a for a in _dicts(base, "agencies") if a["id"] in chosen],
        "units": units,
        "duties": [d for d in _dicts(base, "duties") if d["holder"] in owners],
        "data_duties": [d for d in _dicts(base, "data_duties") if d["holder"] in owners],
        "power_items": [p for p in _dicts(base, "power_items") if p["agency"] in chosen],
        "divisions": [
            d for d in _dicts(base, "divisions") if chosen & set(split_list(d["agencies"]))
        ],
    }


def _mutate(base: Workbook, rng: random.Random, k: int, step: int) -> Rows:
    """A draft re-mandating ``k`` agencies of ``base`` with random changes."""
    agencies = _dicts(base, "agencies")
    functions = [f["id"] for f in _dicts(base, "functions")]
    govs = sorted({a["government"] for a in agencies})
    chosen = rng.sample([a["id"] for a in agencies], k)
    draft = _owned(base, chosen)
    first = draft["agencies"][0]
    for a in draft["agencies"]:
        change = rng.randrange(7)
        if change == 0:
            a["name"] += "（新）"
        elif change == 1:
            a["parent"] = rng.choice(agencies)["id"]  # maybe itself, elsewhere, a cycle
        elif change == 2:
            a["hosted_in"], a["parent"] = rng.choice(agencies)["id"], ""
        elif change == 3:
            a["government"] = rng.choice(govs)
        elif change == 4:
            a["staffing"] = "1"
        elif change == 5:
            a["cdo"] = ""
    dropped = {u["id"] for u in draft["units"][:1]}
    draft["units"] = [u for u in draft["units"] if u["id"] not in dropped]
    for u in draft["units"][:2]:
        u["name"] += "二"
        u["staffing"] = str(rng.randrange(1, 30))
    draft["units"].append(
        {"id": f"NU{step}", "agency": first["id"], "name": "新设处", "staffing": "3"}
    )
    duties = [d for d in draft["duties"] if d["holder"] not in dropped]
    for d in rng.sample(duties, min(3, len(duties))):
        d["role"] = rng.choice(["牵头", "配合", ""])
        d["function"] = rng.choice(functions + [""])
    duties += [
        {"id": f"ND{step}.{i}", "holder": h, "text": "新增职责", "function": rng.choice(functions),
         "role": "牵头"}
        for i, h in enumerate([first["id"], f"NU{step}", f"NA{step}"])
    ]  # fmt: skip
    draft["duties"] = duties
    data_duties = [d for d in draft["data_duties"] if d["holder"] not in dropped]
    for d in data_duties[:3]:
        d["in_mandate"] = rng.choice(["是", "否", ""])
        d["kind"] = rng.choice(["提供", "共享", "采集"])
    draft["data_duties"] = data_duties[1:]
    items = draft["power_items"]
    codes = [p["base_code"] for p in _dicts(base, "power_items")]
    for p in items[:2]:
        p["name"] += "（调整）"
    for p in items[2:4]:
        p["base_code"] = rng.choice(codes)
    if len(items) > 4:
        items[4]["impl_code"] = "bad-code"
    draft["power_items"] = items[:-1]
    same_gov = [a["id"] for a in agencies if a["government"] == first["government"]]
    draft["divisions"] = draft["divisions"][1:] + [
        {"id": f"NV{step}", "agencies": f"{first['id']};{rng.choice(same_gov)}",
         "function": rng.choice(functions), "text": "新分工"}
    ]  # fmt: skip
    draft["agencies"].append(
        dict(first, id=f"NA{step}", name="新设机构", parent=first["id"], hosted_in="", uscc="")
    )
    sourced = [d for d in _dicts(base, "datasets") if first["id"] in d["sources"]]
    if sourced:
        ds = sourced[0]
        ds["sources"] = rng.choice(["", f"{first['id']};{rng.choice(agencies)['id']}"])
        ds["share_type"] = "无条件共享"
        draft["datasets"] = [ds]
    if step % 2:
        leaf = {"id": f"NF{step}", "name": "新职能", "broader": rng.choice(functions),
                "mandatory": "", "category": rng.choice(["", "数据管理", "信息化"])}  # fmt: skip
        draft["functions"] = [leaf]
        duties.append({"id": f"ND{step}.f", "holder": first["id"], "text": "新职能职责",
                       "function": leaf["id"], "role": ""})  # fmt: skip
    return draft


def _both(base: Path, draft: Path, cache: Path | None = None) -> tuple[dict, dict]:
    fast = validate_draft([base], draft, base_iri=BASE, cache_dir=cache)
    full = validate_draft([base], draft, base_iri=BASE, _fast=False)
    return as_json(fast.findings), as_json(full.findings)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_path_equals_full(tmp_path: Path, seed: int) -> None:
    base = tmp_path / "base"
    generate_workbook(
        base, agencies=60, seed=seed, units=120, power_items=240, datasets=120, violations=0.2
    )
    workbook = read_workbook(base)
    rng = random.Random(seed)
    for step, k in enumerate((1, 3, 2)):
        rows = {t: r for t, r in _mutate(workbook, rng, k, step).items() if r}
        draft = write(tmp_path / f"draft{step}", rows)
        merged, _ = merge(workbook, read_workbook(draft))
        assert draft_scope(workbook, merged) is not None  # the fast path is taken
        fast, full = _both(base, draft)
        assert fast == full
        statuses = {f["status"] for f in full["findings"]}
        assert "new" in statuses and "unchanged" in statuses


def catalogue_change(tmp_path: Path) -> tuple[Path, Workbook, Path]:
    """A generated baseline (its folder and workbook) and a draft that re-mandates its
    first agency and changes a function of the catalogue (its folder)."""
    base = tmp_path / "base"
    generate_workbook(base, agencies=45, units=60, power_items=90, datasets=60, violations=0.2)
    workbook = read_workbook(base)
    function = _dicts(workbook, "functions")[3]
    function["mandatory"] = "" if function["mandatory"] else "是"
    rows = _owned(workbook, [_dicts(workbook, "agencies")[0]["id"]])
    draft = write(
        tmp_path / "draft", {**{t: r for t, r in rows.items() if r}, "functions": [function]}
    )
    return base, workbook, draft


def test_catalogue_change_takes_the_full_path(tmp_path: Path) -> None:
    base, workbook, draft = catalogue_change(tmp_path)
    merged, _ = merge(workbook, read_workbook(draft))
    assert draft_scope(workbook, merged) is None
    fast, full = _both(base, draft)
    assert fast == full


def test_cached_baseline(tmp_path: Path) -> None:
    base = tmp_path / "base"
    generate_workbook(base, agencies=45, units=60, power_items=90, datasets=60, violations=0.2)
    rows = _mutate(read_workbook(base), random.Random(5), 1, 0)
    draft = write(tmp_path / "draft", {t: r for t, r in rows.items() if r})
    first, full = _both(base, draft, tmp_path / "cache")
    assert len(list((tmp_path / "cache").iterdir())) == 1
    second, _ = _both(base, draft, tmp_path / "cache")  # from the cache
    assert json.dumps(first) == json.dumps(full) == json.dumps(second)


def test_chains_from_other_governments(tmp_path: Path) -> None:
    """X (another government) hangs below A: renaming A changes X's R11 message, and a
    link back from A closes a cycle; B's government stays out of the draft's scope."""
    base = write(
        tmp_path / "base",
        {
            "agencies": [
                agency("A", government="320100"),
                agency("X", government="320200", parent="A"),
                agency("Y", government="320200", hosted_in="X", cdo=""),
                agency("B", government="320300", cdo=""),
            ]
        },
    )
    for step, cells in enumerate(({"name": "新名"}, {"parent": "Y"}, {"government": "320200"})):
        draft = write(
            tmp_path / f"d{step}", {"agencies": [agency("A", government="320100") | cells]}
        )
        fast, full = _both(base, draft)
        assert fast == full
        if step == 0:
            assert any("新名" in f["message"]["zh"] for f in full["findings"] if f["focus"] == "X")
        else:
            assert any(f["status"] != "unchanged" for f in full["findings"])


def test_draft_rows_checked_like_the_whole(tmp_path: Path) -> None:
    """Checking only the draft's rows reports what checking the merged workbook does."""
    from govkg.errors import InputError
    from govkg.validating.draft import check_merged

    base = tmp_path / "base"
    generate_workbook(base, agencies=45, units=60, power_items=90, datasets=60, violations=0.2)
    workbook = read_workbook(base)
    rows = _mutate(workbook, random.Random(3), 2, 0)
    other = _dicts(workbook, "agencies")[-1]["id"]
    rows["units"].append({"id": other, "agency": "NOPE", "name": "", "staffing": "x"})
    rows["duties"][0]["role"] = "主办"
    rows["agencies"][0]["uscc"] = "123"
    draft_wb = read_workbook(write(tmp_path / "draft", {t: r for t, r in rows.items() if r}))
    merged, from_draft = merge(workbook, draft_wb)
    found = []
    for checked in (True, False):
        with pytest.raises(InputError) as error:
            check_merged(merged, from_draft, workbook, draft_wb, baseline_checked=checked)
        found.append([str(p) for p in error.value.problems])
    assert found[0] == found[1] and len(found[0]) >= 5
