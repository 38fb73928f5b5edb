"""Shared fixtures: tiny workbooks written as a staff member would write them."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from govkg.cli import main
from govkg.neo4j.client import Connection
from govkg.neo4j.falkordb_server import FalkorServer
from tests.api_server import Server, loaded_store, start_server

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config: pytest.Config) -> None:
    # A command run without --store uses the default store; in the tests that is one of
    # the session's own, never the user's ~/.local/share/govkg/store (the README's first
    # command loads the example there, and the tests must not depend on what it holds).
    data_home = Path(tempfile.mkdtemp(prefix="govkg-tests-data-"))
    os.environ["XDG_DATA_HOME"] = str(data_home)
    config.add_cleanup(lambda: shutil.rmtree(data_home, ignore_errors=True))


def write_csv_workbook(folder: Path, tables: dict[str, list[list[str]]]) -> Path:
    """A folder of CSV files, one per table: ``{"机构": [header, row, ...]}``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


SMALL_CITY = {
    "机构": [
        [
            "机构编码",
            "机构名称",
            "机构类别",
            "所属政府",
            "层级",
            "主管机构",
            "设在",
            "编制数",
            "加挂牌子",
        ],
        ["A01", "市人民政府办公室", "办事机构", "329900", "市", "", "", "60", "市外事办公室"],
        ["A02", "市大数据管理局", "部门管理机构", "329900", "市", "", "A01", "25", ""],
        ["A03", "市市场监督管理局", "政府组成部门", "329900", "市", "", "", "120", ""],
    ],
    "内设机构": [
        ["内设机构编码", "所属机构编码", "名称", "编制数"],
        ["U01", "A03", "信息化科", "8"],
        ["U02", "A02", "数据资源科", "6"],
    ],
    "职能目录": [
        ["职能编码", "职能名称", "上级职能编码", "必设", "职能类别"],
        ["F01", "数据管理", "", "是", "数据管理"],
        ["F02", "数据共享", "F01", "", ""],
    ],
    "职责": [
        ["职责编码", "承担机构编码", "职责描述", "职能编码", "角色", "依据"],
        [
            "D01",
            "A02",
            "负责全市数据资源整合共享和开发利用工作。",
            "F02",
            "牵头",
            "三定规定第三条（一）",
        ],
        ["D02", "U01", "负责本系统信息化建设。", "F02", "配合", ""],
    ],
}


def run_govkg_process(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """The real command in its own process, as a user runs it: for what only a process
    shows (its exit status after ``os._exit``, being killed, a terminal, a second writer)."""
    return subprocess.run(
        [sys.executable, "-m", "govkg.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def run_govkg(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The command's ``main`` in this process (what a subprocess would add is its start-up:
    ~1 s each), with ``env`` as the whole environment and the streams captured."""
    out, err = (io.TextIOWrapper(io.BytesIO(), "utf-8", write_through=True) for _ in "12")
    saved = dict(os.environ)
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main([str(a) for a in args])
            except SystemExit as leaving:  # argparse's --help and usage errors
                status = leaving.code if isinstance(leaving.code, int) else 2
    finally:
        os.environ.clear()
        os.environ.update(saved)
    texts = []
    for stream in (out, err):
        stream.flush()
        texts.append(stream.buffer.getvalue().decode("utf-8"))  # type: ignore[attr-defined]
    return subprocess.CompletedProcess(["govkg", *map(str, args)], status, *texts)


@pytest.fixture(scope="session")
def city_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One real server over the example for every test that only reads (the API, the
    pages); a test that writes starts its own (tests/test_api_write.py)."""
    store = loaded_store(tmp_path_factory.mktemp("city-server"))
    yield from start_server(store)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's chromium (found on PATH, or $GOVKG_CHROMIUM), headless, started once for
    the browser tests."""
    chromium = os.environ.get("GOVKG_CHROMIUM") or shutil.which("chromium")
    if chromium is None or not Path(chromium).exists():
        pytest.fail(
            f"no chromium ({chromium or 'none on PATH'}): run scripts/setup.sh (it installs "
            "Debian's chromium) or set GOVKG_CHROMIUM to a Chromium executable",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def browser_page(browser: Browser, server: Server) -> Iterator[Page]:
    """One page for the browser tests of a module, on the module's ``server``: a new page
    costs chromium a renderer process, reusing one a navigation (each test starts on a blank
    page: ``page`` in tests/test_web.py)."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def small_city(tmp_path: Path) -> Path:
    return write_csv_workbook(tmp_path / "small-city", SMALL_CITY)


# --- the local FalkorDB Bolt server of the Neo4j tests (tests/test_neo4j*.py) ---------
# No Neo4j server can be installed here: FalkorDB 4.18 speaks Bolt to the official driver.
# One server for the session, on a free port; if it cannot start, the tests fail (never
# skip).
@pytest.fixture(scope="session")
def falkordb() -> Iterator[FalkorServer]:
    server = FalkorServer()
    try:
        server.start()
    except Exception as error:  # the tests must fail, not skip, without a server
        server.stop()
        pytest.fail(f"FalkorDB (Bolt) did not start; run scripts/setup.sh: {error}")
    yield server
    server.stop()


@pytest.fixture
def conn(falkordb: FalkorServer) -> Iterator[Connection]:
    alive(falkordb)
    with Connection(falkordb.uri, "falkordb", "") as connection:
        connection.run("MATCH (n) DETACH DELETE n")
        yield connection
    alive(falkordb)


def alive(server: FalkorServer) -> None:
    """Fail with the server's crash report (not a bare "connection refused" in every
    later test) if the session's FalkorDB has died."""
    if server.process is not None and server.process.poll() is not None:
        pytest.fail(f"FalkorDB exited ({server.process.returncode}):\n{server.crash_report}")
