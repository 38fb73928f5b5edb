"""The one module that imports the ``neo4j`` driver: a connection that writes in idempotent
auto-commit batches and reads whole results, on Neo4j 5 and on FalkorDB 4.18 (Bolt).

FalkorDB's Bolt bridge pastes parameters into the query text: strings are escaped here
(``\\`` and ``'``) and map keys that are not plain names are quoted with backticks, so
that the same call works on both servers. Nothing runs in a transaction function: every
write is one auto-commit query that can be run again with the same result.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from govkg.errors import GovkgError, Problem
from govkg.neo4j.row_writer import Rows, RowWriter

DIALECTS = ("neo4j", "falkordb")
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# FalkorDB 4.18's Bolt reader scans each new message for RESET by walking "chunk sizes"
# read from inside the message (BoltReadHandler, src/bolt/bolt_api.c): past a chunk
# header and the RUN's struct header it takes the query text's packed header (0xD0 or
# 0xD1 and a length byte: 53,248 or more) for a size, and walks on only if that many
# bytes are buffered; a walk can run past the bytes received and crash the server (seen
# in 3 of 5 province pushes with 1,000-row messages). A message (RUN and PULL, its chunk
# headers included) under 53,248 bytes stops it at its first step, whatever it holds.
FALKORDB_MESSAGE_BYTES = 48_000
INDEX_SECONDS = 600  # the longest wait for an index to be built
# FalkorDB 4.18 sends each record as one Bolt chunk: a record over 64 KB never arrives
# (the connection hangs), so a read that collects keeps its records under this
FALKORDB_RECORD_BYTES = 48_000


class Neo4jError(GovkgError):
    """The graph database cannot be reached or refused a query."""


def _problem(uri: str, zh: str, en: str) -> Neo4jError:
    return Neo4jError(Problem(uri, zh, en))


def escape_for_falkordb(value: Any) -> Any:
    """Parameters as FalkorDB's Bolt bridge needs them (it pastes them into the text).

    >>> escape_for_falkordb({"a-b": ["it's", 1], "k": "c:\\\\x"})
    {'`a-b`': ["it\\\\'s", 1], 'k': 'c:\\\\\\\\x'}
    """
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if "`" in key:
                raise ValueError(f"a property key holds a backtick: {key!r}")
            out[key if _PLAIN_KEY.match(key) else f"`{key}`"] = escape_for_falkordb(item)
        return out
    if isinstance(value, list | tuple):
        return [escape_for_falkordb(item) for item in value]
    if isinstance(value, float):
        raise ValueError("floats lose digits on FalkorDB's Bolt bridge; send them as text")
    return value


def packed_size(value: Any) -> int:
    """An upper bound of a value's size in a Bolt message (3 bytes a character unless ASCII).

    >>> packed_size(["ab", "数据", 7, [True]])
    46
    """
    kind = type(value)
    if kind is str:
        return 5 + (len(value) if value.isascii() else 3 * len(value))
    if isinstance(value, list | tuple):
        return 5 + sum(map(packed_size, value))
    if isinstance(value, Mapping):
        return 5 + sum(packed_size(k) + packed_size(v) for k, v in value.items())
    return 9


def escaped_row(row: list[Any]) -> tuple[list[Any], int]:
    """A row of a write escaped for FalkorDB and its packed_size (one pass: a province's
    push sends ~6M rows, and the general functions above cost a call per value).

    >>> escaped_row(["it's", 7, None, ["a", "b"]])
    (["it\\\\'s", 7, None, ['a', 'b']], 50)
    """
    out, size = [], 5
    for value in row:
        kind = type(value)
        if kind is str:
            if "\\" in value or "'" in value:
                value = value.replace("\\", "\\\\").replace("'", "\\'")
            size += 5 + (len(value) if value.isascii() else 3 * len(value))
        elif kind is list and all(type(item) is str for item in value):
            # a relationship row's sources: the common case, sized in one pass over their
            # joined text (as an upper bound: 3 bytes a character unless all are ASCII)
            joined = "".join(value)
            if "\\" in joined or "'" in joined:
                value = [item.replace("\\", "\\\\").replace("'", "\\'") for item in value]
                joined = "".join(value)
            size += 5 + 5 * len(value) + (len(joined) if joined.isascii() else 3 * len(joined))
        elif kind is list and all(type(item) is int for item in value):
            size += 5 + 9 * len(value)  # a relationship row's sources, by node id
        elif kind is list or kind is float or isinstance(value, Mapping):
            value = escape_for_falkordb(value)
            size += packed_size(value)
        else:
            size += 9
        out.append(value)
    return out, size


def falkordb_parts(
    query: str, rows: list[Any], fixed: Mapping[str, Any]
) -> Iterator[tuple[int, Rows, bool]]:
    """How a write of ``$rows`` (with the parameters ``fixed``, escaped) is split on
    FalkorDB, every message under FALKORDB_MESSAGE_BYTES (the rows in order, none split):
    for each message, the index after its last row, its rows as sent (escaped where
    needed), and whether none needed escaping."""
    room = FALKORDB_MESSAGE_BYTES - len(query.encode()) - packed_size(fixed) - 64
    part = Rows()
    size, clean = 0, True
    for end, row in enumerate(rows):
        # the row's repr, made in C: without a backslash, a double quote or a brace,
        # no text in it holds ' or \ (repr escapes \ and quotes a text holding '
        # with ") and it holds no map, so it is sent as it is (a push's rows hold no
        # floats); its UTF-8 length, plus room for the packed headers of long texts,
        # bounds its packed size
        text = repr(row)
        if "\\" in text or '"' in text or "{" in text:
            escaped, row_size = escaped_row(row)
            plain = False
        else:
            escaped, row_size, plain = row, len(text.encode()) + 2 * len(row) + 8, True
        if part and size + row_size > room:
            yield end, part, clean
            part, size, clean = Rows(), 0, True
        part.append(escaped)
        size += row_size
        clean = clean and plain
    if part:
        yield len(rows), part, clean


def quote_name(name: str) -> str:
    """A label, relationship type or property key as Cypher text (backticks when needed)."""
    if "`" in name:
        raise ValueError(f"a name holds a backtick: {name!r}")
    return name if _PLAIN_KEY.match(name) else f"`{name}`"


class Connection:
    """One driver and its dialect (``neo4j`` or ``falkordb``), found by asking the server."""

    def __init__(
        self,
        uri: str,
        user: str,
        password: str = "",
        *,
        database: str | None = None,
        dialect: str | None = None,
    ) -> None:
        import neo4j  # the only import of the driver

        self.uri = uri
        self.database = database
        self._neo4j = neo4j
        try:
            self.driver = neo4j.GraphDatabase.driver(
                uri, auth=(user, password), connection_timeout=10, max_transaction_retry_time=0
            )
            self.driver.verify_connectivity()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as error:
            raise _problem(
                uri,
                f"无法连接图数据库：{error}",
                f"cannot connect to the graph database: {error}",
            ) from None
        except ValueError as error:
            raise _problem(uri, f"URI 无效：{error}", f"bad URI: {error}") from None
        self.dialect = dialect or "neo4j"
        if dialect is None:
            self.dialect = self._detect()
        # a node's id, for writes that find nodes by it (a seek, no index): FalkorDB's
        # integer id(n); Neo4j 5 deprecates id() for the string elementId(n)
        self.node_id = "id" if self.dialect == "falkordb" else "elementId"

    def _detect(self) -> str:
        """Neo4j answers ``dbms.components()``; FalkorDB (which calls itself Neo4j) fails."""
        try:
            rows = self.read("CALL dbms.components() YIELD name RETURN name")
        except Neo4jError:
            return "falkordb"
        return "neo4j" if rows else "falkordb"

    def close(self) -> None:
        if self.dialect == "falkordb":
            # FalkorDB 4.18 mishandles Bolt GOODBYE: the next connection after a polite
            # close never gets its handshake answered. Its sockets are dropped instead.
            pool = getattr(self.driver, "_pool", None)
            for connections in list(getattr(pool, "connections", {}).values()):
                for connection in list(connections):
                    with contextlib.suppress(Exception):
                        connection.kill()
        self.driver.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _params(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        params = dict(params or {})
        return escape_for_falkordb(params) if self.dialect == "falkordb" else params

    @contextmanager
    def _session(self) -> Iterator[Any]:
        kwargs: dict[str, Any] = {"database": self.database} if self.database else {}
        with self.driver.session(**kwargs) as session:
            yield session

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> dict[str, int]:
        """One write as an auto-commit query; the counters of what it changed."""
        try:
            with self._session() as session:
                summary = session.run(query, self._params(params)).consume()
        except (self._neo4j.exceptions.Neo4jError, self._neo4j.exceptions.DriverError) as error:
            raise self._failed(query, error) from None
        counters = summary.counters
        return {
            "nodes_created": counters.nodes_created,
            "nodes_deleted": counters.nodes_deleted,
            "relationships_created": counters.relationships_created,
            "relationships_deleted": counters.relationships_deleted,
        }

    def row_messages(
        self, query: str, rows: list[Any], params: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """The parameters of each query a write of ``$rows`` (and ``params``) takes, ready
        to send: one, or on FalkorDB as many as keep every message under
        FALKORDB_MESSAGE_BYTES (the rows in order, none split)."""
        if self.dialect != "falkordb":
            yield {**params, "rows": Rows(rows)}
            return
        fixed = self._params(params)
        for _end, part, _clean in falkordb_parts(query, rows, fixed):
            yield {**fixed, "rows": part}

    def sized_message(self, rows: list[Any], params: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters of a write of rows known to need no escaping and to fit in one
        message (falkordb_parts said so of them, for this query)."""
        return {**self._params(params), "rows": Rows(rows)}

    def _run_prepared(
        self, session: Any, query: str, params: dict[str, Any], *, returns: bool = False
    ) -> list[Any]:
        """A write in ``session`` whose parameters are ready to send (escaped where the
        server needs it); if it ``returns`` something, the list its one row holds."""
        try:
            result = session.run(query, params)
            if not returns:
                result.consume()
                return []
            return list(result.single(strict=True)[0])
        except (self._neo4j.exceptions.Neo4jError, self._neo4j.exceptions.DriverError) as error:
            raise self._failed(query, error) from None

    @contextmanager
    def writes(self, depth: int = 8, *, connections: int = 2) -> Iterator[RowWriter]:
        """Writes of rows sent by threads of their own while the caller prepares the
        next: the server and Python work at the same time. On Neo4j one thread sends them
        in order; FalkorDB runs writes one at a time, and with ``connections`` 2 a second
        connection keeps the next write waiting at the server while the first's answer
        is read (the writes of a block must not depend on each other's order there).
        Leaving the block waits for every write; the first failure is raised (then or at
        the next write)."""
        threads = connections if self.dialect == "falkordb" else 1
        writer = RowWriter(self, depth, threads=threads)
        try:
            yield writer
        except BaseException:
            writer.stop(wait=False)
            raise
        writer.stop(wait=True)

    def read(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The rows of a query, as dicts (values as the driver gives them: lists, maps and
        scalars are plain; record.data() copied every nested list once more)."""
        try:
            with self._session() as session:
                result = session.run(query, self._params(params))
                keys = result.keys()
                return [dict(zip(keys, record, strict=True)) for record in result]
        except (self._neo4j.exceptions.Neo4jError, self._neo4j.exceptions.DriverError) as error:
            raise self._failed(query, error) from None

    def _failed(self, query: str, error: Exception) -> Neo4jError:
        first = query.strip().splitlines()[0][:80] if query.strip() else ""
        exceptions = self._neo4j.exceptions
        if isinstance(error, exceptions.ServiceUnavailable | exceptions.SessionExpired):
            # the server is gone, not the query wrong (FalkorDB can crash: docs/neo4j.md)
            return _problem(
                self.uri,
                f"查询「{first}」时与图数据库的连接中断：{error}。服务器是否已停止？"
                "推送中断后，重新推送即可补全",
                f"lost the connection to the graph database during the query '{first}': "
                f"{error}. Has the server stopped? A push cut short is completed by pushing "
                "again",
            )
        return _problem(
            self.uri,
            f"图数据库拒绝了查询「{first}」：{error}",
            f"the graph database refused the query '{first}': {error}",
        )

    def create_indexes(self, label: str, key: str, *, wait: bool = True) -> None:
        """What the push needs: nodes of ``label`` found fast by ``key`` (unique on Neo4j),
        ready when this returns (an index made over nodes already there is built first),
        or with ``wait=False`` building while other queries run (await_indexes waits)."""
        lbl, prop = quote_name(label), quote_name(key)
        if self.dialect == "neo4j":
            self.run(
                f"CREATE CONSTRAINT govkg_{label.lower()}_{key} IF NOT EXISTS "
                f"FOR (n:{lbl}) REQUIRE n.{prop} IS UNIQUE"
            )
        elif not self._falkordb_has_index(label, key):
            self.run(f"CREATE INDEX FOR (n:{lbl}) ON (n.{prop})")
        if wait:
            self.await_indexes()

    def _falkordb_has_index(self, label: str, key: str) -> bool:
        present = self.read("CALL db.indexes() YIELD label, properties RETURN *")
        return any(row["label"] == label and key in row["properties"] for row in present)

    def drop_index(self, label: str, key: str) -> None:
        """On FalkorDB, drop the index of ``label`` by ``key`` if there is one: it updates
        the index at every rewrite of a node (``SET n = {…}``) even when the value is the
        same, which made rewriting a province's nodes 3 times dearer (docs/benchmarks.md,
        the push's ninth pass), more than building it again after them. Neo4j keeps its
        uniqueness constraint."""
        if self.dialect == "falkordb" and self._falkordb_has_index(label, key):
            self.run(f"DROP INDEX ON :{quote_name(label)}({quote_name(key)})")

    def await_indexes(self) -> None:
        """Wait until every index is built (FalkorDB builds one over existing nodes in the
        background; until then a lookup would scan)."""
        if self.dialect == "neo4j":
            self.run(f"CALL db.awaitIndexes({INDEX_SECONDS})")
            return
        indexes = "CALL db.indexes() YIELD status RETURN status"
        deadline = time.monotonic() + INDEX_SECONDS
        while any(row["status"] != "OPERATIONAL" for row in self.read(indexes)):
            if time.monotonic() > deadline:
                raise _problem(
                    self.uri,
                    f"索引在 {INDEX_SECONDS} 秒内未建好",
                    f"the indexes were not ready within {INDEX_SECONDS} s",
                )
            time.sleep(0.02)

    def nodes_of(self, label: str, key: str) -> Iterator[tuple[Any, Any, list[str]]]:
        """(id, ``key``'s value, labels) of every node labelled ``label``. On FalkorDB a
        record holds a run of ids (a record a node cost the driver ~20 µs: 1 s for 57,000
        nodes), as many as keep it under FALKORDB_RECORD_BYTES; on Neo4j a record a node
        (its elementIds are strings)."""
        lbl, prop, node_id = quote_name(label), quote_name(key), self.node_id
        if self.dialect == "neo4j":
            for row in self.read(
                f"MATCH (n:{lbl}) RETURN {node_id}(n) AS id, n.{prop} AS key, labels(n) AS labels"
            ):
                yield row["id"], row["key"], row["labels"]
            return
        (sizes,) = self.read(
            f"MATCH (n:{lbl}) RETURN max(size(toString(n.{prop}))) AS key, "
            "max(reduce(t = 0, l IN labels(n) | t + size(l) + 3)) AS labels"
        )
        widest = 3 * ((sizes["key"] or 0) + (sizes["labels"] or 0)) + 32  # bytes, at most
        run = max(1, FALKORDB_RECORD_BYTES // widest)
        for row in self.read(
            f"MATCH (n:{lbl}) WITH id(n) / {run} AS part, n "
            f"RETURN part, collect([id(n), n.{prop}, labels(n)]) AS nodes"  # no null skipped
        ):
            for found in row["nodes"]:
                yield found[0], found[1], found[2]
