"""A real govkg API server for the API tests: `govkg serve` in a child process on a free
loopback port, over a store loaded from the example workbook."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from govkg.loading import load_sources
from govkg.settings import Settings

REPO = Path(__file__).resolve().parent.parent
CITY = REPO / "examples" / "city.xlsx"
DRAFT = REPO / "examples" / "city-draft.xlsx"
TOKEN = "test-token-0123"
QUERY_TIMEOUT = 2.0
ROW_LIMIT = 500
GRAPH = "https://id.govkg.org/graph/city"


@dataclass
class Server:
    url: str
    store: Path
    process: subprocess.Popen

    def client(self, **options: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **options)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@functools.cache
def _example_store() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="govkg-test-example-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    store = folder / "store"
    load_sources([CITY], Settings.from_env({}, store=store), show_progress=False)
    return store


def loaded_store(folder: Path) -> Path:
    """A store of the example in ``folder``: a copy of one loaded once per test session
    (loading itself is tested in tests/test_load.py)."""
    store = folder / "store"
    shutil.copytree(_example_store(), store, symlinks=True)
    return store


def start_server(
    store: Path, *, findings: bool = True, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """Start `govkg serve`, wait until it answers (and its findings are ready), stop it;
    ``env``: more settings (GOVKG_*) for this server."""
    port = free_port()
    env = {
        **os.environ,
        "GOVKG_TOKEN": TOKEN,
        "GOVKG_QUERY_TIMEOUT": str(QUERY_TIMEOUT),
        "GOVKG_ROW_LIMIT": str(ROW_LIMIT),
        "GOVKG_MAX_BODY_BYTES": str(2 * 1024 * 1024),
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "govkg.cli", "serve", "--store", str(store), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Server(f"http://127.0.0.1:{port}", store, process)
    try:
        deadline = time.monotonic() + 60
        with server.client() as client:
            while True:
                try:
                    if client.get("/").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(process.stderr.read().decode() if process.stderr else "")
                time.sleep(0.1)
            if findings:
                client.get("/findings", params={"limit": 1}).raise_for_status()
        yield server
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
