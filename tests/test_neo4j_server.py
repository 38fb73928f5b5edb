"""The local FalkorDB server (govkg/neo4j/falkordb_server.py): its launch settings, and
the size of the Bolt messages a push sends it, measured on the wire.

FalkorDB 4.18's Bolt reader scans every new message for RESET by walking "chunk sizes"
read from inside it (``BoltReadHandler``): past the chunk header and the RUN's struct
header it reads the query text's packed header (0xD0 or 0xD1 and a length byte) as a
size of 53,248 bytes or more, and walks on only when that many bytes are buffered; the
walk can run past the bytes received and crash the server. So every message of a write
must stay under that (govkg/neo4j/client.py, FALKORDB_MESSAGE_BYTES): here a proxy
between the driver and the server reads each message's real bytes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from govkg.neo4j.client import FALKORDB_MESSAGE_BYTES, Connection, Neo4jError
from govkg.neo4j.falkordb_server import FalkorServer, free_port
from govkg.neo4j.prepared import prepared_copy, write_prepared
from govkg.neo4j.sync import pull, push
from govkg.store import oxigraph as oxi
from tests.conftest import EXAMPLES, run_govkg
from tests.neo4j_support import as_rdflib, store_rdflib

# the least size FalkorDB's RESET scan can take from a RUN whose query text has 16 to
# 65,535 bytes (a packed string header 0xD0 or 0xD1 read as a big-endian number)
FIRST_STEP = 0xD000
HANDSHAKE = 20  # the magic number and four versions
RUN = 0x10


class BoltProxy:
    """A TCP proxy to ``upstream`` that records, for each message the client sends, its
    tag and its bytes on the wire (chunk headers and end marker included)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.messages: list[tuple[int, int]] = []  # (tag, bytes)
        self.connections = 0  # accepted from the client
        self._sockets: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, server]
            threading.Thread(target=self._upstream, args=(client, server), daemon=True).start()
            threading.Thread(target=_copy, args=(server, client), daemon=True).start()

    def _upstream(self, client: socket.socket, server: socket.socket) -> None:
        pending = bytearray()
        handshaken = False
        while data := _receive(client):
            try:
                server.sendall(data)
            except OSError:  # cut
                break
            pending += data
            if not handshaken:
                if len(pending) < HANDSHAKE:
                    continue
                del pending[:HANDSHAKE]
                handshaken = True
            while (message := _whole_message(pending)) is not None:
                size, tag = message
                self.messages.append((tag, size))
                del pending[:size]
        server.close()

    def close(self) -> None:
        self._listener.close()

    def cut(self) -> None:
        """The network gone: every connection through the proxy dropped, no new one."""
        self.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _receive(sock: socket.socket) -> bytes:
    try:
        return sock.recv(1 << 16)
    except OSError:
        return b""


def _copy(source: socket.socket, target: socket.socket) -> None:
    while data := _receive(source):
        try:
            target.sendall(data)
        except OSError:
            return
    target.close()


def _whole_message(data: bytearray) -> tuple[int, int] | None:
    """(its bytes, its tag) if ``data`` starts with a whole chunked message, else None."""
    at = 0
    while at + 2 <= len(data):
        (size,) = struct.unpack_from(">H", data, at)
        if size == 0:
            return at + 2, data[3]  # the struct's tag follows its marker
        at += 2 + size
    return None


@pytest.fixture
def proxy(falkordb: FalkorServer) -> Iterator[BoltProxy]:
    bolt = BoltProxy(falkordb.port)
    yield bolt
    bolt.close()


