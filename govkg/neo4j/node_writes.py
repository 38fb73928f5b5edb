"""The push's node writes (govkg/neo4j/sync.py): nodes batched by shape, each row the
node's values in the order the mapping gave them (no look-up a key)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govkg.neo4j.client import quote_name
from govkg.neo4j.mapping import RESOURCE, STAMP, URI
from govkg.neo4j.row_writer import RowWriter

# a node's shape: its labels and its property keys in the order of its values
Shape = tuple[tuple[str, ...], tuple[str, ...]]


class NodeWrites:
    """Nodes in batches of ``batch`` rows, one query per shape (labels and keys in the
    text, each row a list ``[uri, value, value …]``; a node already there, in ``known``
    with its id and labels, ``[id, uri, value …]``). A new node is CREATEd and its id
    returned (on FalkorDB a MERGE of nodes made earlier in the same batch costs ~8 times
    a CREATE); a node already there is found by its id, overwritten (stale properties
    go) and loses the labels it no longer has."""

    def __init__(
        self,
        writes: RowWriter,
        known: dict[str, tuple[Any, list[str]]],
        stamp: str,
        batch: int,
        report: Callable[[int, str], None],
    ) -> None:
        self._writes, self._known, self._batch, self._report = writes, known, batch, report
        self._params = {"stamp": stamp}
        self._new: dict[Shape, list[list[Any]]] = {}
        self._old: dict[Shape, list[list[Any]]] = {}
        self._gone: dict[str, list[list[Any]]] = {}  # label -> rows [id] of nodes losing it
        self._created: dict[str, Any] = {}  # uri -> id, filled by the writing threads
        self._expected = 0  # nodes created

    def add(self, uri: str, labels: tuple[str, ...], props: dict[str, Any]) -> None:
        """One node (``props`` holds no null: a key absent writes nothing)."""
        shape = (labels, tuple(props))
        found = self._known.get(uri)
        if found is None:
            rows = self._new.get(shape)
            if rows is None:
                rows = self._new[shape] = []
            rows.append([uri, *props.values()])
            if len(rows) >= self._batch:
                self._send_new(shape)
            return
        node, had = found
        rows = self._old.get(shape)
        if rows is None:
            rows = self._old[shape] = []
        rows.append([node, uri, *props.values()])
        kept = {RESOURCE, *labels}
        for label in had:
            if label not in kept:
                self._gone.setdefault(label, []).append([node])
        if len(rows) >= self._batch:
            self._send_old(shape)

    def _send_new(self, shape: Shape) -> None:
        rows = self._new.pop(shape)
        labels, keys = shape
        query = (
            f"UNWIND $rows AS r CREATE (n:{RESOURCE}{_labels(labels)} {{{_body(keys, 0)}}}) "
            f"RETURN collect({self._writes.node_id}(n)) AS ids"
        )
        uris = [row[0] for row in rows]
        created = self._created

        def took(offset: int, ids: list[Any]) -> None:
            created.update(zip(uris[offset : offset + len(ids)], ids, strict=True))

        self._expected += len(rows)
        self._writes.rows(query, rows, self._params, took)
        self._report(len(rows), "nodes")

    def _send_old(self, shape: Shape) -> None:
        rows = self._old.pop(shape)
        labels, keys = shape
        query = (
            f"UNWIND $rows AS r WITH r, r[0] AS i MATCH (n) WHERE {self._writes.node_id}(n) = i "
            f"SET n = {{{_body(keys, 1)}}}"
        )
        if labels:
            query += f" SET n{_labels(labels)}"
        self._writes.rows(query, rows, self._params)
        self._report(len(rows), "nodes")

    def flush(self) -> None:
        """Send what is left, then the labels to remove."""
        for shape in list(self._new):
            self._send_new(shape)
        for shape in list(self._old):
            self._send_old(shape)
        node_id = self._writes.node_id
        for label, rows in sorted(self._gone.items()):
            query = f"UNWIND $rows AS r WITH r[0] AS i MATCH (n) WHERE {node_id}(n) = i "
            query += f"REMOVE n:{quote_name(label)}"
            for start in range(0, len(rows), self._batch):
                self._writes.rows(query, rows[start : start + self._batch], {})
        self._gone.clear()

    def created(self) -> dict[str, Any]:
        """The ids of the nodes created (uri -> id), once the writes are done."""
        if len(self._created) != self._expected:
            raise RuntimeError("the server did not return the id of every node created")
        return self._created


def _labels(labels: tuple[str, ...]) -> str:
    return "".join(f":{quote_name(label)}" for label in labels)


def _body(keys: tuple[str, ...], first: int) -> str:
    """The properties of a row whose uri is ``r[first]`` and values follow in ``keys``'
    order: the keys go in the text, no key is sent once per node."""
    return ", ".join(
        [f"{URI}: r[{first}]", f"{STAMP}: $stamp"]
        + [f"{quote_name(key)}: r[{i}]" for i, key in enumerate(keys, first + 1)]
    )
