"""Checks that share one scan of their focus nodes, and the result helpers of the engine.

Most checks of a shapes graph are per focus node (a min/max count of 1, or a test of every
value node), and many share a focus set (all property shapes of the node shapes that target
one class). Run one by one, each query walks the focus nodes again; batched, one query
binds one boolean per check for each focus node and returns only the focus nodes failing
some check. Violations are rare, so the values of a failing check are then fetched with
the check's own query restricted to the failing focus nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from govkg.shapes.engine.compile_core import compile_constraint
from govkg.shapes.engine.results import ValidationResult

from govkg.store import oxigraph as oxi

MAX_CHECKS = 12  # per query: bounds the query size and leaves work for both threads


@dataclass
class Check:
    """One batched check and the future its results go to."""

    expr: str  # true when ?this passes
    detail: bool  # whether results name value nodes (then a second query finds them)
    shape: Any
    param: str
    node: Any
    path: str | None
    comp: str
    base: tuple[str, str]  # (source shape, severity)
    messages: list[Any]
    future: Future = field(default_factory=Future)


def get(row: Any, var: str) -> Any | None:
    """A variable of a solution, None when unbound or not projected."""
    try:
        return row[var]
    except (KeyError, IndexError, TypeError):
        return None


def _text(node: Any) -> str:
    return str(node) if oxi.is_blank(node) else node.value


def fill_messages(templates: Iterable[Any], bindings: dict[str, Any]) -> tuple:
    """sh:message values with ``{?var}``/``{$var}`` replaced by the solution's values."""

    def fill(m: re.Match[str]) -> str:
        value = bindings.get(m.group(1))
        return _text(value) if value is not None else m.group(0)

    return tuple(
        (re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", fill, t.value), t.language or None)
        for t in templates
        if oxi.is_literal(t)
    )


def chunks(checks: list[Check], workers: int) -> list[list[Check]]:
    """Split the checks of one focus set so that no query grows too big."""
    size = max(1, min(MAX_CHECKS, -(-len(checks) // max(1, workers))))
    return [checks[i : i + size] for i in range(0, len(checks), size)]


def run_batch(
    run: Callable[[str], Any],
    core_job: Callable[..., list[ValidationResult]],
    sg: Any,
    subclasses: Callable[[str], list[str]],
    focus: str,
    checks: list[Check],
) -> None:
    """Run the checks of one focus set and set their futures (errors go to the futures)."""
    try:
        if len(checks) == 1:
            c = checks[0]
            query = compile_constraint(sg, c.shape, c.param, c.node, focus, c.path, subclasses)
            c.future.set_result(core_job(query, c.comp, c.path, c.base, c.messages))
            return
        names = [f"?chk{i}" for i in range(len(checks))]
        binds = " ".join(f"BIND({c.expr} AS {n})" for c, n in zip(checks, names, strict=True))
        fails = " || ".join(f"!{n}" for n in names)
        query = f"SELECT ?this {' '.join(names)} WHERE {{ {focus} {binds} FILTER({fails}) }}"
        failing: list[list[Any]] = [[] for _ in checks]
        for row in run(query):
            for i, name in enumerate(names):
                ok = row[name[1:]]
                if ok is not None and ok.value == "false":
                    failing[i].append(row["this"])
        for c, nodes in zip(checks, failing, strict=True):
            c.future.set_result(_details(core_job, sg, subclasses, focus, c, nodes))
    except BaseException as e:  # delivered to whoever collects the results
        for c in checks:
            if not c.future.done():
                c.future.set_exception(e)


def _details(
    core_job: Callable[..., list[ValidationResult]],
    sg: Any,
    subclasses: Callable[[str], list[str]],
    focus: str,
    c: Check,
    nodes: list[Any],
) -> list[ValidationResult]:
    if not nodes:
        return []
    if not c.detail:
        return [
            ValidationResult(
                str(t), c.path, None, c.base[0], c.comp, c.base[1],
                fill_messages(c.messages, {"this": t}) if c.messages else (),
            )
            for t in nodes
        ]  # fmt: skip
    keep = {str(n) for n in nodes}
    if any(oxi.is_blank(n) for n in nodes):
        sub = focus  # blank nodes cannot be named in VALUES: rerun on all, keep the failing
    else:
        sub = f"VALUES ?this {{ {' '.join(sorted(keep))} }}"
    query = compile_constraint(sg, c.shape, c.param, c.node, sub, c.path, subclasses)
    return [r for r in core_job(query, c.comp, c.path, c.base, c.messages) if r.focus in keep]