def long_texts_store(nodes: int) -> object:
    """Nodes whose texts fill FalkorDB's messages: Chinese and ASCII of many lengths,
    quotes and backslashes, so that rows are sized both ways (client.falkordb_parts)."""
    lines = []
    for i in range(nodes):
        text = ("职责" * (i % 400)) + ("x" * (i * 37 % 900))
        if i % 5 == 0:
            text += " it's a \\\\ path"
        lines.append(f'<http://e.org/n{i}> <http://e.org/v/text> "{text}" .\n')
        lines.append(f"<http://e.org/n{i}> <http://e.org/v/next> <http://e.org/n{i // 2}> .\n")
    store = oxi.memory_store()
    oxi.load(store, "".join(lines), format="nt")
    return store


def test_every_message_of_a_push_stays_under_falkordbs_first_scan_step(
    proxy: BoltProxy, conn: Connection, tmp_path: Path
) -> None:
    """Pushed through the proxy, from the store and from a prepared copy (whose messages
    were split at load time): the largest RUN message is near FALKORDB_MESSAGE_BYTES,
    never past it, and with the PULL sent beside it under the scan's first step; the
    server took every write (the graph pulled back is the store's)."""
    store = long_texts_store(2500)
    write_prepared(tmp_path, "gen-000001", store)
    with Connection(f"bolt://127.0.0.1:{proxy.port}", "falkordb", "") as through:
        push(store, through, batch=1000)
        largest_mapped = max(size for tag, size in proxy.messages if tag == RUN)
        conn.run("MATCH (n) DETACH DELETE n")
        push(store, through, batch=1000, prepared=prepared_copy(tmp_path, "gen-000001"))
    runs = [size for tag, size in proxy.messages if tag == RUN]
    others = max(size for tag, size in proxy.messages if tag != RUN)
    assert 0.8 * FALKORDB_MESSAGE_BYTES < largest_mapped <= max(runs) < FALKORDB_MESSAGE_BYTES
    assert max(runs) + others < FIRST_STEP
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))


def test_the_server_is_launched_with_the_settings_given() -> None:
    """Module settings go after ``--loadmodule falkordb.so``: a result-set limit of 2 rows
    cuts a query's result; without it, not."""
    query = "UNWIND range(1, 5) AS x RETURN x"
    with (
        FalkorServer(settings={"RESULTSET_SIZE": "2"}) as server,
        Connection(server.uri, "falkordb", "") as limited,
    ):
        assert [row["x"] for row in limited.read(query)] == [1, 2]
    with FalkorServer() as server, Connection(server.uri, "falkordb", "") as plain:
        assert [row["x"] for row in plain.read(query)] == [1, 2, 3, 4, 5]


