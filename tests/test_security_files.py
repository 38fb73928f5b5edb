"""Files from a careless user or an attacker (issue 12): archive bombs refused before
they are unpacked, within seconds and without the memory (those commands run in a child
whose address space is capped with `resource`, the others in this process); CSV saved by
Excel on Chinese Windows (GB18030) read; no cell of any xlsx govkg writes is a formula.
Every bomb is built here from the bundled example; none is kept in the repository."""

from __future__ import annotations

import csv
import io
import re
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.api_server import CITY
from tests.conftest import EXAMPLES, REPO, run_govkg

MEMORY_CAP = 3 * 1024**3  # bytes of address space for the child
FORMULA = '=HYPERLINK("http://evil.example/","click")'


def capped_govkg(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str, float]:
    """`govkg ARGS` in a child limited to MEMORY_CAP: (exit status, stderr, seconds)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "govkg.cli", *map(str, args)],
        capture_output=True,
        text=True,
        preexec_fn=cap,
        env=env,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def rewritten(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    """A copy of a zip with some members' contents replaced (or added)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename not in change:
                new.writestr(item, old.read(item.filename))
        for name, content in change.items():
            new.writestr(name, content, compresslevel=9)
    return target


def deflated(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def first_sheet(book: Path) -> tuple[str, str]:
    """(member, sheet name) of the example's first sheet."""
    with zipfile.ZipFile(book) as archive:
        names = re.findall(rb'<sheet [^>]*name="([^"]+)"', archive.read("xl/workbook.xml"))
        return "xl/worksheets/sheet1.xml", names[0].decode()


def far_cell(folder: Path) -> tuple[Path, str]:
    """The example with one more cell, at XFD1048576, in its first sheet (78 KB):
    the file and that sheet's name."""
    member, sheet = first_sheet(CITY)
    with zipfile.ZipFile(CITY) as archive:
        xml = archive.read(member)
    far = b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
    return rewritten(CITY, folder / "far.xlsx", {member: xml.replace(b"</sheetData>", far)}), sheet


def test_a_cell_at_xfd1048576_is_refused_quickly(tmp_path: Path) -> None:
    """78 KB that asked the reader for 549 GB (exit 134 and a Rust backtrace)."""
    bomb, sheet = far_cell(tmp_path)
    assert bomb.stat().st_size < 200_000
    status, output, seconds = capped_govkg("load", bomb, "--store", tmp_path / "store")
    assert status == 2, output
    assert "far.xlsx" in output and sheet in output and "GOVKG_SHEET_MAX_COLUMNS" in output
    assert seconds < 30 and "panicked" not in output
    assert not (tmp_path / "store" / "current").exists()


def test_a_zip_bomb_is_refused_unread(tmp_path: Path) -> None:
    """A sheet of 128 MiB of rows packed ~1000:1 (the issue's was 1 GiB in 3.7 MB)."""
    member, _ = first_sheet(CITY)
    bomb = tmp_path / "bomb.xlsx"
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20_000
    with (
        zipfile.ZipFile(CITY) as old,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        for item in old.infolist():
            if item.filename != member:
                new.writestr(item, old.read(item.filename))
        with new.open(deflated(member), "w", force_zip64=True) as out:
            out.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml'
                b'/2006/main"><sheetData>'
            )
            for _ in range(128 * 1024 * 1024 // len(row)):
                out.write(row)
            out.write(b"</sheetData></worksheet>")
    assert bomb.stat().st_size < 8 * 1024 * 1024
    status, output, seconds = capped_govkg("validate", bomb, "--format", "json")
    assert status == 2, output
    assert "bomb.xlsx" in output and "GOVKG_ZIP_MAX_RATIO" in output
    assert seconds < 30


def test_sheet_limits_are_settings(tmp_path: Path) -> None:
    env = {**__import__("os").environ, "GOVKG_SHEET_MAX_ROWS": "20"}
    status, output, _ = capped_govkg("validate", CITY, env=env)
    assert status == 2 and "GOVKG_SHEET_MAX_ROWS" in output and "limit of 20" in output


def test_a_docx_bomb_is_refused_unread(tmp_path: Path) -> None:
    document = tmp_path / "三定.docx"
    with zipfile.ZipFile(document, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(deflated("word/document.xml"), "w", force_zip64=True) as out:
            out.write(
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                b'wordprocessingml/2006/main"><w:body>'
            )
            for _ in range(96):
                out.write(b" " * (1024 * 1024))
            out.write(b"</w:body></w:document>")
    status, output, seconds = capped_govkg(
        "import", "mandate", document, "-o", tmp_path / "draft.xlsx", "--baseline", CITY
    )
    assert status == 2, output
    assert "三定.docx" in output and "GOVKG_" in output and seconds < 30


def reencoded(folder: Path, encoding: str) -> Path:
    for csv_file in folder.glob("*.csv"):
        text = csv_file.read_text(encoding="utf-8-sig")
        csv_file.write_bytes(text.encode(encoding))
    return folder


@pytest.mark.parametrize(("encoding", "shown"), [("gb18030", "GB18030"), ("utf-8-sig", None)])
def test_excel_csv_in_chinese_offices(tmp_path: Path, encoding: str, shown: str | None) -> None:
    folder = reencoded(shutil.copytree(EXAMPLES / "city", tmp_path / "city"), encoding)
    store = tmp_path / "store"
    done = run_govkg("load", folder, "--store", store)
    assert done.returncode == 0, done.stderr
    if shown:
        assert f"read as {shown}" in done.stdout and "机构.csv" in done.stdout
    else:
        assert "read as" not in done.stdout
    query = run_govkg(
        "query",
        "--store",
        store,
        "--format",
        "csv",
        "SELECT ?n WHERE { ?a dct:identifier 'JH-DSJ' ; skos:prefLabel ?n }",
    )
    assert "江海市大数据管理局" in query.stdout


def test_a_csv_in_neither_encoding_names_those_tried(tmp_path: Path) -> None:
    folder = shutil.copytree(EXAMPLES / "city", tmp_path / "city")
    (folder / "机构.csv").write_bytes(b"\xff\xfe\x00\x81\x00broken")
    done = run_govkg("validate", folder)
    assert done.returncode == 2
    assert "机构.csv" in done.stderr and "UTF-8, GB18030" in done.stderr


def formula_free(book: Path | bytes) -> str:
    """The text of every sheet of an xlsx, after checking that none holds a formula."""
    source = io.BytesIO(book) if isinstance(book, bytes) else book
    texts = []
    with zipfile.ZipFile(source) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name
                texts.append(xml)
    return "".join(texts)


def test_no_xlsx_written_holds_a_formula(tmp_path: Path) -> None:
    folder = shutil.copytree(EXAMPLES / "city", tmp_path / "city")
    agencies = folder / "机构.csv"
    with agencies.open(encoding="utf-8", newline="") as handle:
        rows = [
            [FORMULA if c == "江海市大数据管理局" else c for c in r] for r in csv.reader(handle)
        ]
    with agencies.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = tmp_path / "report.xlsx"
    done = run_govkg("validate", folder, "--format", "xlsx", "-o", report)
    assert done.returncode == 1, done.stderr
    assert "HYPERLINK" in formula_free(report)
    draft = tmp_path / "draft.xlsx"
    mandate = tmp_path / "三定.txt"
    national = (REPO / "tests" / "data" / "mandates" / "national-bureau.txt").read_text("utf-8")
    mandate.write_text(national.replace("（一）负责", f"（一）{FORMULA}负责", 1), encoding="utf-8")
    done = run_govkg("import", "mandate", mandate, "-o", draft, "--baseline", folder)
    assert draft.exists(), done.stderr
    assert "HYPERLINK" in formula_free(draft)


def test_uploads_over_a_limit_are_413_and_named_as_uploaded(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient
    from govkg.api.main import create_app

    from govkg.settings import Settings
    from tests.api_server import loaded_store

    bomb, sheet = far_cell(tmp_path)
    bad = io.BytesIO()
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("机构.csv", "机构编码,机构名称\nX1,无类别\n")
    settings = Settings.from_env({}, store=loaded_store(tmp_path))
    with TestClient(create_app(settings)) as client:
        response = client.post("/validate", files={"file": ("far.xlsx", bomb.read_bytes())})
        assert response.status_code == 413, response.text
        problem = response.json()["error"]["problems"][0]
        assert problem["file"] == "far.xlsx" and problem["table"] == sheet
        response = client.post("/validate", files={"file": ("bad.zip", bad.getvalue())})
        assert response.status_code == 400
        assert "/tmp" not in response.text and "govkg-validate" not in response.text
        assert {p["file"] for p in response.json()["error"]["problems"]} == {"机构.csv"}
