"""The web pages in a real headless browser (Debian's chromium driven by Playwright) on a
real server over the example: every page opens without console errors, an overlap leads
to its agencies, a draft is checked and its xlsx report downloaded, the language switches,
and search and the language switch work from the keyboard.

Screenshots go to test-artifacts/web/ (ignored by git).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from govkg.api.labels import LABELS
from govkg.loaders.xlsx_reader import iter_sheet, sheet_names
from playwright.sync_api import ConsoleMessage, Page, expect

from govkg.settings import Settings
from govkg.validating.draft import validate_draft
from tests.api_server import CITY, DRAFT, REPO, Server, free_port

ARTIFACTS = REPO / "test-artifacts" / "web"


@pytest.fixture(scope="module")
def server(city_server: Server) -> Server:
    return city_server


@pytest.fixture
def console_errors() -> list[str]:
    """The console errors and page errors of the test's page (a test may take out those
    it expects)."""
    return []


@pytest.fixture
def page(browser_page: Page, console_errors: list[str]) -> Iterator[Page]:
    """The module's page on the server, blank; fails the test on any console error or page
    error."""
    browser_page.goto("about:blank")
    errors = console_errors

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_error(error: Exception) -> None:
        errors.append(str(error))

    browser_page.on("console", on_console)
    browser_page.on("pageerror", on_error)
    yield browser_page
    browser_page.remove_listener("console", on_console)
    browser_page.remove_listener("pageerror", on_error)
    assert errors == [], errors


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


PAGES = {
    "overview": "/",
    "agency": "/ui/agencies/JH-DSJ",
    "function": "/ui/functions/F010202",
    "dataset": "/ui/datasets/SJZY-081",
    "overlaps": "/ui/overlaps",
    "findings": "/ui/findings?rule=R1",
    "graph": "/ui/graph?node=JH-DSJ",
    "draft": "/ui/draft",
    "search": "/ui/search?q=%E5%A4%A7%E6%95%B0%E6%8D%AE",  # 大数据
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens(page: Page, name: str) -> None:
    response = page.goto(PAGES[name])
    assert response is not None and response.ok, response and response.status
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("navigation")).to_have_count(1)
    # every page carries the search box, with its label
    expect(page.get_by_label("搜索机构、职能、数据资源")).to_be_visible()
    # nothing is fetched from anywhere but this server
    assert all(
        src is None or src.startswith("/") or src.startswith("data:")
        for src in page.locator("[src], link[href]").evaluate_all(
            "els => els.map(e => e.getAttribute('src') || e.getAttribute('href'))"
        )
    )
    shot(page, name)


def test_overview_counts_and_findings(page: Page, server: Server) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/ui$"))
    expect(page.locator("#count-agencies")).to_have_text("45")
    with server.client() as client:
        findings = client.get("/findings", params={"limit": 1000}).json()
    by_rule = Counter(f["rule"] for f in findings["items"])
    for rule, count in by_rule.items():
        expect(page.locator(f"#rule-{rule}")).to_have_text(str(count))
    page.locator("#rule-R1").click()
    expect(page).to_have_url(re.compile(r"/ui/findings\?rule=R1"))
    expect(page.locator("table.findings tbody tr")).to_have_count(by_rule["R1"])


def test_findings_page_through(page: Page, server: Server) -> None:
    with server.client() as client:
        everything = client.get("/findings", params={"limit": 1000}).json()
    page.goto("/ui/findings?limit=10")
    seen: list[str] = []
    while True:
        rows = page.locator("table.findings tbody tr")
        seen += [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
        following = page.locator("nav.pager a[rel=next]")
        if following.count() == 0:
            break
        following.click()
    expect(page.locator("nav.pager a[rel=prev]")).to_be_visible()
    focus = [f["focus"] for f in everything["items"]]
    assert len(seen) == everything["total"] == len(focus)


def test_an_agencys_findings_by_rule_open_their_list(page: Page, server: Server) -> None:
    with server.client() as client:
        listed = client.get("/findings", params={"agency": "JH-DSJ", "limit": 1000}).json()
    by_rule = Counter(f["rule"] for f in listed["items"])
    page.goto("/ui/agencies/JH-DSJ")
    expect(page.locator("#its-findings")).to_contain_text(str(listed["total"]))
    page.locator("table.findings a", has_text="R5").click()
    expect(page).to_have_url(re.compile(r"/ui/findings\?.*agency=JH-DSJ"))
    expect(page.locator("table.findings tbody tr")).to_have_count(by_rule["R5"])


def test_from_an_overlap_to_its_agency(page: Page) -> None:
    page.goto("/")
    page.locator("#rule-R2").click()
    expect(page).to_have_url(re.compile(r"/ui/overlaps"))
    first = page.locator("article.overlap").first
    sides = first.locator(".side")
    expect(sides).to_have_count(2)
    expect(sides.nth(0).locator("blockquote").first).to_be_visible()
    expect(sides.nth(1).locator("blockquote").first).to_be_visible()
    expect(first.get_by_text("分工条款须写明")).to_be_visible()
    expect(page.locator("svg.picture")).to_have_count(1)  # the lines of R10
    agency_link = sides.nth(1).locator("h3 a")
    agency_id = agency_link.locator(".id").inner_text()
    agency_link.click()
    expect(page).to_have_url(re.compile(rf"/ui/agencies/{agency_id}$"))
    expect(page.locator("h1")).to_contain_text(agency_id)
    expect(page.locator("table.findings")).to_contain_text("R2")
    shot(page, "overlap-to-agency")


def test_graph_clicks_through(page: Page) -> None:
    page.goto("/ui/graph?node=JH-DSJ")
    page.locator("svg a[aria-label*='F010202']").click()
    expect(page).to_have_url(re.compile(r"node=F010202"))
    expect(page.locator("h1")).to_contain_text("F010202")
    # the function's picture shows the other agency that leads it
    page.locator("svg a[aria-label*='JH-ZWB']").click()
    expect(page).to_have_url(re.compile(r"node=JH-ZWB"))
    expect(page.locator("svg a.node-centre")).to_have_attribute("aria-label", re.compile("JH-ZWB"))
    shot(page, "graph-click-through")


def expected_draft() -> Counter[str]:
    outcome = validate_draft([CITY], DRAFT, base_iri=Settings.from_env({}).base_iri)
    return Counter(f.status for f in outcome.findings)


def test_draft_check_and_xlsx(page: Page, tmp_path: Path) -> None:
    expected = expected_draft()
    page.goto("/ui/draft")
    page.get_by_label("征求意见稿工作簿").set_input_files(DRAFT)
    page.get_by_role("button", name="检查").click()
    expect(page.locator("#draft-result")).to_be_visible(timeout=120_000)
    assert int(page.locator("#tally-new").inner_text()) == expected["new"]
    assert int(page.locator("#tally-resolved").inner_text()) == expected["resolved"]
    assert int(page.locator("#tally-unchanged").inner_text()) == expected["unchanged"]
    assert expected["resolved"] > 0
    shot(page, "draft-result")
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    report = tmp_path / "report.xlsx"
    download.value.save_as(report)
    names = sheet_names(report)
    assert names[0] == "汇总"
    summary = list(iter_sheet(report, "汇总"))
    assert summary[0][:4] == ["规则", "名称", "严重程度", "问题数"]
    assert sum(int(row[5]) for row in summary[1:]) == expected["resolved"]


def test_a_province_sized_check_lists_the_first_unchanged(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page lists every new and resolved finding but only the first unchanged ones
    (a province's store keeps hundreds of thousands) and says so; the tally counts all."""
    from fastapi.testclient import TestClient
    from govkg.api import draft_page
    from govkg.api.main import create_app

    expected = expected_draft()
    monkeypatch.setattr(draft_page, "SHOWN_UNCHANGED", 2)
    # the check reads the generation's sidecar (govkg/validating/draft_sidecar.py), written
    # again when missing
    (sidecar,) = (Path(server.store) / "sidecars").glob("gen-*.sqlite")
    sidecar.unlink()
    with TestClient(create_app(Settings.from_env({}, store=server.store))) as client:
        sent = client.post("/ui/draft", files={"draft": (DRAFT.name, DRAFT.read_bytes())})
    assert sent.status_code == 200, sent.text
    assert sidecar.is_file()
    html = sent.text
    assert f'<dd id="tally-unchanged">{expected["unchanged"]}</dd>' in html
    unchanged = html.split('aria-labelledby="h-unchanged"')[1]
    assert unchanged.count("<tr") - unchanged.count("<thead") == 2 < expected["unchanged"]
    assert LABELS["first_shown"][0].format(n=2) in unchanged
    assert 'id="first-shown-new"' not in html


