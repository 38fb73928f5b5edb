"""The /ui/draft page answers what it shows and keeps the check's findings for the report's
download (api/draft_reports.py): a check with more unchanged findings than the page lists
shows the first ``SHOWN_UNCHANGED`` and the full tally, and its downloaded xlsx holds every
finding; a token that names no kept report is a 404 in the one error shape, whatever it
tries to name; old reports go when a new one is written.

A real app (its worker processes) over an empty store, the baseline uploaded with the
draft: a generated workbook with planted violations, and a draft re-mandating one agency.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from govkg.api import draft_reports
from govkg.api.draft_page import SHOWN_UNCHANGED, XLSX_TYPE
from govkg.api.labels import LABELS
from govkg.api.main import create_app
from govkg.loaders.workbook import read_workbook
from govkg.loaders.xlsx_reader import iter_sheet, sheet_names
from govkg.shapes.findings import Finding

from govkg.settings import Settings
from govkg.synthetic import generate_workbook
from govkg.validating.draft import validate_draft
from govkg.validating.draft_result import DraftFindings
from tests.api_server import DRAFT, Server
from tests.test_draft_scope import _mutate
from tests.workbook_rows import write

BASE_IRI = Settings.from_env({}).base_iri
STATUS_ZH = {"新增": "new", "已解决": "resolved", "未变": "unchanged"}


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A baseline of 12 agencies with many findings, and a draft (a folder of CSV)."""
    folder = tmp_path_factory.mktemp("draft-report")
    base = folder / "base.xlsx"
    generate_workbook(base, agencies=12, violations=0.2, format="xlsx", seed=3)
    rows = _mutate(read_workbook(base), random.Random(3), 1, 0)
    return base, write(folder / "draft", {t: r for t, r in rows.items() if r})


def zipped(folder: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.glob("*.csv")):
            archive.write(path, path.name)
    return out.getvalue()


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("draft-report-app")
    return Settings.from_env({}, store=folder / "store", draft_reports=folder / "reports")


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_page_lists_the_first_unchanged_and_the_report_holds_all(
    client: TestClient, workbooks: tuple[Path, Path], tmp_path: Path
) -> None:
    base, draft = workbooks
    outcome = validate_draft([base], draft, base_iri=BASE_IRI)
    expected = Counter(f.status for f in outcome.findings)
    assert expected["unchanged"] > SHOWN_UNCHANGED and expected["new"] and expected["resolved"]
    sent = client.post(
        "/ui/draft",
        files={
            "draft": ("draft.zip", zipped(draft)),
            "baseline": (base.name, base.read_bytes()),
        },
    )
    assert sent.status_code == 200, sent.text
    html = sent.text
    for status in ("new", "resolved", "unchanged"):
        assert f'<dd id="tally-{status}">{expected[status]}</dd>' in html
        listed = html.split(f'aria-labelledby="h-{status}"')[1].split("</section>")[0]
        rows = listed.count("<tr") - listed.count("<thead")
        assert rows == (SHOWN_UNCHANGED if status == "unchanged" else expected[status])
    unchanged = html.split('aria-labelledby="h-unchanged"')[1]
    assert LABELS["first_shown"][0].format(n=SHOWN_UNCHANGED) in unchanged
    assert "data:application" not in html  # the report is not in the page

    (link,) = re.findall(r'id="download-xlsx"[^>]*href="([^"]+)"', html)
    assert re.fullmatch(r"/ui/draft/report/[A-Za-z0-9_-]{32}", link)
    got = client.get(link)
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == XLSX_TYPE
    assert got.headers["content-disposition"] == 'attachment; filename="govkg-draft-report.xlsx"'
    report = tmp_path / "report.xlsx"
    report.write_bytes(got.content)
    statuses: Counter[str] = Counter()
    for (status, *_), n in in_report(report).items():
        statuses[status] += n
    assert statuses == expected
    # the same report in English when the page was
    english = client.get(link + "?lang=en")
    (english_file := tmp_path / "en.xlsx").write_bytes(english.content)
    assert sheet_names(english_file)[0] == "summary"


