"""The OWL reasoning check: HermiT (bundled with owlready2) on the ontology plus data.

This is the one module that imports owlready2, and only inside :func:`check_consistency`,
so importing it costs nothing. HermiT runs in Java: a ``java`` on PATH (Java 11+), or the
path given as ``java=``.

What the report holds:

* ``consistent``: whether ontology and data together have a model.
* ``inferred_types``: class memberships HermiT infers (realisation: the most specific
  named classes of each individual) that the input did not state, e.g. an agency that is
  the source of a dataset becomes a ``gk:DataSourceAgency``.
* ``inferred_assertions``: object property assertions the input did not state, entailed
  through the property hierarchy as HermiT classifies it (sub-properties, inverses,
  transitive properties), e.g. ``gk:administeredBy`` gives ``org:subOrganizationOf``.
  HermiT's own property realisation reports only asserted pairs and their inverses, so
  these are closed here over its classified hierarchy (OWL 2 RL rules prp-spo1, prp-inv,
  prp-trp), which is sound for any OWL 2 model.

Without Java, it says so (Chinese first, then English) before doing anything else:

>>> try:
...     check_consistency(ONTOLOGY_FILE, None, java="/nonexistent/java")
... except JavaNotFoundError as error:
...     print(error.zh.split("，")[0])
...     print(error.en.split(",")[0])
未找到 Java 运行环境（/nonexistent/java）
Java runtime not found (/nonexistent/java)
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .loading import read_rdf
from .namespaces import ONTOLOGY_FILE

__all__ = [
    "ONTOLOGY_FILE",
    "InferredAssertion",
    "InferredType",
    "JavaNotFoundError",
    "ReasonerError",
    "ReasoningReport",
    "check_consistency",
]

# owlready2 keeps the Java path and heap size in module globals: one run at a time.
_LOCK = threading.Lock()
JAVA_MEMORY_MB = 1000  # the machines are small and shared; the examples need far less
# HermiT runs for seconds: the C2 JIT compiler costs more than it saves there (halves the CPU
# time on a 10,000-triple workbook). Passed through the environment of HermiT's process only.
JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
_INFERENCES = "http://inferrences/"  # sic: owlready2's name for its inference ontology
_ONTOLOGY_IRI = "https://govkg.org/ontology"
_DATA_IRI = "urn:govkg:reasoning-data"
_UNINFORMATIVE = {str(OWL.Thing), str(OWL.NamedIndividual), str(OWL.Ontology)}


class ReasonerError(RuntimeError):
    """The reasoner could not run; the message is Chinese first, then English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh}\n{en}")
        self.zh = zh
        self.en = en


class JavaNotFoundError(ReasonerError):
    """No Java runtime to run HermiT with."""


@dataclass(frozen=True, order=True)
class InferredType:
    """``individual rdf:type cls``, inferred."""

    individual: str
    cls: str


@dataclass(frozen=True, order=True)
class InferredAssertion:
    """``subject predicate object`` (an object property assertion), inferred."""

    subject: str
    predicate: str
    object: str


