"""Shape-referencing constraints: sh:node, sh:not, sh:and, sh:or, sh:xone and the
qualified value shapes.

They need the conformance of value nodes to other shapes: the value nodes of all focus
nodes become one focus set, the referenced shape is validated on that set (again a few
set-at-a-time queries), and only the combination of the non-conforming sets is done here.
``c`` is the engine's Compiler.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from govkg.shapes.engine.batching import fill_messages
from govkg.shapes.engine.compile_core import Unsupported
from govkg.shapes.engine.results import SH, ValidationResult

from govkg.store import oxigraph as oxi


def logical(
    c: Any, name: str, obj: Any, focus: str, path: str | None, depth: int
) -> list[tuple[str, str]]:
    """(focus, value) pairs failing sh:node / sh:not / sh:and / sh:or / sh:xone."""
    members = [obj] if name in ("node", "not") else c.sg.items(obj)
    if any(oxi.is_literal(m) for m in members):
        raise Unsupported(f"a literal as shape in sh:{name}")
    vf = c.value_focus(focus, path)
    bad = [c.nonconforming(m, vf, depth) for m in members]
    pairs = c.pairs(focus, path)
    if name == "node":
        return [(t, v) for t, v in pairs if v in bad[0]]
    if name == "not":
        return [(t, v) for t, v in pairs if v not in bad[0]]
    if name == "and":
        return [(t, v) for t, v in pairs if any(v in b for b in bad)]
    if name == "or":
        return [(t, v) for t, v in pairs if all(v in b for b in bad)]
    return [(t, v) for t, v in pairs if sum(v not in b for b in bad) != 1]


def qualified(
    c: Any, shape: Any, q: Any, focus: str, path: str | None, depth: int, base: tuple
) -> list[ValidationResult]:
    """sh:qualifiedMinCount / sh:qualifiedMaxCount, with disjoint sibling shapes."""
    sg = c.sg
    lo, hi = (
        sg.value(shape, SH + "qualifiedMinCount"),
        sg.value(shape, SH + "qualifiedMaxCount"),
    )
    if (lo is None and hi is None) or path is None:
        return []
    vf = c.value_focus(focus, path)
    bad = c.nonconforming(q, vf, depth)
    siblings: list[set[str]] = []
    if sg.boolean(shape, SH + "qualifiedValueShapesDisjoint"):
        seen = {str(q)}
        for parent in sg.subjects(SH + "property", shape):
            for prop in sg.objects(parent, SH + "property"):
                for sib in sg.objects(prop, SH + "qualifiedValueShape"):
                    if str(sib) not in seen:
                        seen.add(str(sib))
                        siblings.append(c.nonconforming(sib, vf, depth))
    counts: dict[str, int] = defaultdict(int)
    for t, v in c.pairs(focus, path):
        if v not in bad and all(v in s for s in siblings):
            counts[t] += 1
    messages = fill_messages(sg.objects(shape, SH + "message"), {})
    out = []
    for t in c.focus_nodes(focus):
        for limit, comp, failed in (
            (lo, "QualifiedMinCount", lambda n, k: n < k),
            (hi, "QualifiedMaxCount", lambda n, k: n > k),
        ):
            if limit is not None and failed(counts[t], int(limit.value)):
                iri = f"<{SH}{comp}ConstraintComponent>"
                out.append(ValidationResult(t, path, None, base[0], iri, base[1], messages))
    return out
