"""What a push sends, as rows ready to write: the property graph (mapping.py) grouped by
node shape, every node numbered, relationships by type as rows of node numbers.

The mapping at push time and the copy prepared at load time (prepared.py) both give
this (a :class:`RowSource`), so one push (sync.py) writes either: a node is numbered by
its place in the shapes' rows (the first part's rows first), and a relationship row
holds one end's number and up to SOURCES_PER_ROW of the other ends' numbers, which the
push turns into the ids the server gave (a shared end is sent and found once for many).
A type's rows group its relationships by target, or by source when that takes fewer
rows (a finding concerns several items, each concerned by about one finding).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from govkg.neo4j.mapping import PropertyGraph

# a row of a relationship write: one end and at most this many of the other ends (a
# FalkorDB message, under 48 KB, holds whole rows)
SOURCES_PER_ROW = 100

# a node's shape: its labels and its property keys, in the order of a row's values
Shape = tuple[tuple[str, ...], tuple[str, ...]]


# labels, keys, rows, and whether the rows are one FalkorDB message as they are (node_writes)
NodePart = tuple[tuple[str, ...], tuple[str, ...], list[list[Any]], bool]
# a type, whether its rows are grouped by source, and rows [target, [source …]] (by
# target) or [source, [target …]] (by source)
RelationshipPart = tuple[str, bool, list[list[Any]]]


class RowSource(Protocol):
    """What a push reads: the counts and namespaces first, then the nodes' parts in
    number order, then (once those are read) the relationships' parts."""

    extra: dict[str, str]
    triples: int
    nodes: int
    relationship_count: int

    def node_parts(self) -> Iterator[NodePart]: ...

    def relationship_parts(self) -> Iterator[RelationshipPart]: ...

    def close(self) -> None: ...


@dataclass
class PushRows:
    """``shapes``: (labels, keys, rows ``[uri, value …]``) in node-number order;
    ``relationships``: type -> (by source, rows of node numbers: grouped_pairs); ``extra``
    the namespaces the names were shortened with beyond the ontology's
    (Namespaces.extra())."""

    extra: dict[str, str]
    shapes: list[tuple[tuple[str, ...], tuple[str, ...], list[list[Any]]]]
    relationships: dict[str, tuple[bool, list[list[Any]]]]
    triples: int
    nodes: int
    relationship_count: int

    def node_parts(self) -> Iterator[NodePart]:
        for labels, keys, rows in self.shapes:
            yield labels, keys, rows, False

    def relationship_parts(self) -> Iterator[RelationshipPart]:
        for kind, (by_source, rows) in self.relationships.items():
            yield kind, by_source, rows

    def close(self) -> None:
        pass


def push_rows(graph: PropertyGraph) -> PushRows:
    """The rows of a mapped graph. Nodes of one shape keep the mapping's order; a row is
    ``[uri, *props.values()]`` (a shape's keys are in the order of the node's values)."""
    by_shape: dict[Shape, list[list[Any]]] = {}
    no_labels: tuple[str, ...] = ()
    labels_of = graph.labels
    for uri, props in graph.nodes.items():
        shape = (labels_of.get(uri, no_labels), tuple(props))
        rows = by_shape.get(shape)
        if rows is None:
            rows = by_shape[shape] = []
        rows.append([uri, *props.values()])
    number: dict[str, int] = {}
    for rows in by_shape.values():
        for row in rows:
            number[row[0]] = len(number)
    relationships = {
        kind: grouped_pairs(graph.relationships[kind], number)
        for kind in sorted(graph.relationships)
    }
    return PushRows(
        graph.namespaces.extra(),
        [(labels, keys, rows) for (labels, keys), rows in by_shape.items()],
        relationships,
        graph.triples,
        len(number),
        graph.relationship_count(),
    )


def grouped_pairs(
    pairs: list[tuple[str, str]], number: dict[str, int]
) -> tuple[bool, list[list[Any]]]:
    """A type's (source, target) pairs as rows of node numbers, and whether they are
    grouped by source: ``[target, [source …]]``, or ``[source, [target …]]`` when fewer
    sources than target rows, at most SOURCES_PER_ROW others a row.

    >>> number = {"f": 0, "a": 1, "b": 2, "c": 3}
    >>> grouped_pairs([("a", "f"), ("b", "f")], number)
    (False, [[0, [1, 2]]])
    >>> grouped_pairs([("f", "a"), ("f", "b"), ("f", "c")], number)
    (True, [[0, [1, 2, 3]]])
    """
    groups: dict[int, list[int]] = defaultdict(list)
    for source, target in pairs:
        groups[number[target]].append(number[source])
    rows = sum(-(-len(group) // SOURCES_PER_ROW) for group in groups.values())
    by_source = len({source for source, _target in pairs}) < rows
    if by_source:
        groups = defaultdict(list)
        for source, target in pairs:
            groups[number[source]].append(number[target])
    return by_source, [
        [end, group[start : start + SOURCES_PER_ROW]]
        for end, group in groups.items()
        for start in range(0, len(group), SOURCES_PER_ROW)
    ]


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """A push (or its preparation) makes millions of objects (nodes' properties, rows,
    messages) and no cycles; Python's cycle collector, passing over them again and
    again, took ~15 % of its CPU. What cycles are made meanwhile are collected after."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