@dataclass(frozen=True)
class ReasoningReport:
    """The outcome of one reasoning check."""

    consistent: bool
    inferred_types: tuple[InferredType, ...] = ()
    inferred_assertions: tuple[InferredAssertion, ...] = ()
    unsatisfiable_classes: tuple[str, ...] = ()
    data_triples: int = 0
    seconds: float = 0.0
    reasoner: str = "HermiT"
    message: dict[str, str] = field(default_factory=dict)  # {"zh": ..., "en": ...}

    def types_of(self, individual: str) -> set[str]:
        """The classes inferred for one individual (IRI)."""
        return {t.cls for t in self.inferred_types if t.individual == individual}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for the CLI and the API)."""
        return asdict(self)


def _find_java(java: str | None) -> str:
    candidates = [java] if java else [shutil.which("java")]
    if not java and os.environ.get("JAVA_HOME"):
        candidates.append(os.path.join(os.environ["JAVA_HOME"], "bin", "java"))
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    shown = java or "java"
    raise JavaNotFoundError(
        f"未找到 Java 运行环境（{shown}），无法运行 HermiT 推理机；请安装 Java 11 及以上版本"
        "（Debian：apt-get install default-jre-headless）或用 java= 指定路径。",
        f"Java runtime not found ({shown}), so the HermiT reasoner cannot run; install Java 11"
        " or later (Debian: apt-get install default-jre-headless) or give its path with java=.",
    )


def _as_graph(data: bytes | Path | Graph | None) -> Graph:
    if data is None:
        return Graph()
    if isinstance(data, Graph):
        return data
    return read_rdf(data)


def _ntriples(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def check_consistency(
    ontology_ttl: Path,
    data_ntriples: bytes | Path | None,
    *,
    java: str | None = None,
) -> ReasoningReport:
    """Run HermiT on the ontology plus the data; report consistency and inferred facts.

    ``data_ntriples`` is N-Triples bytes (what ``workbook_to_ntriples`` returns), a path to
    an RDF file in any format rdflib reads (by suffix), or None for the ontology alone.
    Raises :class:`ReasonerError` (:class:`JavaNotFoundError`) when HermiT cannot run; an
    inconsistency is not an error but a report with ``consistent=False``.
    """
    java_exe = _find_java(java)
    started = time.perf_counter()
    ontology = read_rdf(Path(ontology_ttl), format="turtle")
    data = _as_graph(data_ntriples)

    import owlready2  # here, not at import time: it sets up a quadstore when imported

    with _LOCK:
        saved = owlready2.JAVA_EXE, owlready2.reasoning.JAVA_MEMORY
        owlready2.JAVA_EXE, owlready2.reasoning.JAVA_MEMORY = java_exe, JAVA_MEMORY_MB
        # owlready2 passes these keyword arguments to subprocess; absent in other versions.
        kwargs = getattr(owlready2.reasoning, "_subprocess_kargs", None)
        saved_env = kwargs.get("env") if isinstance(kwargs, dict) else None
        if isinstance(kwargs, dict):
            kwargs["env"] = {**os.environ, "JAVA_TOOL_OPTIONS": JAVA_OPTIONS}
        world = owlready2.World()
        try:
            # owlready2 reads N-Triples, not Turtle: rdflib converts.
            world.get_ontology(_ONTOLOGY_IRI).load(
                fileobj=BytesIO(_ntriples(ontology)), format="ntriples"
            )
            world.get_ontology(_DATA_IRI).load(fileobj=BytesIO(_ntriples(data)), format="ntriples")
            try:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
            except owlready2.OwlReadyInconsistentOntologyError:
                return ReasoningReport(
                    consistent=False,
                    data_triples=len(data),
                    seconds=round(time.perf_counter() - started, 3),
                    message={
                        "zh": "不一致：本体与数据相互矛盾（例如某一个体同时属于互斥的类，"
                        "或只能取一个值的属性取了两个不同的值）。",
                        "en": "Inconsistent: the ontology and the data contradict each other "
                        "(e.g. an individual in two disjoint classes, or a functional property "
                        "with two different values).",
                    },
                )
            except owlready2.OwlReadyJavaError as error:
                raise ReasonerError(
                    f"HermiT 推理机运行失败：{error}", f"The HermiT reasoner failed: {error}"
                ) from error
            inferred = _inference_triples(world)
            unsatisfiable = sorted(
                c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing)
            )
        finally:
            world.close()
            owlready2.JAVA_EXE, owlready2.reasoning.JAVA_MEMORY = saved
            if isinstance(kwargs, dict):
                if saved_env is None:
                    kwargs.pop("env", None)
                else:
                    kwargs["env"] = saved_env

    types = _inferred_types(inferred, ontology, data)
    assertions = _inferred_assertions(ontology, data, inferred)
    return ReasoningReport(
        consistent=True,
        inferred_types=types,
        inferred_assertions=assertions,
        unsatisfiable_classes=tuple(unsatisfiable),
        data_triples=len(data),
        seconds=round(time.perf_counter() - started, 3),
        message={
            "zh": f"一致：推理机推出 {len(types)} 个类归属、{len(assertions)} 条属性断言"
            + (f"；{len(unsatisfiable)} 个类不可满足" if unsatisfiable else "")
            + "。",
            "en": f"Consistent: the reasoner inferred {len(types)} class memberships and "
            f"{len(assertions)} property assertions"
            + (f"; {len(unsatisfiable)} classes are unsatisfiable" if unsatisfiable else "")
            + ".",
        },
    )


def _inference_triples(world: Any) -> list[tuple[str, str, str]]:
    """The object triples owlready2 stored in its inference ontology, as IRIs."""
    inferences = world.get_ontology(_INFERENCES)
    triples = []
    for s, p, o in inferences._get_obj_triples_spo_spo(None, None, None):
        if s < 0 or o < 0:
            continue  # blank nodes: class expressions, not facts
        triples.append((world._unabbreviate(s), world._unabbreviate(p), world._unabbreviate(o)))
    return triples


def _inferred_types(
    inferred: Iterable[tuple[str, str, str]], ontology: Graph, data: Graph
) -> tuple[InferredType, ...]:
    classes = {str(c) for c in ontology.subjects(RDF.type, OWL.Class)}
    found = set()
    for s, p, o in inferred:
        if p != str(RDF.type) or o in _UNINFORMATIVE or s in classes:
            continue
        if (URIRef(s), RDF.type, URIRef(o)) in data:
            continue
        found.add(InferredType(s, o))
    return tuple(sorted(found))


def _inferred_assertions(
    ontology: Graph, data: Graph, inferred: Iterable[tuple[str, str, str]]
) -> tuple[InferredAssertion, ...]:
    """Close the data's object property assertions over HermiT's property hierarchy."""
    object_properties = {str(p) for p in ontology.subjects(RDF.type, OWL.ObjectProperty)}
    supers: dict[str, set[str]] = defaultdict(set)
    inverse: dict[str, str] = {}
    equivalent_pairs: list[tuple[str, str]] = []
    sub_property_of = str(RDFS.subPropertyOf)
    for graph_triples in (
        ((str(s), str(p), str(o)) for s, p, o in ontology),
        inferred,  # HermiT's classification of the object properties
    ):
        for s, p, o in graph_triples:
            if s not in object_properties or o not in object_properties:
                continue
            if p == sub_property_of:
                supers[s].add(o)
            elif p == str(OWL.inverseOf):
                inverse[s], inverse[o] = o, s
            elif p == str(OWL.equivalentProperty):
                equivalent_pairs.append((s, o))
    for a, b in equivalent_pairs:
        supers[a].add(b)
        supers[b].add(a)
    transitive = {str(p) for p in ontology.subjects(RDF.type, OWL.TransitiveProperty)}

    asserted = {
        (str(s), str(p), str(o))
        for s, p, o in data
        if str(p) in object_properties and isinstance(o, URIRef)
    }
    known = set(asserted)
    # For transitive properties: who each node reaches, and who reaches it.
    forward: dict[tuple[str, str], set[str]] = defaultdict(set)
    backward: dict[tuple[str, str], set[str]] = defaultdict(set)
    pending = list(asserted)
    while pending:  # a fixpoint of the three rules
        s, p, o = pending.pop()
        derived = [(s, q, o) for q in supers.get(p, ())]
        if p in inverse:
            derived.append((o, inverse[p], s))
        if p in transitive:
            forward[p, s].add(o)
            backward[p, o].add(s)
            derived += [(s, p, o2) for o2 in forward.get((p, o), ())]
            derived += [(s0, p, o) for s0 in backward.get((p, s), ())]
        for triple in derived:
            if triple not in known:
                known.add(triple)
                pending.append(triple)
    return tuple(sorted(InferredAssertion(*t) for t in known - asserted))
