"""Transfers of duties (职责划转) on the pages, in a real headless browser on a real server:
the example city with a transfers table (a copy of examples/city plus 职责划转.csv). An
agency's page lists the transfers its mandate states and those naming it; a function's
page those of its lead agencies; the REST agency detail the same; and importing a real
三定 text whose government the store lacks shows its transfers and says the check against
the store was skipped."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from govkg.loading import load_sources
from govkg.settings import Settings
from tests import test_web as web
from tests.api_server import REPO, TOKEN, Server, start_server

page, console_errors, shot = web.page, web.console_errors, web.shot
MEE_2008 = REPO / "tests" / "data" / "mandates" / "real" / "mee-2008-preamble.txt"
TRANSFERS = [
    ["编号", "机构编码", "划转类型", "对方", "对方机构编码", "内容", "依据"],
    ["HZ-1", "JH-DSJ", "划出", "市政府办公室", "JH-ZFB",
     "将电子政务外网运行维护职责划出给市政府办公室。", "一、职责调整（一）"],
    ["HZ-2", "JH-ZFB", "交给", "市大数据管理局", "JH-DSJ",
     "将组织编制全市政务数据资源目录职责交给市大数据管理局。", "一、职责调整（二）"],
    ["HZ-3", "JH-ZFB", "取消", "", "", "取消市级电子政务项目备案。", ""],
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("transfers")
    city = shutil.copytree(REPO / "examples" / "city", folder / "city")
    with (city / "职责划转.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(TRANSFERS)
    store = folder / "store"
    load_sources([city], Settings.from_env({}, store=store), show_progress=False)
    yield from start_server(store)


def test_an_agency_page_shows_its_transfers_in_and_out(page: Page, server: Server) -> None:
    page.goto("/ui/agencies/JH-DSJ")
    expect(page.locator("#transfers")).to_have_text("本机构三定写明的职责划转（1 项）")
    stated = page.locator("#transfers-stated tbody tr")
    expect(stated).to_have_count(1)
    expect(stated.first).to_contain_text("HZ-1")
    expect(stated.first).to_contain_text("划出")
    expect(stated.first).to_contain_text("江海市人民政府办公室")
    named = page.locator("#transfers-named-table tbody tr")
    expect(named).to_have_count(1)
    expect(named.first).to_contain_text("HZ-2")
    expect(named.first).to_contain_text("交给")
    # the counterpart links to its own page, which lists the same transfers the other way
    stated.first.get_by_role("link", name="江海市人民政府办公室").click()
    expect(page.locator("h1")).to_contain_text("江海市人民政府办公室")
    expect(page.locator("#transfers-stated tbody tr")).to_have_count(2)  # HZ-2, HZ-3
    expect(page.locator("#transfers-named-table tbody tr")).to_have_count(1)  # HZ-1
    shot(page, "agency-transfers")
    page.goto("/ui/agencies/JH-DSJ?lang=en")
    expect(page.locator("#transfers")).to_have_text("Transfers its mandate states (1)")
    expect(page.locator("#transfers-stated tbody tr").first).to_contain_text("moved out")


def test_a_function_page_shows_the_transfers_of_its_lead_agencies(page: Page) -> None:
    page.goto("/ui/functions/F010202")  # led by JH-DSJ and JH-ZWB
    rows = page.locator("#function-transfers tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("HZ-1")
    expect(rows.nth(1)).to_contain_text("HZ-2")


def test_the_rest_agency_detail_lists_them(server: Server) -> None:
    with server.client() as client:
        detail = client.get("/agencies/JH-DSJ").json()
        finding = client.get("/findings", params={"rule": "R17"}).json()
    by_id = {t["id"]: t for t in detail["transfers"]}
    assert set(by_id) == {"HZ-1", "HZ-2"}
    assert by_id["HZ-1"]["direction"] == "stated" and by_id["HZ-2"]["direction"] == "named"
    assert by_id["HZ-1"]["kind"]["zh"] == "划出"
    assert by_id["HZ-1"]["counterpart_agency"] == {"id": "JH-ZFB", "name": "江海市人民政府办公室"}
    assert by_id["HZ-2"]["stated_by"]["id"] == "JH-ZFB"
    # R17: nothing 市政府办公室 holds takes up 电子政务外网运行维护
    assert [(f["focus"], f["related"]) for f in finding["items"]] == [("HZ-1", ["JH-ZFB"])]


def test_importing_a_text_of_a_government_the_store_lacks(page: Page, server: Server) -> None:
    with server.client() as client:
        response = client.post(
            "/import/mandate", files={"file": (MEE_2008.name, MEE_2008.read_bytes())}, timeout=300
        )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["check"] is None
    assert "100000" in answer["skipped"]["zh"] and "skipped" in answer["skipped"]["en"]
    assert answer["draft"]["counts"]["transfers"] == 4
    web_upload(page, MEE_2008)
    expect(page.locator("#agency-name")).to_have_text("环境保护部")
    expect(page.locator("#mandate-skipped")).to_contain_text("基准中没有政府 100000")
    rows = page.locator("#mandate-transfers tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("原国家环境保护总局")
    expect(rows.nth(2)).to_contain_text("地方环境保护行政主管部门")
    expect(page.locator("#draft-result")).to_have_count(0)  # no check against the store
    expect(page.locator("#mandate-duties tbody tr")).to_have_count(3)
    shot(page, "mandate-transfers")


def web_upload(page: Page, path: Path) -> None:
    page.goto("/ui/draft")
    page.get_by_label("三定规定文本").set_input_files(path)
    page.get_by_role("button", name="导入为草稿").click()


def test_r17_is_dismissed_on_the_overlaps_page(page: Page, server: Server) -> None:
    """Last in this file: it takes HZ-1's finding off the store the others read."""
    page.goto("/ui/overlaps")
    expect(page.get_by_role("heading", name="划转职责无人承接（R17）")).to_be_visible()
    heading = page.get_by_role("heading", name="HZ-1 · JH-ZFB")
    gap = page.locator("article.transfer-gap", has=heading)
    expect(gap).to_have_count(1)
    form = gap.locator("form.decide")  # the form's token is checked as R16's (test_web_overlaps)
    form.get_by_label("判断人").fill("编办 李科长")
    form.get_by_label("说明").fill("外网运维已由大数据中心承担")
    form.get_by_label("写入令牌").fill(TOKEN)
    form.get_by_role("button", name="排除（已有人承接）").click()
    expect(page.get_by_role("status")).to_contain_text("HZ-1-JH-ZFB")
    expect(page.locator("article.transfer-gap")).to_have_count(0)
    shot(page, "overlaps-r17-dismissed")
    with server.client() as client:
        assert client.get("/findings", params={"rule": "R17"}).json()["items"] == []
        decided = client.get(
            "/sparql",
            params={"query": "SELECT ?who WHERE { ?d gk:ruleId 'R17' ; gk:decisionKind 'dismiss' ;"
                    " prov:wasAttributedTo/skos:prefLabel ?who }"},
        ).json()  # fmt: skip
    assert [b["who"]["value"] for b in decided["results"]["bindings"]] == ["编办 李科长"]
