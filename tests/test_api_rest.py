"""The REST resources over real HTTP: payloads with Chinese and English names, filters,
paging, findings of the project's validator, overlaps side by side, /validate."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import httpx
import pytest

from tests.api_server import CITY, DRAFT, REPO, Server


@pytest.fixture(scope="module")
def server(city_server: Server) -> Server:
    return city_server


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def get(client: httpx.Client, path: str, **params: object) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_agencies_list_filters_and_paging(client: httpx.Client) -> None:
    everything = get(client, "/agencies", limit=1000)
    assert everything["total"] == len(everything["items"]) == 45
    ids = [a["id"] for a in everything["items"]]
    assert ids == sorted(ids)
    page = get(client, "/agencies", limit=10, offset=40)
    assert page["total"] == 45 and [a["id"] for a in page["items"]] == ids[40:]
    assert get(client, "/agencies", offset=100)["items"] == []
    by_kind = get(client, "/agencies", kind="ConstituentDepartment", limit=1000)["items"]
    assert by_kind and all(a["kind"]["id"] == "ConstituentDepartment" for a in by_kind)
    assert by_kind[0]["kind"] == {
        "id": "ConstituentDepartment",
        "zh": "政府组成部门",
        "en": "constituent department",
    }
    assert get(client, "/agencies", kind="政府组成部门", limit=1000)["items"] == by_kind
    city = get(client, "/agencies", government="329900", limit=1000)
    assert 0 < city["total"] < 45 and all(a["government"] == "329900" for a in city["items"])
    named = get(client, "/agencies", q="大数据")["items"]
    assert named and all("大数据" in a["name"] for a in named)


def test_one_agency(client: httpx.Client) -> None:
    agency = get(client, "/agencies/JH-DSJ")
    assert agency["name"] == "江海市大数据管理局"
    assert agency["level"] == {"id": "Municipal", "zh": "市", "en": "municipal"}
    assert agency["hosted_in"] == {"id": "JH-ZFB", "name": "江海市人民政府办公室"}
    assert {u["id"] for u in agency["units"]} >= {"JH-DSJ-01", "JH-DSJ-02"}
    duty = next(d for d in agency["duties"] if d["id"] == "ZZ-JH-DSJ-01")
    assert duty["role"] == {"id": "Lead", "zh": "牵头", "en": "lead"}
    assert duty["function"]["id"] == "F0101"
    assert all(d["kind"]["zh"] and d["kind"]["en"] for d in agency["data_duties"])
    tally = agency["findings"]
    listed = get(client, "/findings", agency="JH-DSJ", limit=1000)
    assert tally["total"] == listed["total"] == len(listed["items"])
    assert {r["rule_name"]["id"] for r in tally["by_rule"]} >= {"R2", "R5"}
    assert all(r["rule_name"]["zh"] and r["rule_name"]["en"] for r in tally["by_rule"])
    for row in tally["by_rule"]:  # each count and address agree with the paged list
        of_rule = client.get(row["href"] + "&limit=1000").json()
        assert of_rule["total"] == row["count"]
        assert {f["rule"] for f in of_rule["items"]} == {row["rule_name"]["id"]}
        assert all("JH-DSJ" in f["agencies"] for f in of_rule["items"])
    severities = [r["severity"] for r in tally["by_rule"]]
    assert severities == sorted(severities, key=["violation", "warning", "info"].index)
    gaj = get(client, "/agencies/JH-GAJ")
    assert gaj["datasets"] and all(d["id"].startswith("SJZY-") for d in gaj["datasets"])
    fgw = get(client, "/agencies/JH-FGW")
    assert fgw["power_items"] and fgw["power_items"][0]["type"]["zh"]


def test_unknown_agency_is_404(client: httpx.Client) -> None:
    response = client.get("/agencies/NOPE")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "status": 404,
        "zh": "未找到机构「NOPE」",
        "en": "no agency 'NOPE'",
        "problems": [],
    }


def test_functions(client: httpx.Client) -> None:
    listed = get(client, "/functions", limit=1000)
    assert listed["total"] == 124
    function = get(client, "/functions/F0101")
    assert function["broader_function"]["id"] == "F01"
    assert {n["id"] for n in function["narrower"]} >= {"F010101", "F010102"}
    assert {d["agency"]["id"] for d in function["leads"]} >= {"JH-DSJ", "JH-GXJ"}
    assert all(d["role"]["id"] == "Lead" for d in function["leads"])
    assert function["divisions"][0]["id"] == "FG-01"
    assert set(function["divisions"][0]["agencies"]) == {"JH-DSJ", "JH-GXJ", "JH-LDXZ"}
    children = get(client, "/functions", broader="F0101", limit=1000)["items"]
    assert {c["id"] for c in children} == {n["id"] for n in function["narrower"]}
    assert client.get("/functions/NOPE").status_code == 404


def test_datasets(client: httpx.Client) -> None:
    listed = get(client, "/datasets", source="JH-GAJ", limit=1000)
    assert listed["total"] > 0 and all("JH-GAJ" in d["sources"] for d in listed["items"])
    dataset = get(client, "/datasets/SJZY-081")
    assert {s["id"] for s in dataset["sources"]} == {"JH-SCJG", "JH-XYZX"}
    assert dataset["share_type"]["zh"] == "无条件共享"
    assert dataset["data_duties"] and dataset["data_duties"][0]["kind"]["en"]
    assert [f["rule"] for f in dataset["findings"]] == ["R1"]


def test_findings_filters_and_paging(client: httpx.Client) -> None:
    everything = get(client, "/findings", limit=1000)
    assert everything["total"] == len(everything["items"]) == 51
    r2 = get(client, "/findings", rule="R2", limit=1000)
    assert r2["total"] == 3 and all(f["rule"] == "R2" for f in r2["items"])
    warnings = get(client, "/findings", severity="warning", limit=1000)["items"]
    assert warnings and all(f["severity"] == "warning" for f in warnings)
    county = get(client, "/findings", government="329902", limit=1000)["items"]
    assert county and all("329902" in f["governments"] for f in county)
    by_agency = get(client, "/findings", agency="JH-DSJ", limit=1000)["items"]
    assert by_agency and all("JH-DSJ" in f["agencies"] for f in by_agency)
    offsets = range(0, everything["total"], 10)
    pages = [get(client, "/findings", limit=10, offset=o)["items"] for o in offsets]
    assert [f for p in pages for f in p] == everything["items"]


def test_overlaps_side_by_side(client: httpx.Client) -> None:
    overlaps = get(client, "/overlaps")
    assert overlaps["total"] == 3
    first = overlaps["items"][0]
    assert first["function"]["name"]
    assert len(first["sides"]) == 2
    for side in first["sides"]:
        assert side["agency"]["name"] and side["duties"]
        assert all(d["function"]["id"] == first["function"]["id"] for d in side["duties"])
    assert get(client, "/overlaps", agency="JH-DSJ")["total"] >= 1
    assert get(client, "/overlaps", government="999999")["total"] == 0


def test_validate_an_upload(client: httpx.Client) -> None:
    response = client.post("/validate", files={"file": ("city.xlsx", CITY.read_bytes())})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["conforms"] is False and report["counts"]["violation"] > 0
    assert set(report["findings"][0]) == {"rule", "severity", "focus", "related", "message"}
    stored = get(client, "/findings", limit=1000)
    assert len(report["findings"]) == stored["total"]


def test_validate_with_a_draft(client: httpx.Client) -> None:
    response = client.post(
        "/validate",
        files={
            "file": ("city.xlsx", CITY.read_bytes()),
            "draft": ("city-draft.xlsx", DRAFT.read_bytes()),
        },
    )
    assert response.status_code == 200, response.text
    statuses = {f["status"] for f in response.json()["findings"]}
    assert statuses <= {"new", "resolved", "unchanged"} and "resolved" in statuses


def test_validate_a_zip_of_csv(client: httpx.Client) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (REPO / "examples" / "city").glob("*.csv"):
            archive.write(path, f"city/{path.name}")
    response = client.post("/validate", files={"file": ("city.zip", buffer.getvalue())})
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["violation"] > 0


def test_validate_refuses_bad_input(client: httpx.Client) -> None:
    response = client.post("/validate", files={"file": ("notes.txt", b"hello")})
    assert response.status_code == 415
    broken = client.post("/validate", files={"file": ("x.zip", b"not a zip")})
    assert broken.status_code == 400
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("机构.csv", "机构编码,机构名称\nX1,缺列\n")
    bad = client.post("/validate", files={"file": ("bad.zip", buffer.getvalue())})
    assert bad.status_code == 400
    assert bad.json()["error"]["problems"][0]["table"]


def test_long_lived_objects_leave_the_collectors_sight_once_findings_are_in() -> None:
    import gc

    from govkg.api.state import settle_heap

    gc.unfreeze()
    held = [[i] for i in range(10_000)]  # lists: tracked by the collector
    try:
        settle_heap()
        assert gc.get_freeze_count() >= len(held)
        assert gc.get_count()[2] == 0
    finally:
        gc.unfreeze()
