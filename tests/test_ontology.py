"""The OWL ontology: declarations, labels, enumerations, OWL 2 DL sanity, HermiT checks."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from govkg.loaders import workbook_to_ntriples
from govkg.loaders.contract import TABLES, Kind
from govkg.ontology.loading import curie, list_terms, load_graph
from govkg.ontology.namespaces import GK, ONTOLOGY_FILE, PREFIXES
from govkg.ontology.reasoning import JavaNotFoundError, ReasoningReport, check_consistency
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

REPO = Path(__file__).resolve().parent.parent
MAPPING = (REPO / "docs" / "mapping.md").read_text(encoding="utf-8")
SAMPLE = Path(__file__).parent / "data" / "sample.ttl"
BASE = "https://id.govkg.org/"
MAPPED_PREFIXES = ("gk", "org", "dcat", "dct", "prov", "skos")


def expand(name: str) -> URIRef:
    prefix, local = name.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return load_graph()


@pytest.fixture(scope="module")
def terms() -> dict[str, object]:
    return {t.curie: t for t in list_terms()}


def mapping_terms() -> set[str]:
    """Every prefixed name of the mapped vocabularies docs/mapping.md uses."""
    found = set(re.findall(rf"\b((?:{'|'.join(MAPPED_PREFIXES)}):[A-Za-z][A-Za-z0-9_]*)", MAPPING))
    found |= {curie(iri) for iri in re.findall(rf"<({re.escape(GK)}[A-Za-z0-9_]+)>", MAPPING)}
    return found


def mapping_columns() -> dict[str, str]:
    """``table.column`` -> the property docs/mapping.md maps it to (the Columns table)."""
    columns = {}
    for line in MAPPING.splitlines():
        match = re.match(r"\|\s*([a-z_]+\.[a-z_]+(?:,\s*[a-z_]+\.[a-z_]+)*)\s*\|\s*`([^`]+)`", line)
        if match:
            for column in re.split(r",\s*", match.group(1)):
                columns[column] = match.group(2)
    return columns


def mapping_classes() -> dict[str, str]:
    """table -> the class docs/mapping.md gives its rows (the Identifiers table)."""
    classes = {}
    for line in MAPPING.splitlines():
        match = re.match(r"\|\s*([a-z_]+)\s*\|\s*`\{base\}[^`]*`\s*\|\s*`(gk:[A-Za-z]+)`", line)
        if match:
            classes[match.group(1)] = match.group(2)
    return classes


def is_chinese(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK") for ch in text)


# --- the file and its terms ---------------------------------------------------------------


def test_ttl_parses_with_a_bilingual_header(onto: Graph) -> None:
    header = URIRef("https://govkg.org/ontology")
    assert (header, RDF.type, OWL.Ontology) in onto
    assert onto.value(header, OWL.versionInfo) is not None
    for prop in (RDFS.label, RDFS.comment):
        assert {o.language for o in onto.objects(header, prop)} >= {"zh", "en"}
    assert not list(onto.objects(None, OWL.imports))  # nothing to fetch: terms declared here


def test_mapping_doc_is_read() -> None:
    # Guards the parsers below: an empty result would make the coverage tests vacuous.
    assert {"gk:Agency", "org:unitOf", "gk:govkg", "gk:ConstituentDepartment"} <= mapping_terms()
    assert mapping_columns()["datasets.sources"] == "gk:sourceAgency"
    assert mapping_classes()["power_items"] == "gk:PowerItem"
    assert "Names are `skos:prefLabel" in MAPPING and "`dct:identifier" in MAPPING


def test_every_mapping_term_is_declared_with_zh_and_en(terms: dict) -> None:
    missing = sorted(mapping_terms() - terms.keys())
    assert not missing, f"used in docs/mapping.md but not declared: {missing}"
    for name in sorted(mapping_terms()):
        term = terms[name]
        assert {"zh", "en"} <= term.label.keys(), f"{name} lacks a zh or en label"
        if term.kind != "concept":
            assert {"zh", "en"} <= term.definition.keys(), f"{name} lacks a zh or en definition"


def test_every_class_and_property_has_zh_and_en_labels_and_definitions(terms: dict) -> None:
    kinds = {"class", "object_property", "datatype_property", "annotation_property"}
    for term in terms.values():
        if term.kind in kinds or term.iri.startswith(GK):
            assert {"zh", "en"} <= term.label.keys(), term.curie
            if term.kind != "concept":
                assert {"zh", "en"} <= term.definition.keys(), term.curie


def test_every_contract_table_and_column_has_its_class_or_property(
    onto: Graph, terms: dict
) -> None:
    classes, columns = mapping_classes(), mapping_columns()
    must_be = {
        Kind.ENUM: "object_property",
        Kind.REF: "object_property",
        Kind.REF_LIST: "object_property",
        Kind.GOVERNMENT: "object_property",
        Kind.INT: "datatype_property",
        Kind.BOOL: "datatype_property",
    }
    for table in TABLES:
        assert terms[classes[table.name]].kind == "class", table.name
        for column in table.columns:
            name = f"{table.name}.{column.name}"
            # Ids and names follow the doc's general sentences, not its Columns table.
            general = {table.id_column: "dct:identifier", "name": "skos:prefLabel"}
            prop = columns.get(name, general.get(column.name))
            assert prop is not None, f"{name} has no property in docs/mapping.md"
            assert prop in terms, f"{name}: {prop} is not declared"
            if column.kind in must_be:
                assert terms[prop].kind == must_be[column.kind], name
            if column.values:
                # An enumerated column ranges over the class of its scheme's concepts.
                scheme_class = onto.value(expand(prop), RDFS.range)
                for concept in set(column.values.values()):
                    assert (URIRef(GK + concept), RDF.type, scheme_class) in onto, name


def test_every_enumeration_value_is_a_concept_labelled_with_it(onto: Graph) -> None:
    seen_schemes = set()
    for table in TABLES:
        for column in table.columns:
            if not column.values:
                continue
            schemes = set()
            for value, local in column.values.items():
                concept = URIRef(GK + local)
                assert (concept, RDF.type, SKOS.Concept) in onto, local
                labels = {o.language: str(o) for o in onto.objects(concept, SKOS.prefLabel)}
                assert labels.keys() >= {"zh", "en"}, local
                # English aliases (lead, support) are the concept's English label.
                assert labels["zh" if is_chinese(value) else "en"] == value, (value, labels)
                scheme = onto.value(concept, SKOS.inScheme)
                assert (scheme, RDF.type, SKOS.ConceptScheme) in onto, local
                schemes.add(scheme)
            assert len(schemes) == 1, f"{table.name}.{column.name} spans schemes {schemes}"
            (scheme,) = schemes
            # The scheme holds exactly the enumeration's concepts, nothing more.
            members = set(onto.subjects(SKOS.inScheme, scheme))
            assert members == {URIRef(GK + v) for v in column.values.values()}
            seen_schemes.add(scheme)
    assert len(seen_schemes) == 11


# --- OWL 2 DL sanity ----------------------------------------------------------------------


def test_owl2_dl_typing_is_unambiguous(onto: Graph) -> None:
    kinds = {
        OWL.Class: "class",
        OWL.ObjectProperty: "object",
        OWL.DatatypeProperty: "datatype",
        OWL.AnnotationProperty: "annotation",
    }
    declared: dict[URIRef, set[str]] = {}
    for rdf_type, kind in kinds.items():
        for subject in onto.subjects(RDF.type, rdf_type):
            if isinstance(subject, URIRef):
                declared.setdefault(subject, set()).add(kind)
    ambiguous = {curie(str(s)): k for s, k in declared.items() if len(k) > 1}
    assert not ambiguous, ambiguous
    # Every property an axiom uses is declared, and of a kind the axiom allows.
    for restriction in onto.subjects(RDF.type, OWL.Restriction):
        prop = onto.value(restriction, OWL.onProperty)
        assert declared.get(prop) & {"object", "datatype"}, prop
    for prop in onto.subjects(RDF.type, OWL.TransitiveProperty):
        assert declared[prop] == {"object"}
    for prop in onto.subjects(RDF.type, OWL.InverseFunctionalProperty):
        assert declared[prop] == {"object"}
    for a, b in onto.subject_objects(OWL.inverseOf):
        assert declared[a] == declared[b] == {"object"}
    for a, b in onto.subject_objects(RDFS.subPropertyOf):
        assert declared[a] == declared[b], (a, b)
    # Named classes in domains, ranges and subclass axioms are declared.
    for prop in (RDFS.domain, RDFS.range, RDFS.subClassOf):
        for obj in onto.objects(None, prop):
            if isinstance(obj, URIRef) and not str(obj).startswith(
                ("http://www.w3.org/2001/XMLSchema#", str(RDFS))
            ):
                assert declared.get(obj) == {"class"}, (prop, obj)


def test_functional_and_cardinality_properties_are_simple(onto: Graph) -> None:
    # OWL 2 DL: a transitive property, or one with a transitive sub-property, cannot be
    # functional. (The check follows sub-properties and inverses.)
    transitive = set(onto.subjects(RDF.type, OWL.TransitiveProperty))
    subs: dict[URIRef, set[URIRef]] = {}
    for a, b in onto.subject_objects(RDFS.subPropertyOf):
        subs.setdefault(b, set()).add(a)
    inverse = {a: b for a, b in onto.subject_objects(OWL.inverseOf)}
    inverse |= {b: a for a, b in inverse.items()}

    def non_simple(prop: URIRef, seen: frozenset = frozenset()) -> bool:
        if prop in seen:
            return False
        seen = seen | {prop}
        if prop in transitive or inverse.get(prop) in transitive:
            return True
        related = subs.get(prop, set()) | subs.get(inverse.get(prop), set())
        return any(non_simple(p, seen) for p in related)

    for kind in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty):
        for prop in onto.subjects(RDF.type, kind):
            assert not non_simple(prop), prop


def test_main_classes_are_pairwise_disjoint(onto: Graph) -> None:
    (axiom,) = onto.subjects(RDF.type, OWL.AllDisjointClasses)
    members = set(onto.items(onto.value(axiom, OWL.members)))
    for name in ("Agency", "InternalUnit", "Function", "Duty", "DataDuty", "Dataset"):
        assert URIRef(GK + name) in members


# --- reasoning ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_report() -> ReasoningReport:
    return check_consistency(ONTOLOGY_FILE, SAMPLE)


def test_hermit_finds_the_sample_consistent_and_infers_unstated_facts(
    sample_report: ReasoningReport,
) -> None:
    report = sample_report
    assert report.consistent, report.message
    assert report.unsatisfiable_classes == ()
    agency = BASE + "agency/"
    # A03 is the source of DS01: HermiT classifies it by the defined class.
    assert GK + "DataSourceAgency" in report.types_of(agency + "A03")
    assert GK + "CdoRequiredAgency" in report.types_of(agency + "A03")  # 政府组成部门
    assert GK + "SupportDuty" in report.types_of(BASE + "duty/D02")  # role 配合
    assert GK + "DutyHolder" in report.types_of(BASE + "unit/U01")
    assert GK + "LeadDuty" in report.types_of(BASE + "duty/D03")  # role 牵头
    assert GK + "SharedDataset" in report.types_of(BASE + "dataset/DS01")  # 有条件共享
    assert GK + "DataSourceAgency" not in report.types_of(agency + "A01")
    facts = {(a.subject, a.predicate, a.object) for a in report.inferred_assertions}
    org = PREFIXES["org"]
    # gk:administeredBy ⊑ org:subOrganizationOf; org:unitOf has inverse org:hasUnit.
    assert (agency + "A04", org + "subOrganizationOf", agency + "A02") in facts
    assert (agency + "A03", org + "hasUnit", BASE + "unit/U01") in facts
    assert (agency + "A03", GK + "sourceOf", BASE + "dataset/DS01") in facts
    # A transfer is attributed to the agency whose mandate, its primary source, states it.
    prov = PREFIXES["prov"]
    transfer = BASE + "transfer/T01"
    assert (transfer, prov + "wasAttributedTo", agency + "A03") in facts
    assert (transfer, prov + "hadPrimarySource", agency + "A03/mandate") in facts
    # Nothing reported as inferred is stated in the data.
    data = Graph().parse(SAMPLE)
    for fact in report.inferred_types:
        assert (URIRef(fact.individual), RDF.type, URIRef(fact.cls)) not in data
    for s, p, o in facts:
        assert (URIRef(s), URIRef(p), URIRef(o)) not in data
    assert report.message["zh"].startswith("一致") and report.message["en"]
    assert report.to_dict()["consistent"] is True


@pytest.mark.parametrize(
    "contradiction",
    [
        # gk:Agency and gk:Dataset are disjoint.
        (URIRef(BASE + "agency/A01"), RDF.type, URIRef(GK + "Dataset")),
        # gk:role is functional and gk:Lead, gk:Support are different individuals.
        (URIRef(BASE + "duty/D01"), URIRef(GK + "role"), URIRef(GK + "Support")),
        # gk:staffing ranges over non-negative integers.
        (URIRef(BASE + "unit/U02"), URIRef(GK + "staffing"), Literal(-3)),
    ],
    ids=["disjoint-classes", "two-roles", "negative-staffing"],
)
def test_hermit_finds_a_contradictory_sample_inconsistent(
    contradiction: tuple[URIRef, URIRef, URIRef | BNode | Literal],
) -> None:
    data = Graph().parse(SAMPLE)
    data.add(contradiction)
    report = check_consistency(ONTOLOGY_FILE, data.serialize(format="nt", encoding="utf-8"))
    assert not report.consistent
    assert report.inferred_types == () and report.inferred_assertions == ()
    assert report.message["zh"].startswith("不一致")


def test_example_city_is_consistent_with_the_ontology() -> None:
    city = REPO / "examples" / "city.xlsx"
    data = workbook_to_ntriples(city, base_iri=BASE)
    report = check_consistency(ONTOLOGY_FILE, data)
    # The example plants an instance of every rule R1-R15: breaking rules is not a
    # contradiction, so the ontology must accept it.
    assert report.consistent, report.message
    assert report.unsatisfiable_classes == ()
    # Every source agency of a dataset is inferred to be a gk:DataSourceAgency.
    graph = Graph().parse(data=data, format="nt")
    sources = {str(o) for o in graph.objects(None, URIRef(GK + "sourceAgency"))}
    assert sources
    inferred = {t.individual for t in report.inferred_types if t.cls == GK + "DataSourceAgency"}
    assert sources == inferred


def test_owlready2_is_imported_by_reasoning_alone_and_only_when_reasoning() -> None:
    importers = [
        path.relative_to(REPO).as_posix()
        for path in REPO.rglob("*.py")
        if not any(part.startswith(".") or part == "build" for part in path.parts)
        and re.search(r"^\s*(import|from)\s+owlready2", path.read_text("utf-8"), re.M)
    ]
    assert importers == ["ontology/reasoning.py"]
    probe = "import sys, govkg.ontology.reasoning; print('owlready2' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_missing_java_is_reported_in_chinese_then_english() -> None:
    with pytest.raises(JavaNotFoundError) as caught:
        check_consistency(ONTOLOGY_FILE, SAMPLE, java="/nonexistent/java")
    first, second = str(caught.value).split("\n")
    assert is_chinese(first) and "Java" in second and not is_chinese(second)
