"""`govkg load`: check every source, then write them all into the store at once."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from govkg.errors import InputError, Problem
from govkg.loaders import PreparedSource, prepare_source
from govkg.ontology.namespaces import GK, ONTOLOGY_FILE
from govkg.progress import Progress
from govkg.push_copy import prepare_push
from govkg.settings import Settings
from govkg.shapes.findings import Finding
from govkg.shapes.findings_rdf import findings_graph
from govkg.shapes.findings_store import FindingsWriter
from govkg.store import GraphData, GraphStore
from govkg.store import oxigraph as oxi
from govkg.validating.draft_sidecar import write_after_switch

ONTOLOGY_GRAPH = GK.rstrip("#")

STAGES = {
    "checkpoint": "复制现有数据 copying the live data",
    "copy": "复制保留的图 copying the graphs that stay",
    "clear": "清除旧图 clearing the old graph",
    "store": "写入存储 storing",
    "prepare": "按规则计算问题 computing the findings",
    "switch": "切换 switching",
}


@dataclass(frozen=True)
class LoadReport:
    sources: list[PreparedSource]
    seconds: float
    findings: list[Finding] | None = None  # stored findings; None when the load stored none

    @property
    def findings_count(self) -> int | None:
        return None if self.findings is None else len(self.findings)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.sources)

    @property
    def triples(self) -> int:
        return sum(s.triples for s in self.sources)


def load_sources(
    paths: list[Path], settings: Settings, *, graph: str | None = None, show_progress: bool = True
) -> LoadReport:
    """Load workbooks and RDF files into the store, each into its own named graph.

    Every source is read and checked before anything is written; one bad source refuses
    the whole load (InputError listing all problems), and the store stays as it was.
    The findings of the rules on the new data are stored with it (setting
    ``findings_on_load``); without them, a findings graph of older data is removed.
    """
    if graph and len(paths) != 1:
        raise InputError(
            Problem("--graph", "--graph 只能与一个来源一起使用", "--graph takes exactly one source")
        )
    started = time.monotonic()
    store = GraphStore(settings.store)
    progress = Progress("加载 loading", total=None) if show_progress else None
    try:
        with store.writer() as writer:
            scratch = writer.scratch
            prepared: list[PreparedSource] = []
            problems: list[Problem] = []
            for path in paths:
                try:
                    prepared.append(
                        prepare_source(
                            path,
                            base_iri=settings.base_iri,
                            scratch=scratch,
                            graph=graph,
                            on_rows=progress.advance if progress else None,
                        )
                    )
                except InputError as error:
                    problems.extend(error.problems)
            _refuse_shared_graphs(prepared, problems)
            if problems:
                raise InputError(problems)
            graphs = [GraphData(p.graph, p.data) for p in prepared]
            if ONTOLOGY_FILE.exists():
                ontology_nt = scratch / "ontology.nt"
                with ontology_nt.open("wb") as out:
                    oxi.convert_to_ntriples(ONTOLOGY_FILE.read_bytes(), format="ttl", output=out)
                graphs.append(GraphData(ONTOLOGY_GRAPH, ontology_nt))
            hook = derived_graphs(settings, scratch)

            def prepare(generation: oxi.Store) -> None:
                refuse_shared_ids(generation, prepared)
                if hook is not None:
                    hook(generation)

            writer.replace_graphs(
                graphs,
                on_stage=(lambda s: progress.set_stage(STAGES[s])) if progress else None,
                removed=[findings_graph(settings.base_iri)],
                prepare=prepare,
            )
            # the push's copy read from the files just loaded
            loaded = {g.graph: g.path for g in graphs if g.format == "nt"}
            after_switch(store, hook, settings, prepare=settings.neo4j_rows_on_load, loaded=loaded)
    finally:
        if progress:
            progress.close()
    return LoadReport(prepared, time.monotonic() - started, hook.findings if hook else None)


def derived_graphs(settings: Settings, scratch: Path) -> FindingsWriter | None:
    """What a write adds to the new generation before the switch: the findings graph,
    unless the settings turn it off (a load then leaves none, never a stale one)."""
    return FindingsWriter(settings.base_iri, scratch) if settings.findings_on_load else None


def after_switch(
    store: GraphStore,
    hook: FindingsWriter | None,
    settings: Settings,
    *,
    prepare: bool,
    loaded: dict[str, Path] | None = None,
) -> None:
    """What every write leaves beside the generation it has just switched to, still under
    the store's lock: the draft check's sidecar, from the findings ``hook`` computed, and
    with ``prepare`` the push's copy (else the older copies go: govkg/push_copy.py)."""
    if hook is not None:
        write_after_switch(store.path, hook, settings.base_iri)
    prepare_push(store, prepare=prepare, loaded=loaded)


def _refuse_shared_graphs(prepared: list[PreparedSource], problems: list[Problem]) -> None:
    seen: dict[str, Path] = {}
    for source in prepared:
        if source.graph in seen:
            problems.append(
                Problem(
                    str(source.path),
                    f"与「{seen[source.graph]}」同名，会写入同一个图 {source.graph}",
                    f"same name as '{seen[source.graph]}': both would fill graph {source.graph}",
                )
            )
        seen[source.graph] = source.path


SOURCE_GRAPHS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g a gk:SourceGraph } }"
SHARED_IDS = """
SELECT ?g1 ?g2 (COUNT(DISTINCT ?x) AS ?n) (MIN(STR(?id)) AS ?example) WHERE {
  GRAPH ?g1 { ?g1 a gk:SourceGraph . ?x dct:identifier ?id }
  GRAPH ?g2 { ?g2 a gk:SourceGraph . ?x dct:identifier ?other }
  FILTER(STR(?g1) < STR(?g2))
} GROUP BY ?g1 ?g2"""


def refuse_shared_ids(generation: oxi.Store, prepared: list[PreparedSource]) -> None:
    """InputError when two sources of the new generation hold entities of the same id.

    The default graph is the union of the sources, and pyoxigraph's union keeps a
    triple once per graph holding it: with the same workbook loaded under two names every
    join doubles, and a page over three copies grew without bound. So an entity comes
    from one source only (load a workbook again under its own name to replace it).
    Looked for only when the generation holds more than one source."""
    from govkg.querying import run_query

    count = next(iter(run_query(generation, SOURCE_GRAPHS).results))["n"]
    if int(count.value) < 2:
        return
    files = {source.graph: str(source.path) for source in prepared}
    problems = []
    for row in run_query(generation, SHARED_IDS).results:
        first, second = row["g1"].value, row["g2"].value
        new, old = (second, first) if second in files else (first, second)
        number, example = int(row["n"].value), row["example"].value
        problems.append(
            Problem(
                files.get(new, new),
                f"有 {number:,} 个实体（如「{example}」）的编号已在来源 <{old}> 中："
                "一个实体只能来自一个来源；要替换那个来源，请用同一文件名重新加载",
                f"{number:,} entities (e.g. '{example}') have ids already held by source "
                f"<{old}>: an entity comes from one source only; to replace that source, "
                "load the workbook again under the same file name",
            )
        )
    if problems:
        raise InputError(problems)
