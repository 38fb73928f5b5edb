"""R16 on the overlaps page, in a real headless browser (Debian's chromium, Playwright) on
a real server over the example city: both texts with the shared phrases marked; a
dismissal needs the write token and takes the pair off the page; a confirmation offers
the division row as xlsx."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.api_server import TOKEN, Server, loaded_store, start_server
from tests.test_web import ARTIFACTS

PAIR = "ZZ-JH-DSJ-02 · ZZ-JH-ZWB-11"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # its own store: the test writes decisions into it
    yield from start_server(loaded_store(tmp_path_factory.mktemp("web-overlaps")))


@pytest.fixture
def page(browser_page: Page) -> Iterator[Page]:  # noqa: F811
    browser_page.goto("about:blank")
    errors: list[str] = []

    def on_error(error: Exception) -> None:
        errors.append(str(error))

    browser_page.on("pageerror", on_error)
    yield browser_page
    browser_page.remove_listener("pageerror", on_error)
    assert not errors


def article(page: Page, pair: str):  # type: ignore[no-untyped-def]
    return page.locator("article.hidden-overlap", has=page.get_by_role("heading", name=pair))


def test_hidden_overlaps_sit_beside_r2_with_both_texts_marked(page: Page) -> None:
    page.goto("/ui/overlaps")
    expect(page.get_by_role("heading", name="疑似职责交叉（R16）")).to_be_visible()
    found = article(page, PAIR)
    expect(found).to_have_count(1)
    expect(found.locator("blockquote")).to_have_count(2)
    expect(found.locator("blockquote mark").first).to_have_text("编制全市政务数据资源目录")
    expect(found.locator(".evidence")).to_contain_text("编制全市政务数据资源目录")
    page.screenshot(path=str(ARTIFACTS / "overlaps-r16.png"), full_page=False)
    page.goto("/ui/overlaps?lang=en")
    expect(page.get_by_role("heading", name="Possible hidden overlaps (R16)")).to_be_visible()


def test_dismiss_needs_the_token_and_takes_the_pair_off(page: Page) -> None:
    page.goto("/ui/overlaps")
    form = article(page, PAIR).locator("form.decide")
    form.get_by_label("判断人").fill("编办 李科长")
    form.get_by_label("写入令牌").fill("wrong")
    with page.expect_response("**/ui/overlaps/decide") as refused:
        form.get_by_role("button", name="排除（不是交叉）").click()
    assert refused.value.status == 403
    page.goto("/ui/overlaps")
    form = article(page, PAIR).locator("form.decide")
    form.get_by_label("判断人").fill("编办 李科长")
    form.get_by_label("说明").fill("目录由大数据局统一编制")
    form.get_by_label("写入令牌").fill(TOKEN)
    form.get_by_role("button", name="排除（不是交叉）").click()
    expect(page.get_by_role("status")).to_contain_text("ZZ-JH-DSJ-02-ZZ-JH-ZWB-11")
    expect(article(page, PAIR)).to_have_count(0)


def test_confirm_offers_the_division_row_as_xlsx(page: Page) -> None:
    pair = "ZZ-JH-DSJ-04 · ZZ-JH-SZZH-06"
    page.goto("/ui/overlaps")
    form = article(page, pair).locator("form.decide")
    form.get_by_label("判断人").fill("编办 李科长")
    form.get_by_label("写入令牌").fill(TOKEN)
    form.get_by_role("button", name="确认交叉").click()
    link = page.get_by_role("link", name="下载应写入工作簿的分工行（xlsx）")
    answer = page.request.get(link.get_attribute("href") or "")
    assert answer.status == 200, answer.text()
    with page.expect_download() as download:
        link.click()
    saved = ARTIFACTS / "overlap-division.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)
    division = list(book["职责分工"].iter_rows(values_only=True))
    assert division[0][:4] == ("编号", "涉及机构", "职能编码", "分工内容")
    assert division[1][1] == "JH-DSJ；JH-SZZH" and division[1][2] == "F010203"
    duties = list(book["职责"].iter_rows(values_only=True))
    assert duties[1] == ("ZZ-JH-SZZH-06", "F010203")  # the uncoded duty gets the function
    # a confirmed pair is still reported: the overlap stands until the workbook settles it
    expect(article(page, pair)).to_have_count(1)
