"""govkg import mandate keeps what a 三定 text does not govern: a draft replaces every
baseline row of its agencies, so an agency's power items and its data duties on datasets
ride along, and data duties the text states are linked to the dataset their text names.

Expectations are computed from examples/city.xlsx, not written down, and the same draft
must come from the workbook baseline and from a store loaded with that workbook.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from govkg.loaders.contract import parse_bool, split_list
from govkg.loaders.mandate.baseline import Baseline, baseline_from_store, baseline_from_workbook
from govkg.loaders.mandate.data_duties import data_duty_kinds
from govkg.loaders.mandate.importer import build_draft
from govkg.loaders.mandate.linking import DatasetIndex
from govkg.loaders.workbook import read_workbook

from govkg.cli import main

from .api_server import loaded_store
from .conftest import EXAMPLES, REPO

MANDATES = REPO / "tests" / "data" / "mandates"
CITY = EXAMPLES / "city.xlsx"
TEXTS = sorted(p for p in MANDATES.iterdir() if p.suffix in (".txt", ".html"))
SHARED = {"无条件共享", "有条件共享"}


@functools.cache
def table(name: str) -> list[dict[str, str]]:
    """The example's rows of one table (read once: the tests look them up per duty)."""
    workbook = read_workbook(CITY)
    columns = [c.name for c in workbook.tables[name].table.columns]
    return [dict(zip(columns, row, strict=True)) for _, row in workbook.rows(name)]


@pytest.fixture(scope="module")
def city() -> Baseline:
    return baseline_from_workbook(CITY)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Baseline]:
    from govkg.store import GraphStore

    store = loaded_store(tmp_path_factory.mktemp("carry"))
    yield baseline_from_store(GraphStore(store).open_reader(), str(store))


def agency_of(rows: dict[str, list[dict[str, str]]]) -> str:
    return rows["agencies"][0]["id"]


def baseline_holders(agency: str) -> set[str]:
    return {agency} | {u["id"] for u in table("units") if u["agency"] == agency}


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.name)
def test_the_agency_keeps_its_power_items(text: Path, city: Baseline) -> None:
    rows = build_draft([text], city).draft.rows
    agency = agency_of(rows)
    expected = [item for item in table("power_items") if item["agency"] == agency]
    assert rows.get("power_items", []) == expected


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.name)
def test_data_duties_the_text_does_not_govern_are_carried(text: Path, city: Baseline) -> None:
    rows = build_draft([text], city).draft.rows
    agency = agency_of(rows)
    drafted = {d["id"]: d for d in rows.get("data_duties", [])}
    imported_units = {u["name"]: u["id"] for u in rows.get("units", [])}
    unit_names = {u["id"]: u["name"] for u in table("units")}
    holders = {agency, *imported_units.values()}
    stated = [d for d in drafted.values() if d["id"].startswith(f"{agency}-")]
    kinds = {d["kind"] for d in stated if d["holder"] in holders}
    keys = {(d["holder"], d["kind"], d["dataset"]) for d in stated}
    for duty in table("data_duties"):
        if duty["holder"] not in baseline_holders(agency):
            assert duty["id"] not in drafted
            continue
        if parse_bool(duty["in_mandate"]) and not duty["dataset"]:
            assert duty["id"] not in drafted  # replaced by the text's own data duties
            continue
        holder = agency
        if duty["holder"] != agency:
            holder = imported_units.get(unit_names[duty["holder"]], agency)
        if (holder, duty["kind"], duty["dataset"]) in keys:
            assert duty["id"] not in drafted  # the text states it: its row wins
            continue
        carried = drafted[duty["id"]]
        assert {k: carried[k] for k in ("kind", "dataset", "text")} == {
            k: duty[k] for k in ("kind", "dataset", "text")
        }
        assert carried["holder"] == holder
        assert carried["in_mandate"] == ("是" if duty["kind"] in kinds else "否")


def test_a_unit_of_the_same_name_keeps_its_data_duties(tmp_path: Path, city: Baseline) -> None:
    # The baseline's 数据应用处 (JH-DSJ-04) holds the 开放 duties; the text calls it 数据应用科.
    source = (MANDATES / "jianghai-dsj.html").read_text(encoding="utf-8")
    moved = build_draft([MANDATES / "jianghai-dsj.html"], city).draft
    renamed = tmp_path / "dsj.html"
    renamed.write_text(source.replace("数据应用科", "数据应用处"), encoding="utf-8")
    kept = build_draft([renamed], city).draft
    of_unit = {d["id"] for d in table("data_duties") if d["holder"] == "JH-DSJ-04"}
    assert of_unit
    unit = next(u["id"] for u in kept.rows["units"] if u["name"] == "数据应用处")
    assert {d["id"] for d in kept.rows["data_duties"] if d["holder"] == unit} >= of_unit
    assert {d["id"] for d in moved.rows["data_duties"] if d["holder"] == "JH-DSJ"} >= of_unit
    notes = [n for n in moved.side["notes"] if n[2] == "data duties moved to the agency"]
    assert len(notes) == 1 and "JH-DSJ-04" in notes[0][3]
    assert not [n for n in kept.side["notes"] if n[2] == "data duties moved to the agency"]


