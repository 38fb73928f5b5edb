"""Does a FalkorDB server survive writes on several Bolt connections at once? (Not part of
the tests: it is meant to crash the server it starts.)

python bench/falkordb_race.py [--sessions 2] [--seconds 60] [--rounds 3]
                              [--query "CREATE (:X {a: 1})"]

Each round starts a local FalkorDB 4.18 (govkg.neo4j.falkordb_server) and sends it
``--query`` from ``--sessions`` threads, each with a Bolt session of its own, as fast as
they can for ``--seconds``; it prints the queries sent, whether the server lived, and
if not the top of the stack trace Redis wrote. Why (docs/neo4j.md, "Two connections"):
FalkorDB 4.18's Bolt bridge passes the same command-name string to every query, retains
it in Redis's main thread when a query arrives and releases it in the query thread when
the query ends, and Redis counts those references without atomics; two connections let
both happen at once, and a lost count frees the string while it is still in use. Here
two sessions of this one-node write killed the server in 5 of 6 rounds of a minute; one
session ran through every round.
"""

from __future__ import annotations

import argparse
import threading
import time

from govkg.neo4j.client import Connection
from govkg.neo4j.falkordb_server import FalkorServer


def one_round(sessions: int, seconds: float, query: str) -> str:
    """Send ``query`` from ``sessions`` sessions into a new server for ``seconds``; what
    happened, in a line (and the crash's stack trace when it crashed)."""
    with FalkorServer() as server, Connection(server.uri, "falkordb", "") as conn:
        sent = [0] * sessions
        stop = time.monotonic() + seconds

        def send(slot: int) -> None:
            try:
                with conn.driver.session() as session:
                    while time.monotonic() < stop:
                        session.run(query).consume()
                        sent[slot] += 1
            except Exception:  # the server died: the round's line says so
                return

        threads = [threading.Thread(target=send, args=(i,)) for i in range(sessions)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.monotonic() - started
        time.sleep(0.5)  # let a dying server finish its report
        alive = server.process is not None and server.process.poll() is None
        line = (
            f"{sessions} session(s): {sum(sent):,} queries in {took:.1f} s, "
            f"server {'alive' if alive else 'CRASHED'}"
        )
        if alive:
            return line
        report = server.crash_report
        return line + "\n" + report[report.find("STACK TRACE") :][:1500]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--query", default="CREATE (:X {a: 1})")
    args = parser.parse_args()
    for _ in range(args.rounds):
        print(one_round(args.sessions, args.seconds, args.query), flush=True)


if __name__ == "__main__":
    main()
