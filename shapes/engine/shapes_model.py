"""The shapes graph in memory: an index of triples over pyoxigraph terms.

Shapes graphs are small (hundreds to thousands of triples), so a dict index is enough
and avoids rdflib entirely. Subjects and objects are looked up by their N-Triples string.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from govkg.shapes.engine.results import RDF, RDF_NIL, SH, _list, path_string

from govkg.store import oxigraph as oxi

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
TARGETS = ("targetNode", "targetClass", "targetSubjectsOf", "targetObjectsOf", "target")
# Predicates whose objects are shapes (lists for and/or/xone).
SHAPE_REFS = ("property", "node", "not", "qualifiedValueShape")
SHAPE_LISTS = ("and", "or", "xone")


class ShapesGraph:
    """Triples indexed by subject and by (predicate, object); terms are pyoxigraph terms."""

    def __init__(self, triples: Iterable[Any]) -> None:
        self.triples: list[Any] = []
        self._spo: dict[str, dict[str, list[Any]]] = {}
        self._pos: dict[str, dict[str, list[Any]]] = {}
        self._terms: dict[str, Any] = {}
        for t in triples:
            s, p, o = t.subject, t.predicate.value, t.object
            ks, ko = str(s), str(o)
            self.triples.append(t)
            self._terms.setdefault(ks, s)
            self._terms.setdefault(ko, o)
            objs = self._spo.setdefault(ks, {}).setdefault(p, [])
            if o not in objs:
                objs.append(o)
            self._pos.setdefault(p, {}).setdefault(ko, []).append(s)

    @classmethod
    def parse(
        cls, data: bytes | str, *, format: str = "ttl", base_iri: str | None = None
    ) -> ShapesGraph:
        """Parse a serialization (Turtle by default)."""
        if isinstance(data, str):
            data = data.encode()
        return cls(oxi.parse(data, format=format, base_iri=base_iri))

    # --- reading -------------------------------------------------------------------------
    def objects(self, subject: Any, predicate: str) -> list[Any]:
        """The objects of (subject, predicate); ``subject`` a term or its N-Triples string."""
        return self._spo.get(str(subject), {}).get(predicate, [])

    def value(self, subject: Any, predicate: str) -> Any | None:
        objs = self.objects(subject, predicate)
        return objs[0] if objs else None

    def subjects(self, predicate: str, obj: Any | None = None) -> list[Any]:
        """Subjects having ``predicate`` (with the given object when one is given)."""
        by_obj = self._pos.get(predicate, {})
        if obj is not None:
            return list(by_obj.get(str(obj), []))
        seen: dict[str, Any] = {}
        for subjects in by_obj.values():
            for s in subjects:
                seen.setdefault(str(s), s)
        return list(seen.values())

    def predicates(self, subject: Any) -> dict[str, list[Any]]:
        return self._spo.get(str(subject), {})

    def items(self, node: Any) -> list[Any]:
        """The members of an RDF list."""
        return _list(node, self.objects, oxi.is_iri, lambda n: n.value)

    def path(self, node: Any) -> str:
        """The canonical SPARQL path string of a SHACL path node."""
        return path_string(node, self.objects, oxi.is_iri, lambda n: n.value)

    def boolean(self, subject: Any, predicate: str) -> bool:
        v = self.value(subject, predicate)
        return v is not None and oxi.is_literal(v) and v.value == "true"

    def types(self, subject: Any) -> set[str]:
        """rdf:type IRIs of a node, closed over rdfs:subClassOf in the shapes graph."""
        todo = [t for t in self.objects(subject, RDF + "type") if oxi.is_iri(t)]
        out: set[str] = set()
        while todo:
            t = todo.pop()
            if t.value in out:
                continue
            out.add(t.value)
            todo.extend(c for c in self.objects(t, RDFS + "subClassOf") if oxi.is_iri(c))
        return out

    # --- shapes --------------------------------------------------------------------------
    def is_class(self, node: Any) -> bool:
        return bool({RDFS + "Class", OWL + "Class"} & self.types(node))

    def shapes(self) -> list[Any]:
        """Every node the SHACL spec counts as a shape in this graph."""
        found: dict[str, Any] = {}
        for kind in ("NodeShape", "PropertyShape"):
            for s in self.subjects(RDF + "type", oxi.named_node(SH + kind)):
                found.setdefault(str(s), s)
        for pred in TARGETS:
            for s in self.subjects(SH + pred):
                found.setdefault(str(s), s)
        todo = list(found.values())
        while todo:
            for ref in self.shape_refs(todo.pop()):
                if str(ref) not in found:
                    found[str(ref)] = ref
                    todo.append(ref)
        return list(found.values())

    def shape_refs(self, shape: Any) -> list[Any]:
        """Shapes this shape refers to (sh:property, sh:node, sh:not, lists...)."""
        refs = [o for p in SHAPE_REFS for o in self.objects(shape, SH + p)]
        for p in SHAPE_LISTS:
            for lst in self.objects(shape, SH + p):
                try:
                    refs.extend(self.items(lst))
                except ValueError:
                    continue
        return [r for r in refs if not oxi.is_literal(r)]

    def has_targets(self, shape: Any) -> bool:
        if any(self.objects(shape, SH + t) for t in TARGETS):
            return True
        return self.is_class(shape) and oxi.is_iri(shape) and self.is_shape_typed(shape)

    def is_shape_typed(self, shape: Any) -> bool:
        return bool({SH + "NodeShape", SH + "PropertyShape"} & self.types(shape))

    def reachable(self, shape: Any) -> list[Any]:
        """The shape and every shape reachable from it."""
        seen: dict[str, Any] = {str(shape): shape}
        todo = [shape]
        while todo:
            for ref in self.shape_refs(todo.pop()):
                if str(ref) not in seen:
                    seen[str(ref)] = ref
                    todo.append(ref)
        return list(seen.values())

    def prefixes(self, node: Any) -> str:
        """PREFIX declarations for the ``sh:prefixes`` of a SPARQL constraint or validator."""
        decls: dict[str, str] = {}
        todo = list(self.objects(node, SH + "prefixes"))
        seen: set[str] = set()
        while todo:
            src = todo.pop()
            if str(src) in seen:
                continue
            seen.add(str(src))
            for d in self.objects(src, SH + "declare"):
                prefix, ns = self.value(d, SH + "prefix"), self.value(d, SH + "namespace")
                if prefix is not None and ns is not None:
                    decls[prefix.value] = ns.value
            todo.extend(self.objects(src, OWL + "imports"))
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in decls.items())

    def is_nil(self, node: Any) -> bool:
        return oxi.is_iri(node) and node.value == RDF_NIL