def test_the_merged_check_brings_no_R13_for_carried_shares(tmp_path: Path, capsys) -> None:
    texts = [t for t in TEXTS if t.name != "national-bureau.txt"]
    out = tmp_path / "city-draft.xlsx"
    assert (
        main(["import", "mandate", *map(str, texts), "-o", str(out), "--baseline", str(CITY)]) == 0
    )
    capsys.readouterr()
    status = main(["validate", str(CITY), "--draft", str(out), "--format", "json"])
    assert status in (0, 1)  # a valid workbook: no contract error
    report = json.loads(capsys.readouterr().out)
    draft = read_workbook(out)
    agencies = {row[0] for _, row in draft.rows("agencies")}
    datasets = {d["id"]: d for d in table("datasets")}
    unit_agency = {u["id"]: u["agency"] for u in table("units")}
    # the shared datasets that a baseline 提供/共享 duty of an imported agency (one of
    # their sources) provides: the draft carries those duties
    provided = {
        d["dataset"]
        for d in table("data_duties")
        if d["kind"] in ("提供", "共享")
        and d["dataset"]
        and (owner := unit_agency.get(d["holder"], d["holder"])) in agencies
        and owner in split_list(datasets[d["dataset"]]["sources"])
        and datasets[d["dataset"]]["share_type"] in SHARED
    }
    assert provided
    new_r13 = {
        f["focus"] for f in report["findings"] if f["rule"] == "R13" and f["status"] == "new"
    }
    assert not new_r13 & provided
    carried = {row[3] for _, row in draft.rows("data_duties") if row[2] in ("提供", "共享")}
    assert provided <= carried
    # Power items ride along unchanged: no list finding comes or goes.
    moved = [f for f in report["findings"] if f["rule"] in ("R8", "R15")]
    assert moved and all(f["status"] == "unchanged" for f in moved)


def test_a_stated_data_duty_gets_the_dataset_its_text_names(tmp_path: Path, city: Baseline) -> None:
    text = (MANDATES / "jianghai-sthj.txt").read_text(encoding="utf-8")
    named = "按规定向市公共数据平台提供和共享空气质量监测信息、重点污染源监测信息"
    assert "按规定向市公共数据平台提供和共享监测数据" in text
    variant = tmp_path / "sthj.txt"
    variant.write_text(text.replace("按规定向市公共数据平台提供和共享监测数据", named), "utf-8")
    rows = build_draft([variant], city).draft.rows
    by_name = {d["name"]: d["id"] for d in table("datasets")}
    duty = next(d for d in rows["duties"] if named in d["text"])
    stated = [d for d in rows["data_duties"] if d["id"].startswith(f"{duty['id']}-")]
    assert [d["kind"] for d in stated] == data_duty_kinds(duty["text"])
    # both names occur: the longer one is taken
    assert {d["dataset"] for d in stated} == {by_name["重点污染源监测信息"]}
    # the baseline's 采集 and 提供 duties on that dataset give way to the text's
    on_it = [d for d in rows["data_duties"] if d["dataset"] == by_name["重点污染源监测信息"]]
    assert all(d["id"].startswith("JH-STHJ-") for d in on_it if d["holder"] == "JH-STHJ")
    # a text that names no dataset links none
    plain = build_draft([MANDATES / "jianghai-sthj.txt"], city).draft.rows["data_duties"]
    assert all(not d["dataset"] for d in plain if d["id"].startswith("JH-STHJ-"))


def test_names_prefer_the_agencys_own_dataset(city: Baseline) -> None:
    datasets = city.holdings.datasets()
    index = DatasetIndex(datasets)
    by_name = {d.name: d for d in datasets}
    text = "共享市场监管行政处罚信息和排污许可信息"
    own = by_name["排污许可信息"]
    other = by_name["市场监管行政处罚信息"]
    assert len(other.name) > len(own.name)
    assert index.link(text, own.sources[0]) == own.id
    assert index.link(text, other.sources[0]) == other.id
    assert index.link(text, "JH-NOBODY") == other.id  # no own dataset: the longest
    assert index.link("负责排污许可证核发", own.sources[0]) == ""


def _comparable(rows: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    """The graph keeps no order of a list cell: materials compared as sets."""
    out = {}
    for name, found in rows.items():
        out[name] = [
            {**r, "materials": sorted(split_list(r["materials"]))} if "materials" in r else r
            for r in found
        ]
    return out


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.name)
def test_the_store_baseline_carries_the_same(text: Path, city: Baseline, stored: Baseline) -> None:
    on_workbook = build_draft([text], city).draft
    on_store = build_draft([text], stored).draft
    assert _comparable(on_store.rows) == _comparable(on_workbook.rows)
    assert on_store.side["notes"] == on_workbook.side["notes"]


def test_the_store_links_datasets_as_the_workbook(
    tmp_path: Path, city: Baseline, stored: Baseline
) -> None:
    text = (MANDATES / "jianghai-zwb-2015.txt").read_text(encoding="utf-8")
    variant = tmp_path / "zwb.txt"
    variant.write_text(text.replace("政务服务办件数据", "政务服务办件信息数据"), "utf-8")
    on_workbook = build_draft([variant], city).draft.rows["data_duties"]
    on_store = build_draft([variant], stored).draft.rows["data_duties"]
    assert on_store == on_workbook
    assert any(d["dataset"] and d["id"].startswith("JH-ZWB-二") for d in on_store)
