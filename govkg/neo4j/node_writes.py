"""The push's node writes (govkg/neo4j/sync.py): nodes batched by shape, each row the
node's values in the order of the shape's keys (push_rows.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from govkg.neo4j.client import quote_name
from govkg.neo4j.mapping import RESOURCE, STAMP, URI
from govkg.neo4j.push_rows import Shape
from govkg.neo4j.row_writer import RowWriter


class NodeWrites:
    """Nodes in batches of ``batch`` rows, one query per shape (labels and keys in the
    text, each row a list ``[uri, value, value …]``; a node already there, in ``known``
    with its id and labels, ``[id, uri, value …]``). A new node is CREATEd and its id
    returned (on FalkorDB a MERGE of nodes made earlier in the same batch costs ~8 times
    a CREATE); a node already there is found by its id, overwritten (stale properties
    go) and loses the labels it no longer has. ``ids[number]`` is filled with each
    node's id (by the writing threads for the nodes created)."""

    def __init__(
        self,
        writes: RowWriter,
        known: dict[str, tuple[Any, list[str]]],
        stamp: str,
        batch: int,
        report: Callable[[int, str], None],
        ids: list[Any],
    ) -> None:
        self._writes, self._known, self._batch, self._report = writes, known, batch, report
        self._params = {"stamp": stamp}
        self._ids = ids
        self._gone: dict[str, list[list[Any]]] = {}  # label -> rows [id] of nodes losing it
        # a repeated push's rows of a shape, gathered into batches across the parts
        self._new: dict[Shape, tuple[list[list[Any]], list[int]]] = {}  # rows, numbers
        self._old: dict[Shape, list[list[Any]]] = {}

    def shape(
        self,
        labels: tuple[str, ...],
        keys: tuple[str, ...],
        rows: list[list[Any]],
        first: int,
        *,
        sized: bool = False,
    ) -> None:
        """The nodes of one shape, numbered from ``first`` (``rows`` hold no null: a key
        absent writes nothing). ``sized``: the rows are one FalkorDB message of the
        query for new nodes, none escaped (a prepared copy's records: prepared.py)."""
        known = self._known
        if not known:
            numbers = range(first, first + len(rows))
            if sized and self._writes.dialect == "falkordb" and len(rows) <= self._batch:
                query = new_nodes_query(labels, keys, "id")
                self._writes.rows(
                    query, rows, self._params, self._took(numbers), sized=True, columns=True
                )
                self._report(len(rows), "nodes")
                return
            self._send_new(labels, keys, rows, numbers)
            return
        shape = (labels, keys)
        new, at = self._new.setdefault(shape, ([], []))
        old = self._old.setdefault(shape, [])
        kept = {RESOURCE, *labels}
        for number, row in enumerate(rows, first):
            found = known.get(row[0])
            if found is None:
                new.append(row)
                at.append(number)
                continue
            node, had = found
            self._ids[number] = node
            old.append([node, *row])
            for label in had:
                if label not in kept:
                    self._gone.setdefault(label, []).append([node])
        if len(new) >= self._batch:
            self._send_new(labels, keys, *self._new.pop(shape))
        if len(old) >= self._batch:
            self._send_old(labels, keys, self._old.pop(shape))

    def _send_new(
        self, labels: tuple[str, ...], keys: tuple[str, ...], rows: list[list[Any]], numbers: Any
    ) -> None:
        self._send(new_nodes_query(labels, keys, self._writes.node_id), rows, numbers)

    def _send(self, query: str, rows: list[list[Any]], numbers: Any = None) -> None:
        """``rows`` in batches, by column (new nodes and nodes already there alike); with
        the ``numbers`` of new nodes, their ids kept."""
        for start in range(0, len(rows), self._batch):
            part = rows[start : start + self._batch]
            took = None
            if numbers is not None:
                took = self._took(numbers[start : start + len(part)])
            self._writes.rows(query, part, self._params, took, columns=True)
            self._report(len(part), "nodes")

    def _took(self, at: Any) -> Callable[[int, list[Any]], None]:
        """What a writing thread does with the ids a message of new nodes returns: the
        nodes numbered ``at`` (its rows'), from the message's ``offset`` on."""
        ids = self._ids

        def took(offset: int, returned: list[Any]) -> None:
            # consecutive numbers (a first push): one slice; else one by one
            if type(at) is range:
                ids[at.start + offset : at.start + offset + len(returned)] = returned
            else:
                for number, node in zip(at[offset:], returned, strict=False):
                    ids[number] = node

        return took

    def _send_old(
        self, labels: tuple[str, ...], keys: tuple[str, ...], rows: list[list[Any]]
    ) -> None:
        # by column as new nodes are; the id a plain variable, for a seek
        query = (
            f"UNWIND range(0, size($c0) - 1) AS i WITH i, $c0[i] AS node MATCH (n) "
            f"WHERE {self._writes.node_id}(n) = node SET n = {{{_body(keys, 1)}}}"
        )
        if labels:
            query += f" SET n{_labels(labels)}"
        self._send(query, rows)

    def flush(self) -> None:
        """What is left of a repeated push's batches, then the labels to remove."""
        for (labels, keys), (rows, at) in self._new.items():
            self._send_new(labels, keys, rows, at)
        for (labels, keys), rows in self._old.items():
            self._send_old(labels, keys, rows)
        self._new.clear()
        self._old.clear()
        node_id = self._writes.node_id
        for label, rows in sorted(self._gone.items()):
            query = f"UNWIND $rows AS r WITH r[0] AS i MATCH (n) WHERE {node_id}(n) = i "
            query += f"REMOVE n:{quote_name(label)}"
            for start in range(0, len(rows), self._batch):
                self._writes.rows(query, rows[start : start + self._batch], {})
        self._gone.clear()


def new_nodes_query(labels: tuple[str, ...], keys: tuple[str, ...], node_id: str) -> str:
    """The write of new nodes of a shape: created, their ids returned in order. The rows
    go by column (``$c0`` the uris, ``$c1`` … the values of ``keys``: RowWriter's
    ``columns``): FalkorDB's UNWIND then copies a number for each node, not its row of
    texts (a fifth less of the server's CPU for the nodes: docs/benchmarks.md, the
    push's sixth pass)."""
    return (
        f"UNWIND range(0, size($c0) - 1) AS i CREATE (n:{RESOURCE}{_labels(labels)} "
        f"{{{_body(keys, 0)}}}) RETURN collect({node_id}(n)) AS ids"
    )


def _labels(labels: tuple[str, ...]) -> str:
    return "".join(f":{quote_name(label)}" for label in labels)


def _body(keys: tuple[str, ...], first: int) -> str:
    """The properties of the ``i``-th node of a message by column whose uris are
    ``$c{first}`` and values follow in ``keys``' order: the keys go in the text, no key
    is sent once per node."""
    return ", ".join(
        [f"{URI}: $c{first}[i]", f"{STAMP}: $stamp"]
        + [f"{quote_name(key)}: $c{i}[i]" for i, key in enumerate(keys, first + 1)]
    )
