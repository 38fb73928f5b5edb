"""The local FalkorDB Bolt server of the Neo4j tests (tests/test_neo4j*.py take these
fixtures with ``pytest_plugins = ("tests.neo4j_server",)``, so one server serves them all).

No Neo4j server can be installed here: a session-scoped fixture starts FalkorDB 4.18 (it
speaks Bolt to the official driver) on a free port and stops it afterwards. If it cannot
start, the tests fail: they never skip.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from govkg.neo4j.client import Connection
from govkg.neo4j.falkordb_server import FalkorServer


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
    with Connection(falkordb.uri, "falkordb", "") as connection:
        connection.run("MATCH (n) DETACH DELETE n")
        yield connection
