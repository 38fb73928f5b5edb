"""POST /import/mandate on a real server over the example store: a 三定 text in, its draft
and the draft's check against the store out."""

from __future__ import annotations

import pytest

from tests.api_server import CITY, Server

from .conftest import REPO

MANDATES = REPO / "tests" / "data" / "mandates"


@pytest.fixture(scope="module")
def server(city_server: Server) -> Server:
    return city_server


def upload(server: Server, name: str, content: bytes, **params: str):  # noqa: ANN201
    with server.client() as client:
        return client.post(
            "/import/mandate",
            params={k: v for k, v in params.items() if k == "format"},
            data={k: v for k, v in params.items() if k != "format"},
            files={"file": (name, content)},
            timeout=120,
        )


def test_a_text_becomes_a_draft_checked_against_the_store(server: Server) -> None:
    text = (MANDATES / "jianghai-sthj.txt").read_bytes()
    response = upload(server, "生态环境局.txt", text)
    assert response.status_code == 200, response.text
    body = response.json()
    agencies = body["draft"]["sheets"]["机构"]
    assert agencies[0]["机构编码"] == "JH-STHJ"
    assert body["draft"]["unmatched"] == [
        {"agency": "JH-STHJ", "basis": "三定规定第三条（九）3", "name": "市气象局"}
    ]
    proposals = body["draft"]["sheets"]["职能建议"]
    assert len(proposals) == len(body["draft"]["sheets"]["职责"]) + 2  # and the 2 divisions
    statuses = {f["status"] for f in body["check"]["findings"]}
    assert "new" in statuses and statuses <= {"new", "resolved", "unchanged"}
    new = [f for f in body["check"]["findings"] if f["status"] == "new"]
    assert any(f["rule"] == "R14" and f["focus"] == "JH-STHJ-第四条（一）" for f in new)


def test_the_check_on_the_store_is_the_check_on_the_workbook(server: Server, tmp_path) -> None:
    from govkg.validating.draft import validate_draft

    text = (MANDATES / "jianghai-sthj.txt").read_bytes()
    draft = tmp_path / "draft.xlsx"
    draft.write_bytes(upload(server, "sthj.txt", text, format="xlsx").content)
    on_store = upload(server, "sthj.txt", text).json()["check"]["findings"]
    outcome = validate_draft([CITY], draft, base_iri="https://id.govkg.org/")
    on_workbook = [f.as_dict() for f in outcome.findings]

    def keys(found: list) -> set:
        return {(f["rule"], f["focus"], tuple(f["related"]), f["status"]) for f in found}

    assert keys(on_store) == keys(on_workbook)


def test_the_draft_as_a_workbook(server: Server) -> None:
    from govkg.loaders.workbook import read_workbook

    text = (MANDATES / "jianghai-dsj.html").read_bytes()
    response = upload(server, "dsj.html", text, format="xlsx")
    assert response.status_code == 200, response.text
    assert "spreadsheetml" in response.headers["content-type"]
    path = server.store.parent / "dsj-draft.xlsx"
    path.write_bytes(response.content)
    workbook = read_workbook(path)
    assert workbook.rows("agencies")[0][1][0] == "JH-DSJ"
    assert len(workbook.rows("units")) == 4


@pytest.mark.parametrize(
    ("name", "content", "status", "zh"),
    [
        ("notes.rtf", b"{\\rtf1}", 415, "不支持的文件"),
        ("minutes.txt", "会议纪要".encode(), 400, "找不到标题"),
    ],
)
def test_bad_uploads_are_refused(
    server: Server, name: str, content: bytes, status: int, zh: str
) -> None:
    response = upload(server, name, content)
    assert response.status_code == status
    error = response.json()["error"]
    assert zh in error["zh"] or any(zh in p.get("zh", "") for p in error.get("problems", []))


def test_a_government_the_store_lacks_gives_a_draft_without_a_check(server: Server) -> None:
    text = (MANDATES / "jianghai-sthj.txt").read_text(encoding="utf-8")
    renamed = text.replace("江海市生态环境局职能", "江海市海滨区生态环境分局职能").encode()
    response = upload(server, "haibin.txt", renamed, government="110000")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["check"] is None
    assert "110000" in body["skipped"]["zh"] and "skipped" in body["skipped"]["en"]
    (agency,) = body["draft"]["sheets"]["机构"]
    assert agency["所属政府"] == "110000"
    # a place the store does not know, and no code: refused, naming the place
    elsewhere = text.replace("江海市生态环境局职能", "河口市生态环境局职能").encode()
    response = upload(server, "hekou.txt", elsewhere)
    assert response.status_code == 400
    assert "河口市" in response.text