@pytest.mark.parametrize(
    "token",
    [
        "A" * 32,  # the shape of a token, no report
        "short",
        "..%2F..%2Fstore",
        "..%2Fx",
        "." * 32,
        "A" * 31 + "%00",
    ],
)
def test_a_token_naming_no_report_is_404(
    client: TestClient, settings: Settings, token: str
) -> None:
    folder = settings.draft_reports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    # a file beside the folder that a path escaping it would reach
    (folder.parent / "x.json").write_text("[]", encoding="utf-8")
    got = client.get(f"/ui/draft/report/{token}")
    assert got.status_code == 404
    error = got.json()["error"]
    assert error["status"] == 404 and error["zh"] and error["en"]
    if "/" not in token.replace("%2F", "/"):
        assert error["zh"].startswith("未找到这份报告")
        assert "expired" in error["en"]


def in_report(report: Path) -> Counter[tuple[str, str, str, str]]:
    """(status, rule, focus, related) of every finding of an xlsx report."""
    out: Counter[tuple[str, str, str, str]] = Counter()
    for name in sheet_names(report)[1:]:  # after the summary: a sheet per rule
        rows = list(iter_sheet(report, name))
        assert rows[0][:4] == ["状态", "严重程度", "对象编码", "相关编码"]
        rule = name.split()[0]
        out.update((STATUS_ZH[row[0]], rule, row[2], row[3] or "") for row in rows[1:])
    return out


def test_a_check_on_a_store_keeps_its_unchanged_findings_in_the_sidecar(
    city_server: Server, tmp_path: Path
) -> None:
    """Against a store the report file keeps what the check compared and names the
    generation's sidecar for the rest: the downloaded report is the whole check."""
    from govkg.shapes.store_validation import rule_book

    from govkg.store import GraphStore
    from govkg.validating.draft_store import sidecar_baseline, validate_draft_on_store

    settings = Settings.from_env({}, store=city_server.store, draft_reports=tmp_path / "r")
    with TestClient(create_app(settings)) as client:
        sent = client.post("/ui/draft", files={"draft": (DRAFT.name, DRAFT.read_bytes())})
        assert sent.status_code == 200, sent.text
        (link,) = re.findall(r'id="download-xlsx"[^>]*href="([^"]+)"', sent.text)
        got = client.get(link)
    assert got.status_code == 200, got.text
    (kept,) = (tmp_path / "r").glob("*.json")
    assert "sidecar" in json.loads(kept.read_bytes())
    report = tmp_path / "report.xlsx"
    report.write_bytes(got.content)
    generation, data = GraphStore(city_server.store).open_generation()
    baseline = sidecar_baseline(data, city_server.store, generation, BASE_IRI, rule_book())
    found = validate_draft_on_store(data, read_workbook(DRAFT), BASE_IRI, baseline=baseline)
    expected = Counter((f.status, f.rule, f.focus, "; ".join(f.related)) for f in found)
    assert {status for status, *_ in expected} == {"new", "resolved", "unchanged"}
    assert in_report(report) == expected


def finding(i: int) -> Finding:
    return Finding("R1", "violation", f"A{i}", (), {"zh": "问题", "en": "problem"}, "new")


def test_old_reports_are_removed_when_one_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "reports"
    now = time.time()
    old = draft_reports.keep(DraftFindings([finding(0)]), folder)
    recent = [draft_reports.keep(DraftFindings([finding(i)]), folder) for i in range(1, 4)]
    os.utime(folder / f"{old}.json", (now - 2 * 3600, now - 2 * 3600))
    for age, token in enumerate(recent):  # older first: recent[0] 30 s old, ...
        stamp = now - 30 + age
        os.utime(folder / f"{token}.json", (stamp, stamp))
    (folder / "left-by-a-killed-worker.tmp").write_bytes(b"[")
    os.utime(folder / "left-by-a-killed-worker.tmp", (now - 7200, now - 7200))
    monkeypatch.setattr(draft_reports, "KEPT", 3)
    newest = draft_reports.keep(DraftFindings([finding(9)]), folder)
    # the one past an hour and the half-written file go, and the oldest beyond the newest 3
    names = {p.name for p in folder.iterdir()}
    assert names == {f"{t}.json" for t in (recent[1], recent[2], newest)}
    assert draft_reports.report_file(folder, old) is None
    assert draft_reports.report_file(folder, recent[0]) is None
    path = draft_reports.report_file(folder, newest)
    assert path is not None
    (kept,) = draft_reports.kept_findings(path)
    assert kept.as_dict() == finding(9).as_dict()