def tab_to(page: Page, element_id: str) -> None:
    """Press Tab (at most ten times) until the element has the focus."""
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            break
    assert page.evaluate("document.activeElement.id") == element_id


def test_language_switch_from_the_keyboard(page: Page) -> None:
    page.goto("/ui/agencies/JH-DSJ")
    expect(page.get_by_role("heading", name="隶属关系")).to_be_visible()
    tab_to(page, "lang-switch")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ui/agencies/JH-DSJ\?lang=en$"))
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Where it sits")).to_be_visible()
    expect(page.get_by_label("Search agencies, functions, datasets")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Overlaps").click()
    expect(page).to_have_url(re.compile(r"/ui/overlaps\?lang=en$"))
    expect(page.locator("h1")).to_have_text("Overlapping duties (R2)")
    shot(page, "overlaps-en")
    page.locator("#lang-switch").click()
    expect(page).to_have_url(re.compile(r"/ui/overlaps$"))
    expect(page.locator("h1")).to_have_text("职责交叉（R2）")


def test_search_from_the_keyboard(page: Page) -> None:
    page.goto("/ui/functions/F0506")
    tab_to(page, "search-q")
    page.keyboard.type("数据管理")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/ui/search\?q="))
    results = page.locator("ul.results")
    expect(results.get_by_role("link", name=re.compile("江海市大数据管理局"))).to_be_visible()
    # by a nameplate (加挂牌子) too
    page.get_by_label("搜索机构、职能、数据资源").fill("外事办公室")
    page.get_by_label("搜索机构、职能、数据资源").press("Enter")
    expect(page.locator("ul.results")).to_contain_text("JH-ZFB")
    shot(page, "search")


def test_browsers_get_pages_and_clients_get_json(server: Server) -> None:
    with server.client() as client:
        assert client.get("/").json()["links"]["pages"] == "/ui"
        sent = client.get("/", headers={"Accept": "text/html,*/*"})
        assert sent.status_code == 303 and sent.headers["location"] == "/ui"
        for path, kind in (("agencies", "机构"), ("functions", "职能"), ("datasets", "数据资源")):
            missing = client.get(f"/ui/{path}/NOPE")
            assert missing.status_code == 404 and f'{kind} <span class="id">NOPE' in missing.text
        bad = client.post("/ui/draft", files={"draft": ("notes.txt", b"x", "text/plain")})
        assert bad.status_code == 400
        assert "不支持的文件「notes.txt」" in bad.text
        english = client.post(
            "/ui/draft?lang=en", files={"draft": ("notes.txt", b"x", "text/plain")}
        )
        assert "unsupported file &#39;notes.txt&#39;" in english.text


def test_a_broken_draft_is_located(page: Page, tmp_path: Path, console_errors: list[str]) -> None:
    """Bad input is listed with file, table, row and column, as the command line does."""
    header = (REPO / "examples" / "city-draft" / "机构.csv").read_text(encoding="utf-8")
    archive = tmp_path / "broken.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("机构.csv", header.splitlines()[0] + "\nJH-X,,,,,,,,,,,,\n")
    page.goto("/ui/draft")
    page.get_by_label("征求意见稿工作簿").set_input_files(archive)
    page.get_by_role("button", name="检查").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible(timeout=60_000)
    first = alert.locator("tbody tr").first
    expect(first.locator("td")).to_have_text(
        ["broken.zip/机构.csv", "机构", "2", "机构名称", "必填单元格为空"]
    )
    expect(page.locator("#draft-result")).to_have_count(0)
    shot(page, "draft-error")
    # the page is answered with status 400, which the browser reports, as it should
    assert console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    console_errors.clear()


def test_serve_prints_the_address_of_the_pages(server: Server) -> None:
    """What the README's main command shows: the pages' address, in both languages."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "govkg.cli", "serve", "--store", str(server.store)]
        + ["--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        address = f"http://127.0.0.1:{port}/"
        assert first.strip() == f"网页 pages: {address}  (English: {address}?lang=en)"
    finally:
        process.terminate()
        process.wait(15)


def test_r10_picture_draws_each_line(page: Page, server: Server) -> None:
    """The R10 picture: one tree per line (the top of each holder's chain, following
    主管机构 else 设在, worked out here from the example's CSV), every holder marked."""
    with server.client() as client:
        r10 = client.get("/findings", params={"rule": "R10"}).json()["items"][0]
    rows = list(csv.DictReader((REPO / "examples/city/机构.csv").open(encoding="utf-8")))
    up = {r["机构编码"]: r["主管机构"] or r["设在"] for r in rows if r["主管机构"] or r["设在"]}

    def top(agency: str) -> str:
        while agency in up:
            agency = up[agency]
        return agency

    tops = {top(a) for a in r10["related"]}
    assert len(tops) > 1
    page.goto("/ui/overlaps")
    picture = page.locator("svg.picture")
    marked = picture.locator("a.node-marked").evaluate_all(
        "els => els.map(e => e.getAttribute('href').split('/').pop())"
    )
    assert sorted(marked) == sorted(r10["related"])
    drawn = picture.locator("a.node").evaluate_all(
        "els => els.map(e => e.getAttribute('href').split('/').pop())"
    )
    assert tops <= set(drawn)
    expect(page.locator("figure figcaption")).to_contain_text(f"{len(tops)} 个系统")


def test_every_label_has_both_languages() -> None:
    for key, (zh, en) in LABELS.items():
        assert zh.strip() and en.strip(), key
        assert zh.count("{") == en.count("{"), key  # the same values go into both
