"""The synthetic workbook generator: deterministic, contract-exact, with planted findings."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from govkg.loaders.codes import uscc_is_valid
from govkg.loaders.contract import (
    AGENCY_ID_PATTERN,
    GOVERNMENT_PATTERN,
    TABLES,
    Kind,
    column_for,
    parse_bool,
    split_list,
    table_for,
)

from govkg.synthetic import generate_workbook
from govkg.validating.sources import validate_sources

Tables = dict[str, list[dict[str, str]]]


def read(folder: Path) -> Tables:
    """The CSV workbook as rows of contract column names, whatever language its headers."""
    tables: Tables = {}
    for path in folder.glob("*.csv"):
        table = table_for(path.stem)
        assert table is not None, path.name
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = [column_for(table, h) for h in next(reader)]
            assert None not in header
            tables[table.name] = [dict(zip(header, row, strict=True)) for row in reader]
    return tables


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], Tables]:
    # 90 agencies: a province, a city and a county, so cross-government plants have room.
    out = tmp_path_factory.mktemp("syn") / "wb"
    counts = generate_workbook(out, agencies=90, power_items=2001, datasets=400, violations=0.05)
    return out, counts, read(out)


def contract_errors(tables: Tables) -> list[str]:
    """Every way the rows break the contract (an independent re-statement of it)."""
    errors: list[str] = []
    ids: dict[str, set[str]] = {}
    for table in TABLES:
        rows = tables.get(table.name, [])
        space = "agencies" if table.name in ("agencies", "units") else table.name
        seen = ids.setdefault(space, set())
        for row in rows:
            if row["id"] in seen:
                errors.append(f"{table.name}: duplicate id {row['id']}")
            seen.add(row["id"])
    for table in TABLES:
        for n, row in enumerate(tables.get(table.name, []), start=2):
            for column in table.columns:
                value, where = row[column.name], f"{table.name} row {n} {column.name}"
                if not value:
                    if column.required:
                        errors.append(f"{where}: empty")
                    continue
                refs = [value] if column.kind is Kind.REF else split_list(value)
                if column.kind in (Kind.REF, Kind.REF_LIST):
                    space = "agencies" if "agencies" in column.refers_to else column.refers_to[0]
                    errors += [f"{where}: dangling {r}" for r in refs if r not in ids[space]]
                    if column.refers_to == ("agencies",) and column.kind is Kind.REF:
                        agency_ids = {a["id"] for a in tables["agencies"]}
                        errors += [f"{where}: not an agency" for r in refs if r not in agency_ids]
                if column.kind is Kind.ENUM and value not in (column.values or {}):
                    errors.append(f"{where}: {value} not in list")
                if column.kind is Kind.BOOL and parse_bool(value) is None:
                    errors.append(f"{where}: not yes/no")
                if column.kind is Kind.INT and not value.isdigit():
                    errors.append(f"{where}: not an integer")
                if column.kind is Kind.USCC and not uscc_is_valid(value):
                    errors.append(f"{where}: bad USCC")
                if column.kind is Kind.GOVERNMENT and not GOVERNMENT_PATTERN.fullmatch(value):
                    errors.append(f"{where}: bad division code")
                if column.kind is Kind.AGENCY_ID and not AGENCY_ID_PATTERN.fullmatch(value):
                    errors.append(f"{where}: bad agency id")
    for n, row in enumerate(tables.get("divisions", []), start=2):
        if len(set(split_list(row["agencies"]))) < 2:
            errors.append(f"divisions row {n}: fewer than two agencies")
    return errors


def test_keeps_the_contract(small: tuple[Path, dict[str, int], Tables]) -> None:
    _, _, tables = small
    assert contract_errors(tables) == []


def test_counts_as_asked(small: tuple[Path, dict[str, int], Tables]) -> None:
    _, counts, tables = small
    assert counts["agencies"] == 90
    assert counts["units"] == 900
    assert counts["power_items"] == 2001  # odd on purpose
    assert counts["datasets"] == 400
    assert {name: len(rows) for name, rows in tables.items()} == counts
    assert all(counts[t] > 0 for t in ("functions", "duties", "divisions", "data_duties"))


def test_structure(small: tuple[Path, dict[str, int], Tables]) -> None:
    _, _, tables = small
    governments = {a["government"] for a in tables["agencies"]}
    assert len(governments) == 2  # round(90 / 40): the province and one city
    assert {a["level"] for a in tables["agencies"]} == {"省", "市"}
    categories = {f["category"] for f in tables["functions"]}
    assert {"信息化", "数据管理"} <= categories
    assert any(parse_bool(f["mandatory"]) for f in tables["functions"])
    assert {d["role"] for d in tables["duties"]} == {"牵头", "配合"}
    assert {p["source"] for p in tables["power_items"]} == {"编办", "政务服务"}
    bases = defaultdict(set)
    for p in tables["power_items"]:
        bases[p["base_code"]].add(p["source"])
    assert sum(len(s) == 2 for s in bases.values()) > len(bases) * 0.8  # both lists share


def test_deterministic(tmp_path: Path) -> None:
    def files(seed: int, name: str) -> dict[str, bytes]:
        generate_workbook(tmp_path / name, agencies=12, power_items=300, seed=seed)
        return {p.name: p.read_bytes() for p in (tmp_path / name).iterdir()}

    assert files(3, "a") == files(3, "b")
    assert files(3, "a") != files(4, "c")


def test_chinese_headers(tmp_path: Path) -> None:
    counts = generate_workbook(tmp_path / "zh", agencies=5, headers="zh", power_items=40)
    assert (tmp_path / "zh" / "机构.csv").exists()
    header = (tmp_path / "zh" / "机构.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("机构编码,机构名称,机构类别")
    tables = read(tmp_path / "zh")
    assert contract_errors(tables) == []
    assert {name: len(rows) for name, rows in tables.items()} == counts
    assert {f["mandatory"] for f in tables["functions"]} == {"是", ""}


def test_xlsx_passes_the_project_checker(tmp_path: Path) -> None:
    from govkg.loaders.checks import check_workbook
    from govkg.loaders.workbook import read_workbook

    path = tmp_path / "wb.xlsx"
    counts = generate_workbook(path, agencies=8, power_items=60, format="xlsx", headers="zh")
    workbook = read_workbook(path)
    check_workbook(workbook)  # raises InputError on any contract error
    assert workbook.row_count() == sum(counts.values())


def test_clean_when_no_violations(tmp_path: Path) -> None:
    tables = read_after(tmp_path, violations=0.0)
    assert planted(tables) == {rule: 0 for rule in planted(tables)}


def test_planted_rules(small: tuple[Path, dict[str, int], Tables]) -> None:
    found = planted(small[2])
    assert all(n > 0 for n in found.values()), found


def read_after(tmp_path: Path, **options: float) -> Tables:
    generate_workbook(tmp_path / "wb", agencies=90, power_items=2000, datasets=400, **options)
    return read(tmp_path / "wb")


def planted(t: Tables) -> dict[str, int]:
    """Findings of the rules that can be read straight off the rows."""
    agencies = {a["id"]: a for a in t["agencies"]}
    held = {d["holder"] for d in t["duties"]}
    unit_sum: dict[str, int] = defaultdict(int)
    for u in t["units"]:
        unit_sum[u["agency"]] += int(u["staffing"] or 0)
    by_base = defaultdict(set)
    lists = defaultdict(set)
    for p in t["power_items"]:
        by_base[p["base_code"]].add((p["name"], p["type"], p["basis"]))
        lists[p["agency"], p["base_code"]].add(p["source"])
    cdo_kinds = {"政府组成部门", "直属特设机构", "直属机构", "部门管理机构"}

    def r11(a: dict[str, str]) -> bool:
        link = a["parent"] or a["hosted_in"]
        if not link:
            return False
        target = agencies[link]
        back = target["parent"] or target["hosted_in"]
        return link == a["id"] or target["government"] != a["government"] or back == a["id"]

    def r15(p: dict[str, str]) -> bool:
        parts = p["impl_code"].split("-")
        agency = agencies[p["agency"]]
        return not (
            len(parts) >= 6
            and "-".join(parts[:-5]) == p["base_code"]
            and parts[-5].startswith(agency["government"])
            and parts[-4] == "000"
            and parts[-3] == agency["uscc"]
        )

    return {
        "R1": sum(len(split_list(d["sources"])) != 1 for d in t["datasets"]),
        "R5": sum(u["id"] not in held for u in t["units"]),
        "R7": sum(len(v) > 1 for v in by_base.values()),
        "R8": sum(len(v) == 1 for v in lists.values()),
        "R9": sum(a["kind"] in cdo_kinds and not a["cdo"] for a in t["agencies"]),
        "R11": sum(r11(a) for a in t["agencies"]),
        "R12": sum(
            bool(a["staffing"]) and unit_sum[a["id"]] > int(a["staffing"]) for a in t["agencies"]
        ),
        "R15": sum(r15(p) for p in t["power_items"] if p["impl_code"]),
    }


@pytest.mark.parametrize("violations", [0.0, 0.02])
def test_project_validator_sees_every_planted_rule(tmp_path: Path, violations: float) -> None:
    # A tiny county: the forced first instance of each rule must still show up.
    out = tmp_path / "wb"
    generate_workbook(out, agencies=8, power_items=200, datasets=80, violations=violations)
    outcome = validate_sources([out], base_iri="https://id.govkg.org/")
    rules = {f.rule for f in outcome.findings}
    # R16 (info) reads the texts, which the generator makes from templates: units of one
    # kind in two agencies state the same responsibility, clean or not
    assert rules == ({f"R{i}" for i in range(1, 17)} if violations else {"R16"})


@pytest.mark.parametrize("catalogue", ["shared", "government"])
def test_shape_knobs(tmp_path: Path, catalogue: str) -> None:
    # the shape in small: many governments, 1.7 lead agencies per led function,
    # most extra leads held by units; a catalogue shared by all or one per government
    counts = generate_workbook(
        tmp_path / "wb", agencies=240, governments=6, units=480, power_items=240,
        datasets=240, leads=1.7, unit_leads=0.8, catalogue=catalogue,
    )  # fmt: skip
    tables = read(tmp_path / "wb")
    assert contract_errors(tables) == []
    assert counts["agencies"] == 240
    government = {a["id"]: a["government"] for a in tables["agencies"]}
    assert len(set(government.values())) == 6
    unit_agency = {u["id"]: u["agency"] for u in tables["units"]}
    leads: dict[tuple[str, str], set[str]] = defaultdict(set)
    extra = by_unit = 0
    for d in tables["duties"]:
        if d["role"] == "牵头":
            agency = unit_agency.get(d["holder"], d["holder"])
            leads[(d["function"], government[agency])].add(agency)
        if "-L" in d["id"] and d["role"] == "牵头":
            extra += 1
            by_unit += d["holder"] in unit_agency
    mean = sum(map(len, leads.values())) / len(leads)
    assert 1.4 < mean < 2.0 and max(map(len, leads.values())) <= 8
    assert 0.7 < by_unit / extra < 0.9
    copies = {f["id"] for f in tables["functions"] if f["id"][:6] in set(government.values())}
    assert bool(copies) == (catalogue == "government")
    # a government leads its own copies and the shared roots, never another's copy
    assert all(f not in copies or f.startswith(gov + "-") for f, gov in leads)
