"""The sending side of ``Connection.writes`` (govkg/neo4j/client.py): writing threads,
each with a session of its own, fed by one bounded queue."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govkg.neo4j.client import Connection


class Rows(list):
    """The rows of a write, as sent. The driver formats every query's parameters for its
    debug log even when nothing is logged (``" ".join(map(repr, fields))`` in
    ``Bolt5x5.run``): with this short repr, a push's rows are not formatted again
    (~0.2 ms a 30 KB message)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def by_columns(message: dict[str, Any]) -> dict[str, Any]:
    """A message's ``$rows`` (of one length) sent as one list per position instead:
    ``$c0``, ``$c1`` … (node_writes.new_nodes_query).

    >>> by_columns({"stamp": "s", "rows": Rows([["a", 1], ["b", 2]])})
    {'stamp': 's', 'c0': <2 rows>, 'c1': <2 rows>}
    """
    columns = zip(*message.pop("rows"), strict=True)
    message.update((f"c{i}", Rows(column)) for i, column in enumerate(columns))
    return message


class RowWriter:
    """The sending side of :meth:`Connection.writes`: threads with a session each, one
    bounded queue."""

    def __init__(self, conn: Connection, depth: int, threads: int) -> None:
        self._conn = conn
        self.node_id, self.dialect = conn.node_id, conn.dialect
        self._queue: queue.Queue[_Write | None] = queue.Queue(depth)
        self._error: BaseException | None = None
        self._threads = [
            threading.Thread(target=self._send, name=f"govkg-neo4j-writes-{i}", daemon=True)
            for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def _send(self) -> None:
        # one session for every write of this thread: each is still an auto-commit query
        with contextlib.ExitStack() as stack:
            session = None
            while (item := self._queue.get()) is not None:
                if self._error is None:
                    query, params, on_result, offset = item
                    try:
                        if session is None:
                            session = stack.enter_context(self._conn._session())
                        if on_result is None:
                            self._conn._run_prepared(session, query, params)
                        else:
                            returned = self._conn._run_prepared(
                                session, query, params, returns=True
                            )
                            on_result(offset, returned)
                        # the driver keeps each query's parameters in reference cycles
                        # that only the cycle collector frees (paused during a push):
                        # emptied, the rows go at once
                        for value in params.values():
                            if type(value) is Rows:
                                value.clear()
                    except BaseException as error:  # raised in the caller's thread
                        self._error = error

    def rows(
        self,
        query: str,
        rows: list[Any],
        params: Mapping[str, Any],
        on_result: Callable[[int, list[Any]], None] | None = None,
        *,
        sized: bool = False,
        columns: bool = False,
    ) -> None:
        """Queue a write of ``rows`` (split as :meth:`Connection.row_messages` says; one
        message as they are when ``sized``: they need no escaping and fit, as
        ``client.falkordb_parts`` said of them for this query; each message's rows sent
        :func:`by_columns` when ``columns``). With ``on_result``, the
        query returns one row of one list (e.g. ``collect(id(n))``): once a message is
        written, ``on_result(offset, that list)`` is called in a writing thread, where
        ``offset`` is the index in ``rows`` of the message's first row."""
        messages: Iterable[dict[str, Any]] = (
            [self._conn.sized_message(rows, params)]
            if sized
            else self._conn.row_messages(query, rows, params)
        )
        offset = 0
        for message in messages:
            if self._error is not None:
                raise self._error
            count = len(message["rows"])
            self._queue.put((query, by_columns(message) if columns else message, on_result, offset))
            offset += count

    def stop(self, *, wait: bool) -> None:
        if not wait:
            self._error = self._error or RuntimeError("stopped")
        for _thread in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        if wait and self._error is not None:
            raise self._error


_Write = tuple[str, dict[str, Any], Callable[[int, list[Any]], None] | None, int]
