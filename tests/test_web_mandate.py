"""The draft page with a 三定 text (issue 6 item 4), in a real headless browser on a real
server over the example (the fixtures of tests/test_web.py): what the importer read, the
check of its draft against the store, both downloads, an error, and the English page.

The expectations come from the importer itself (govkg.loaders.mandate) and from
POST /import/mandate for the same file, not from counts written here.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from govkg.loaders.mandate.drafting import CONTRACT_SHEETS
from govkg.loaders.mandate.importer import read_mandate
from govkg.loaders.workbook import read_workbook
from govkg.loaders.xlsx_reader import iter_sheet, sheet_names
from playwright.sync_api import Page, expect

from tests import test_web as web
from tests.api_server import REPO, Server

# the shared server and browser (tests/conftest.py) and the pages of tests/test_web.py
server, page, console_errors = web.server, web.page, web.console_errors
shot = web.shot

STHJ = REPO / "tests" / "data" / "mandates" / "jianghai-sthj.txt"


@pytest.fixture(scope="module")
def imported(server: Server) -> dict[str, Any]:
    """What POST /import/mandate answers for the same text: the draft and its check."""
    with server.client() as client:
        response = client.post(
            "/import/mandate", files={"file": (STHJ.name, STHJ.read_bytes())}, timeout=300
        )
    assert response.status_code == 200, response.text
    return response.json()


def upload(page: Page, path: Path, lang: str = "zh", government: str = "") -> None:
    page.goto("/ui/draft" + ("?lang=en" if lang == "en" else ""))
    if lang == "en":
        page.get_by_label("三定 regulation text").set_input_files(path)
        button = "Import as a draft"
    else:
        page.get_by_label("三定规定文本").set_input_files(path)
        button = "导入为草稿"
    if government:
        page.get_by_label("所属政府代码").fill(government)
    page.get_by_role("button", name=button).click()


def test_a_mandate_text_is_read_checked_and_downloaded(
    page: Page,
    imported: dict[str, Any],
    tmp_path: Path,
) -> None:
    mandate = read_mandate(STHJ)
    upload(page, STHJ)
    expect(page.locator("#mandate-read")).to_be_visible(timeout=120_000)
    # what the importer read: the agency, its duties by their numbers in the text
    expect(page.locator("#agency-name")).to_have_text(mandate.agency)
    agency_id = imported["draft"]["sheets"]["机构"][0]["机构编码"]
    expect(page.locator("#agency-match")).to_have_text(agency_id)  # a store agency
    duties = page.locator("#mandate-duties tbody tr")
    expect(duties).to_have_count(len(mandate.duties))
    numbers = [f"{mandate.duty_section}{d.label}" for d in mandate.duties]
    expect(duties.locator("td:first-child")).to_have_text(numbers)
    expect(page.locator("#h-duties")).to_contain_text(f"（{len(mandate.duties)} 项）")
    expect(page.locator("#mandate-units tbody tr")).to_have_count(len(mandate.units))
    kinds = {item.kind for item in mandate.items} - {"duty"}
    expect(page.locator("#mandate-items tbody tr")).to_have_count(
        sum(item.kind in kinds for item in mandate.items)
    )
    # names no agency answers to are listed, never guessed
    unmatched = [u["name"] for u in imported["draft"]["unmatched"]]
    assert unmatched
    expect(page.locator("#mandate-unmatched li")).to_have_count(len(unmatched))
    for name in unmatched:
        expect(page.locator("#mandate-unmatched")).to_contain_text(name)
    expect(page.locator("#mandate-divisions tbody tr")).to_have_count(
        len(imported["draft"]["sheets"]["职责分工"])
    )
    expect(page.locator("#mandate-proposals .to-confirm")).to_have_count(
        imported["draft"]["counts"]["to_confirm"]
    )
    # the check of the draft against the store, as POST /import/mandate gives it
    expected = Counter(f["status"] for f in imported["check"]["findings"])
    for status in ("new", "resolved", "unchanged"):
        expect(page.locator(f"#tally-{status}")).to_have_text(str(expected[status]))
    assert expected["new"] > 0
    shot(page, "draft-mandate")
    # the draft workbook: the contract's sheets, read as any workbook
    with page.expect_download() as download:
        page.locator("#download-draft").click()
    draft = tmp_path / download.value.suggested_filename
    download.value.save_as(draft)
    assert draft.suffix == ".xlsx"
    assert set(CONTRACT_SHEETS.values()) <= set(sheet_names(draft))
    workbook = read_workbook(draft)
    assert workbook.rows("agencies")[0][1][0] == agency_id
    assert len(workbook.rows("duties")) == len(imported["draft"]["sheets"]["职责"])
    # the check report, as for a draft workbook
    with page.expect_download() as download:
        page.locator("#download-xlsx").click()
    report = tmp_path / "report.xlsx"
    download.value.save_as(report)
    summary = list(iter_sheet(report, "汇总"))
    assert summary[0][4:7] == ["新增", "已解决", "未变"]
    assert sum(int(row[4]) for row in summary[1:]) == expected["new"]


@pytest.mark.parametrize(
    ("name", "government", "zh"),
    [
        ("no-duties.txt", "", "没有找到「主要职责」"),
        ("hekou.txt", "", "无法确定所属政府（文中地名「河口市」"),
    ],
)
def test_an_import_error_names_the_file(
    page: Page,
    console_errors: list[str],
    tmp_path: Path,
    name: str,
    government: str,
    zh: str,
) -> None:
    text = STHJ.read_text(encoding="utf-8")
    if name == "no-duties.txt":  # the title, and no 主要职责 article
        text = text.split("第三条", 1)[0]
    else:  # an agency the store does not know, of a place it does not know, and no code
        text = text.replace("江海市生态环境局职能", "河口市生态环境局职能")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    upload(page, path, government=government)
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible(timeout=60_000)
    expect(alert).to_contain_text(zh)
    where = name if not government else "所属政府代码"
    expect(alert.locator("tbody tr td").first).to_have_text(where)
    expect(page.locator("#mandate-read")).to_have_count(0)
    expect(page.get_by_label("所属政府代码")).to_have_value(government)
    shot(page, f"draft-mandate-error-{path.stem}")
    assert console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    console_errors.clear()


def test_the_result_in_english(page: Page, imported: dict[str, Any]) -> None:
    mandate = read_mandate(STHJ)
    upload(page, STHJ, lang="en")
    expect(page.locator("#mandate-read")).to_be_visible(timeout=120_000)
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("#read-title")).to_have_text(f"What the importer read in “{STHJ.name}”")
    expect(page.locator("#h-duties")).to_have_text(f"Main duties ({len(mandate.duties)})")
    expect(page.locator("#mandate-items")).to_contain_text("transformation of functions")
    expect(page.locator("#mandate-proposals .to-confirm").first).to_have_text(
        "to be confirmed (待人工确认)"
    )
    expect(page.locator("#download-draft")).to_have_text("Download the draft workbook (xlsx)")
    expect(page.locator("#h-new")).to_contain_text("New with the draft")
    shot(page, "draft-mandate-en")
    # the language switch leads back to the form, in Chinese
    page.locator("#lang-switch").click()
    expect(page).to_have_url(re.compile(r"/ui/draft$"))
    expect(page.get_by_label("三定规定文本")).to_be_visible()
