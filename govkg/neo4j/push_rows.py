"""What a push sends, as rows ready to write: the property graph (mapping.py) grouped by
node shape, every node numbered, relationships by type as rows of node numbers.

The mapping at push time and the copy prepared at load time (prepared.py) both give
this (a :class:`RowSource`), so one push (sync.py) writes either: a node is numbered by
its place in the shapes' rows (the first part's rows first), and a relationship row
holds a target's number and up to SOURCES_PER_ROW of its sources' numbers, which the
push turns into the ids the server gave (a shared target is sent and found once for
many sources).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from govkg.neo4j.mapping import PropertyGraph

# a row of a relationship write: a target and at most this many sources (a FalkorDB
# message, under 48 KB, holds whole rows)
SOURCES_PER_ROW = 100

# a node's shape: its labels and its property keys, in the order of a row's values
Shape = tuple[tuple[str, ...], tuple[str, ...]]


# labels, keys, rows, and whether the rows are one FalkorDB message as they are (node_writes)
NodePart = tuple[tuple[str, ...], tuple[str, ...], list[list[Any]], bool]
RelationshipPart = tuple[str, list[list[Any]]]  # a type, rows [target, [source …]]


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
    ``relationships``: type -> rows ``[target, [source …]]`` of node numbers; ``extra``
    the namespaces the names were shortened with beyond the ontology's
    (Namespaces.extra())."""

    extra: dict[str, str]
    shapes: list[tuple[tuple[str, ...], tuple[str, ...], list[list[Any]]]]
    relationships: dict[str, list[list[Any]]]
    triples: int
    nodes: int
    relationship_count: int

    def node_parts(self) -> Iterator[NodePart]:
        for labels, keys, rows in self.shapes:
            yield labels, keys, rows, False

    def relationship_parts(self) -> Iterator[RelationshipPart]:
        return iter(self.relationships.items())

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
    relationships: dict[str, list[list[Any]]] = {}
    for kind in sorted(graph.relationships):
        sources: dict[int, list[int]] = defaultdict(list)
        for source, target in graph.relationships[kind]:
            sources[number[target]].append(number[source])
        relationships[kind] = [
            [target, group[start : start + SOURCES_PER_ROW]]
            for target, group in sources.items()
            for start in range(0, len(group), SOURCES_PER_ROW)
        ]
    return PushRows(
        graph.namespaces.extra(),
        [(labels, keys, rows) for (labels, keys), rows in by_shape.items()],
        relationships,
        graph.triples,
        len(number),
        graph.relationship_count(),
    )


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
