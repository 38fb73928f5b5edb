"""The default SHACL engine: shapes compiled to SPARQL, run on a pyoxigraph store.

Each constraint becomes one SELECT over all focus nodes of its shape at once (see
:mod:`govkg.shapes.engine.compile_core` and
:mod:`govkg.shapes.engine.compile_sparql`). A focus set is a
group pattern that binds ``?this`` - a shape's targets, or the value nodes of a parent
shape - so nested shapes (sh:node, sh:and ...) are again queried set-at-a-time, and only
their conformance is combined in Python. A shape with targets whose tree holds anything
the compiler cannot translate goes, whole, to pyshacl (the fallback); results are merged.

>>> from govkg.store import oxigraph as oxi
>>> store = oxi.memory_store()
>>> oxi.load(store, b'<http://e/a> a <http://e/C> .', format="ttl")
>>> shapes = '''@prefix sh: <http://www.w3.org/ns/shacl#> .
... <http://e/S> a sh:NodeShape ; sh:targetClass <http://e/C> ;
...   sh:property [ sh:path <http://e/name> ; sh:minCount 1 ] .'''
>>> report = validate(store, shapes)
>>> report.conforms, [r.focus for r in report.results], report.compiled
(False, ['<http://e/a>'], 1)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from govkg.shapes.engine import nested, pyshacl_engine
from govkg.shapes.engine.batching import Check, chunks, fill_messages, run_batch
from govkg.shapes.engine.compile_core import (
    CORE,
    LOGICAL,
    MAX_DEPTH,
    SUBCLASS,
    Unsupported,
    batch_check,
    compile_constraint,
    component_iri,
    instance_of,
    term,
)
from govkg.shapes.engine.compile_sparql import (
    SHAPES_GRAPH,
    ShaclFailure,
    component_queries,
    select_constraint,
    uses_shapes_graph,
)
from govkg.shapes.engine.result_rows import component_results, core_results, sparql_results
from govkg.shapes.engine.results import (
    SH,
    ValidationReport,
    ValidationResult,
    dedupe,
    severity_name,
)
from govkg.shapes.engine.shapes_model import ShapesGraph

from govkg.store import oxigraph as oxi

__all__ = ["ShaclFailure", "ShapesGraph", "Unsupported", "ValidationReport", "validate"]

# each shape evaluated is logged (DEBUG) by its IRI: which rules ran is observable
log = logging.getLogger(__name__)


class Compiler:
    """Runs the compiled queries of shapes on one store; caches nested conformance."""

    def __init__(
        self,
        store: Any,
        sg: ShapesGraph,
        union_default: bool = True,
        workers: int = 2,
        batching: bool = True,
    ) -> None:
        self.store, self.sg, self.union = store, sg, union_default
        self.queries = 0
        self._cache: dict[tuple[str, str], list[Future]] = {}
        self._classes: dict[str, list[str]] = {}
        self._scratch: Any = None
        self._lock = threading.Lock()
        self.pool = ThreadPoolExecutor(workers) if workers > 1 else None
        self.workers = workers
        self.batching = batching
        self._batches: dict[str, list[Check]] = {}

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def subclasses(self, cls: str) -> list[str]:
        """``cls`` and the classes under it (rdfs:subClassOf* in the data), as N-Triples."""
        if cls not in self._classes:
            query = f"SELECT DISTINCT ?c WHERE {{ ?c {SUBCLASS} {cls} }}"
            found = [str(r["c"]) for r in self.run(query) if not oxi.is_literal(r["c"])]
            self._classes[cls] = sorted(set(found) | {cls})
        return self._classes[cls]

    # --- plumbing ------------------------------------------------------------------------
    def run(self, sparql: str) -> Any:
        self.queries += 1
        try:
            if uses_shapes_graph(sparql):
                return oxi.query(self.scratch(), sparql, union_default=False)
            return oxi.query(self.store, sparql, union_default=self.union)
        except SyntaxError as e:  # a query oxigraph cannot parse goes to pyshacl
            raise Unsupported(f"SPARQL syntax: {e}") from e

    def scratch(self) -> Any:
        """A copy of the data (default graph) with the shapes graph as a named graph, for
        queries using $shapesGraph: the caller's store is never written to."""
        with self._lock:  # jobs on both threads may ask for it first
            return self._make_scratch()

    def _make_scratch(self) -> Any:
        if self._scratch is None:
            self._scratch = oxi.memory_store()
            data = (
                (q.subject, q.predicate, q.object)
                for q in oxi.quads_of(self.store)
                if self.union or oxi.in_default_graph(q)
            )
            oxi.add_triples(self._scratch, data)
            oxi.add_triples(
                self._scratch,
                ((t.subject, t.predicate, t.object) for t in self.sg.triples),
                graph=SHAPES_GRAPH,
            )
        return self._scratch

    def focus_nodes(self, focus: str) -> list[str]:
        return [str(r["this"]) for r in self.run(f"SELECT DISTINCT ?this WHERE {{ {focus} }}")]

    def pairs(self, focus: str, path: str | None) -> list[tuple[str, str]]:
        """(focus node, value node) pairs: the value nodes of every focus node."""
        if path is None:
            return [(t, t) for t in self.focus_nodes(focus)]
        rows = self.run(f"SELECT DISTINCT ?this ?value WHERE {{ {focus} ?this {path} ?value }}")
        return [(str(r["this"]), str(r["value"])) for r in rows]

    @staticmethod
    def value_focus(focus: str, path: str | None) -> str:
        """The focus pattern of the value nodes of ``focus`` along ``path``."""
        if path is None:
            return focus
        return (
            f"{{ SELECT DISTINCT ?this WHERE {{ {{ SELECT (?this AS ?vf) WHERE {{ {focus} }} }} "
            f"?vf {path} ?this }} }}"
        )

    def targets(self, shape: Any) -> str:
        """The focus pattern of a shape's targets."""
        sg, parts = self.sg, []
        nodes = [term(n) for n in sg.objects(shape, SH + "targetNode")]
        if nodes:
            parts.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
        classes = [term(c) for c in sg.objects(shape, SH + "targetClass")]
        if sg.is_class(shape) and sg.is_shape_typed(shape) and oxi.is_iri(shape):
            classes.append(str(shape))
        members = sorted({m for c in classes for m in self.subclasses(c)})
        if members:
            parts.append(instance_of("?this", members))
        for p in sg.objects(shape, SH + "targetSubjectsOf"):
            parts.append(f"?this {term(p)} ?to .")
        for p in sg.objects(shape, SH + "targetObjectsOf"):
            parts.append(f"?ts {term(p)} ?this .")
        if sg.objects(shape, SH + "target"):
            raise Unsupported("SPARQL-based targets")
        if not parts:
            return "FILTER(false)"
        if len(parts) == 1 and len(members) == 1:
            # One class: each node has its rdf:type triple once, so no DISTINCT is needed,
            # and no helper variable is left to clash with the variables of sh:sparql.
            return parts[0]
        union = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    # --- shapes --------------------------------------------------------------------------
    def submit(self, fn: Callable[..., list[ValidationResult]], *args: Any) -> Future:
        """Run a leaf job (queries only, no waiting on other jobs) on the pool."""
        if self.pool is not None:
            return self.pool.submit(fn, *args)
        fut: Future = Future()
        try:
            fut.set_result(fn(*args))
        except Exception as e:  # delivered when the result is asked for, as with the pool
            fut.set_exception(e)
        return fut

    @staticmethod
    def collect(futures: Iterable[Future]) -> list[ValidationResult]:
        return [r for f in futures for r in f.result()]

    def validate_root(self, shape: Any) -> list[Future]:
        return self.shape(shape, self.targets(shape), 0)

    def nonconforming(self, shape: Any, focus: str, depth: int) -> set[str]:
        futures = self.shape(shape, focus, depth + 1)
        self.flush()
        return {r.focus for r in self.collect(futures)}

    def flush(self) -> None:
        """Start the batched checks gathered so far (one scan per focus set and chunk)."""
        batches, self._batches = self._batches, {}
        for focus, checks in batches.items():
            for part in chunks(checks, self.workers):
                args = (self.run, self.core_job, self.sg, self.subclasses, focus, part)
                if self.pool is not None:
                    self.pool.submit(run_batch, *args)
                else:
                    run_batch(*args)

    def shape(self, shape: Any, focus: str, depth: int) -> list[Future]:
        """Jobs giving all results of a shape for the focus nodes ``focus`` binds to ``?this``."""
        if depth > MAX_DEPTH:
            raise Unsupported("shapes nested too deeply (recursive shapes)")
        key = (str(shape), focus)
        if key not in self._cache:
            self._cache[key] = self._shape(shape, focus, depth)
        return self._cache[key]

    def core_job(
        self, query: str, comp: str, path: str | None, base: tuple, messages: list[Any]
    ) -> list[ValidationResult]:
        return core_results(self.run(query), comp, path, base, messages)

    def component_job(
        self, query: str, comp: str, path: str | None, base: tuple, templates: list, params: dict
    ) -> list[ValidationResult]:
        return component_results(self.run(query), comp, path, base, templates, params)

    def _shape(self, shape: Any, focus: str, depth: int) -> list[Future]:
        sg = self.sg
        if sg.boolean(shape, SH + "deactivated"):
            return []
        path_node = sg.value(shape, SH + "path")
        try:
            path = sg.path(path_node) if path_node is not None else None
        except ValueError as e:
            raise Unsupported(str(e)) from e
        sev = sg.value(shape, SH + "severity")
        severity = severity_name(sev.value if sev is not None else SH + "Violation")
        shape_messages = sg.objects(shape, SH + "message")
        base = (str(shape), severity)
        out: list[Future] = []
        for pred, objs in sg.predicates(shape).items():
            if not pred.startswith(SH):
                continue
            name = pred[len(SH) :]
            for obj in objs:
                if name in CORE:
                    check = batch_check(sg, shape, name, obj, path, self.subclasses)
                    if check is not None and self.batching:
                        item = Check(*check, shape, name, obj, path, component_iri(name), base,
                                     shape_messages)  # fmt: skip
                        self._batches.setdefault(focus, []).append(item)
                        out.append(item.future)
                        continue
                    query = compile_constraint(sg, shape, name, obj, focus, path, self.subclasses)
                    if query is not None:
                        comp = component_iri(name)
                        out.append(
                            self.submit(self.core_job, query, comp, path, base, shape_messages)
                        )
                elif name == "property":
                    out.extend(self.shape(obj, self.value_focus(focus, path), depth + 1))
                elif name in LOGICAL:
                    bad = nested.logical(self, name, obj, focus, path, depth)
                    comp = f"<{SH}{LOGICAL[name]}ConstraintComponent>"
                    msgs = fill_messages(shape_messages, {})
                    found = [
                        ValidationResult(t, path, v, base[0], comp, base[1], msgs) for t, v in bad
                    ]
                    out.append(self.submit(lambda r: r, found))
                elif name == "qualifiedValueShape":
                    found = nested.qualified(self, shape, obj, focus, path, depth, base)
                    out.append(self.submit(lambda r: r, found))
                elif name == "sparql":
                    query = self.sparql_query(shape, obj, focus, path)
                    if query is not None:
                        out.append(self.submit(self.sparql, shape, obj, query, path, base))
        for comp, query, validator, params in component_queries(sg, shape, focus, path):
            templates = sg.objects(validator, SH + "message") or shape_messages
            out.append(self.submit(self.component_job, query, comp, path, base, templates, params))
        return out

    def sparql_query(self, shape: Any, node: Any, focus: str, path: str | None) -> str | None:
        if self.sg.boolean(node, SH + "deactivated"):
            return None
        return select_constraint(self.sg, shape, node, focus, path)

    def sparql(
        self, shape: Any, node: Any, query: str, path: str | None, base: tuple
    ) -> list[ValidationResult]:
        """The results of one sh:sparql SELECT constraint."""
        return sparql_results(self.run(query), self.sg, shape, node, path, base)


