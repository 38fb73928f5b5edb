"""Where the boxes and lines of the pictures go (the SVG itself is drawn by templates):
the graph view in columns (centre, one link away, two links away) and the lines of R10
as trees, top down. Plain arithmetic, no drawing library.
"""

from __future__ import annotations

from dataclasses import dataclass

from govkg.api.page_data import Line, Named, Neighbourhood

BOX_W, BOX_H, GAP = 250, 30, 10
COLUMN_GAP = 90
TREE_W, TREE_H, TREE_GAP_X, TREE_GAP_Y = 176, 34, 14, 46
LINE_GAP = 30  # more room between two lines than between two leaves
MARGIN = 16


@dataclass(frozen=True)
class Box:
    node: Named
    x: float
    y: float
    w: float
    h: float
    label: str
    centre: bool = False
    marked: bool = False


@dataclass(frozen=True)
class Wire:
    kind: str
    path: str


@dataclass(frozen=True)
class Picture:
    width: float
    height: float
    boxes: list[Box]
    wires: list[Wire]


def short(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def graph_picture(around: Neighbourhood) -> Picture:
    """Three columns: the centre, the nodes one link away, the nodes two links away."""
    columns = [[around.centre], *around.rings]
    tallest = max(len(c) for c in columns)
    height = 2 * MARGIN + tallest * (BOX_H + GAP) - GAP
    boxes: dict[str, Box] = {}
    for index, column in enumerate(columns):
        x = MARGIN + index * (BOX_W + COLUMN_GAP)
        top = (height - (len(column) * (BOX_H + GAP) - GAP)) / 2
        for row, node in enumerate(column):
            label = short(node.name or node.id, 15) + f"  {node.id}"
            boxes[node.id] = Box(
                node, x, top + row * (BOX_H + GAP), BOX_W, BOX_H, label, centre=index == 0
            )
    wires = []
    for agency, target, kind in around.links:
        a, b = boxes.get(agency), boxes.get(target)
        if a is None or b is None:
            continue
        left, right = (a, b) if a.x < b.x else (b, a)
        x1, y1 = left.x + left.w, left.y + left.h / 2
        x2, y2 = right.x, right.y + right.h / 2
        bend = (x2 - x1) / 2
        wires.append(
            Wire(
                kind,
                f"M{x1:.0f},{y1:.0f} C{x1 + bend:.0f},{y1:.0f} "
                f"{x2 - bend:.0f},{y2:.0f} {x2:.0f},{y2:.0f}",
            )
        )
    width = 2 * MARGIN + len(columns) * BOX_W + (len(columns) - 1) * COLUMN_GAP
    return Picture(width, height, list(boxes.values()), wires)


def lines_picture(lines: list[Line], names: dict[str, str | None], marked: set[str]) -> Picture:
    """Each line a tree, top down, side by side; ``marked`` agencies hold the duties."""
    boxes: list[Box] = []
    wires: list[Wire] = []
    cursor = MARGIN  # where the next leaf goes
    deepest = 0

    def place(ident: str, children: dict[str, list[str]], depth: int) -> Box:
        nonlocal cursor, deepest
        deepest = max(deepest, depth)
        kids = [place(kid, children, depth + 1) for kid in children.get(ident, [])]
        if kids:
            x = (kids[0].x + kids[-1].x) / 2
        else:
            x = cursor
            cursor += TREE_W + TREE_GAP_X
        y = MARGIN + depth * (TREE_H + TREE_GAP_Y)
        name = names.get(ident) or ident
        box = Box(
            Named("agency", ident, names.get(ident)),
            x,
            y,
            TREE_W,
            TREE_H,
            short(name, 13),
            marked=ident in marked,
        )
        boxes.append(box)
        for kid in kids:
            x1, y1 = box.x + TREE_W / 2, box.y + TREE_H
            x2, y2 = kid.x + TREE_W / 2, kid.y
            wires.append(
                Wire("chain", f"M{x1:.0f},{y1:.0f} V{(y1 + y2) / 2:.0f} H{x2:.0f} V{y2:.0f}")
            )
        return box

    for line in lines:
        place(line.top, line.children, 0)
        cursor += LINE_GAP
    width = max(cursor - TREE_GAP_X - LINE_GAP + MARGIN, 2 * MARGIN + TREE_W)
    height = 2 * MARGIN + (deepest + 1) * (TREE_H + TREE_GAP_Y) - TREE_GAP_Y
    return Picture(width, height, boxes, wires)