def test_the_server_keeps_the_pages_it_frees(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local server's jemalloc keeps the pages it frees (falkordb_server.ALLOCATOR),
    as Redis itself reports over its socket; the environment can say otherwise."""

    def decay(server: FalkorServer) -> list[str]:
        with socket.socket(socket.AF_UNIX) as redis:
            redis.connect(str(server.folder / "redis.sock"))
            redis.sendall(b"*2\r\n$6\r\nMEMORY\r\n$12\r\nMALLOC-STATS\r\n")
            stats = b""
            while b"opt.muzzy_decay_ms" not in stats:
                stats += redis.recv(1 << 16)
        lines = stats.decode(errors="replace").splitlines()
        return [line.split()[1] for line in lines if "opt." in line and "_decay_ms" in line]

    monkeypatch.delenv("JE_MALLOC_CONF", raising=False)
    with FalkorServer() as server:
        assert decay(server) == ["-1", "-1"]
    monkeypatch.setenv("JE_MALLOC_CONF", "dirty_decay_ms:5000,muzzy_decay_ms:0")
    with FalkorServer() as server:
        assert decay(server) == ["5000", "0"]


def test_a_crashed_server_leaves_its_crash_report() -> None:
    """A server that dies on a fatal signal (as FalkorDB did, rarely, during writes) writes
    its stack trace to its log: ``crash_report`` gives it, so a test run names the crash
    (tests/conftest.py's ``conn``), not only "connection refused" in every later test."""
    import os
    import signal

    with FalkorServer() as server:
        assert server.process is not None and "STACK TRACE" not in server.crash_report
        os.kill(server.process.pid, signal.SIGSEGV)
        server.process.wait(timeout=30)
        assert "STACK TRACE" in server.crash_report


def test_a_push_writes_on_one_connection_unless_told_two(tmp_path: Path) -> None:
    """Two connections writing at once crash FalkorDB 4.18 (docs/neo4j.md;
    bench/falkordb_race.py): a push writes on one connection unless told two
    (``--connections``, GOVKG_NEO4J_CONNECTIONS), which opens one more, and the command
    then warns, Chinese first; each gives the graph. On a server of its own, so that a
    crash cannot take the session's server down with it."""
    store = long_texts_store(600)
    opened = []
    with (
        FalkorServer() as server,
        Connection(server.uri, "falkordb", "") as conn,
        contextlib.closing(BoltProxy(server.port)) as proxy,
    ):
        for told in (None, 1, 2):
            conn.run("MATCH (n) DETACH DELETE n")
            before = proxy.connections
            with Connection(f"bolt://127.0.0.1:{proxy.port}", "falkordb", "") as through:
                push(store, through, batch=20, connections=told)
            opened.append(proxy.connections - before)
            assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))
        one = opened[0]
        assert opened == [one, one, one + 1]
        # the command: its setting and its option; a number they cannot take is refused
        env = {**os.environ, "GOVKG_STORE": str(tmp_path / "store")}
        assert run_govkg("load", EXAMPLES / "city.xlsx", env=env).returncode == 0
        uri = ("--uri", f"bolt://127.0.0.1:{proxy.port}", "--user", "falkordb")
        done = run_govkg("neo4j", "push", *uri, env=env)
        assert done.returncode == 0, done.stderr
        assert "FalkorDB 4.18" not in done.stderr
        for told, setting in (
            (("--connections", "2"), {}),
            ((), {"GOVKG_NEO4J_CONNECTIONS": "2"}),
        ):
            before = proxy.connections
            done = run_govkg("neo4j", "push", *uri, *told, env={**env, **setting})
            assert done.returncode == 0, done.stderr
            assert proxy.connections - before == one + 1
            assert done.stderr.index("会使 FalkorDB 4.18 崩溃") < done.stderr.index(
                "crash FalkorDB 4.18"
            )
        refused = run_govkg("neo4j", "push", *uri, env={**env, "GOVKG_NEO4J_CONNECTIONS": "3"})
        assert refused.returncode == 2
        assert "GOVKG_NEO4J_CONNECTIONS" in refused.stderr
        assert refused.stderr.index("须为 1 或 2") < refused.stderr.index("must be 1 or 2")


def test_a_push_cut_short_says_so_and_pushing_again_completes_it(
    proxy: BoltProxy, conn: Connection
) -> None:
    """The connection lost during a push (a server that stops, as FalkorDB can, or the
    network): the error says so, Chinese first, and that pushing again completes the
    push, not that the server refused a query; the database holds part of the graph,
    and the next push gives the whole graph."""
    store = long_texts_store(600)
    conn.run("MATCH (n) DETACH DELETE n")

    def cut_after_a_batch(count: int, stage: str, _total: int) -> None:
        if stage == "nodes" and count:
            proxy.cut()

    through = Connection(f"bolt://127.0.0.1:{proxy.port}", "falkordb", "")
    with through, pytest.raises(Neo4jError) as raised:
        push(store, through, batch=20, on_progress=cut_after_a_batch)
    said = str(raised.value)
    assert "连接中断" in said and "lost the connection" in said
    assert "拒绝了查询" not in said and "refused the query" not in said
    assert said.index("重新推送") < said.index("pushing again")
    assert conn.read("MATCH (n:Resource) RETURN count(n) AS n")[0]["n"] < 600
    push(store, conn)
    assert isomorphic(as_rdflib(pull(conn)), store_rdflib(store))