def _store(data: Any, data_format: str) -> Any:
    if isinstance(data, bytes | str):
        store = oxi.memory_store()
        raw = data.encode() if isinstance(data, str) else data
        oxi.bulk_load(store, raw, format=data_format)
        return store
    return data


def validate(
    data: Any,
    shapes: ShapesGraph | bytes | str,
    *,
    engine: str = "default",
    data_format: str = "ttl",
    union_default: bool = True,
    workers: int = 2,
    batching: bool = True,
) -> ValidationReport:
    """Validate ``data`` (a pyoxigraph store, or Turtle/N-Triples bytes) against ``shapes``.

    ``engine`` is ``"default"`` (compiled SPARQL with pyshacl as fallback) or ``"pyshacl"``.
    With ``union_default`` the data graph is the union of all the store's graphs.
    ``workers`` threads run the queries (pyoxigraph releases the GIL while evaluating);
    ``batching`` lets per-focus checks of one focus set share a query.
    Raises ShaclFailure when the shapes ask for something SHACL forbids.
    """
    store = _store(data, data_format)
    sg = shapes if isinstance(shapes, ShapesGraph) else ShapesGraph.parse(shapes)
    if engine == "pyshacl":
        return pyshacl_engine.validate_store(store, sg, union_default=union_default)
    if engine != "default":
        raise ValueError(f"unknown SHACL engine: {engine}")
    compiler = Compiler(store, sg, union_default, workers, batching)
    results: list[ValidationResult] = []
    fallback: list[Any] = []
    pending: list[tuple[Any, list[Future]]] = []
    try:
        for root in sg.shapes():
            if not sg.has_targets(root):
                continue
            log.debug("shape %s", root)
            try:
                pending.append((root, compiler.validate_root(root)))
            except Unsupported:
                fallback.append(root)
        compiler.flush()
        compiled = 0
        for root, futures in pending:
            try:
                results.extend(compiler.collect(futures))
                compiled += 1
            except Unsupported:
                fallback.append(root)
    finally:
        compiler.close()
    if fallback:
        extra = pyshacl_engine.validate_store(store, sg, only=fallback, union_default=union_default)
        results.extend(extra.results)
    results = dedupe(results)
    return ValidationReport(
        conforms=not results,
        results=results,
        engine="default",
        compiled=compiled,
        fallback=len(fallback),
        fallback_shapes=[str(s) for s in fallback],
    )
