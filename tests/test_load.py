"""`govkg load`: workbooks and RDF files into named graphs, all or nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import rdflib
from govkg.loaders.xlsx_writer import write_xlsx
from rdflib.compare import isomorphic

from tests.conftest import SMALL_CITY, run_govkg, write_csv_workbook

BASE = "https://id.govkg.org/"


def select(store: Path, sparql: str) -> list[dict[str, str]]:
    done = run_govkg("query", sparql, "--store", store, "--format", "json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    return [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]


PROV = "http://www.w3.org/ns/prov#"
LOAD_DEPENDENT = {
    rdflib.URIRef(PROV + p) for p in ("startedAtTime", "endedAtTime", "generatedAtTime")
}


def store_graphs(store: Path, *, timeless: bool = False) -> dict[str, rdflib.Graph]:
    """The store's named graphs, parsed from `govkg export --format nq`."""
    done = run_govkg("export", "--store", store, "--format", "nq")
    assert done.returncode == 0, done.stderr
    lines: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        if line.strip():
            triple, _, graph = line.rstrip(" .").rpartition(" ")
            lines.setdefault(graph.strip("<>"), []).append(triple + " .\n")
    graphs = {g: rdflib.Graph().parse(data="".join(t), format="nt") for g, t in lines.items()}
    if timeless:
        for graph in graphs.values():
            for p in LOAD_DEPENDENT:
                graph.remove((None, p, None))
    return graphs


def same_graphs(left: dict[str, rdflib.Graph], right: dict[str, rdflib.Graph]) -> bool:
    return left.keys() == right.keys() and all(isomorphic(left[g], right[g]) for g in left)


def test_csv_workbook_in_chinese_loads_with_stable_iris(small_city: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = run_govkg("load", small_city, "--store", store)
    assert done.returncode == 0, done.stderr
    rows = select(store, "SELECT ?a ?name WHERE { ?a a gk:Agency ; skos:prefLabel ?name }")
    assert {r["a"] for r in rows} == {f"{BASE}agency/A0{i}" for i in (1, 2, 3)}
    first = store_graphs(store, timeless=True)
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    # Reloading gives the same IRIs and the same data; only the load times differ.
    assert same_graphs(first, store_graphs(store, timeless=True))


def test_mapping_follows_the_contract(small_city: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    rows = select(
        store,
        """SELECT ?unit ?agency ?role ?hosted ?plate WHERE {
             <https://id.govkg.org/duty/D02> gk:heldBy ?unit ; gk:role ?role .
             ?unit org:unitOf ?agency .
             <https://id.govkg.org/agency/A02> gk:hostedIn ?hosted .
             <https://id.govkg.org/agency/A01> gk:nameplate ?plate }""",
    )
    assert rows == [
        {
            "unit": f"{BASE}unit/U01",
            "agency": f"{BASE}agency/A03",
            "role": "https://govkg.org/ontology#Support",
            "hosted": f"{BASE}agency/A01",
            "plate": "市外事办公室",
        }
    ]
    lead = select(store, "SELECT ?r WHERE { <https://id.govkg.org/duty/D01> gk:role ?r }")
    assert lead == [{"r": "https://govkg.org/ontology#Lead"}]


def test_xlsx_with_english_headers_gives_the_same_graph(small_city: Path, tmp_path: Path) -> None:
    english = {
        "agencies": [
            "id",
            "name",
            "kind",
            "government",
            "level",
            "parent",
            "hosted_in",
            "staffing",
            "also_named",
        ],
        "units": ["id", "agency", "name", "staffing"],
        "functions": ["id", "name", "broader", "mandatory", "category"],
        "duties": ["id", "holder", "text", "function", "role", "basis"],
    }
    sheets = {
        name: (header, rows[1:])
        for (name, header), rows in zip(english.items(), SMALL_CITY.values(), strict=True)
    }
    book = tmp_path / "small-city.xlsx"
    write_xlsx(book, sheets)
    from_csv, from_xlsx = tmp_path / "s1", tmp_path / "s2"
    assert run_govkg("load", small_city, "--store", from_csv).returncode == 0
    done = run_govkg("load", book, "--store", from_xlsx)
    assert done.returncode == 0, done.stderr
    graphs = []
    for store in (from_csv, from_xlsx):
        done = run_govkg(
            "export", "--store", store, "--graph", f"{BASE}graph/small-city", "--format", "nt"
        )
        graph = rdflib.Graph().parse(data=done.stdout, format="nt")
        graph.remove((None, rdflib.URIRef("http://www.w3.org/ns/prov#startedAtTime"), None))
        for p in ("endedAtTime", "generatedAtTime", "wasDerivedFrom", "used"):
            graph.remove((None, rdflib.URIRef(f"http://www.w3.org/ns/prov#{p}"), None))
        graphs.append(graph)
    assert len(graphs[0]) > 40
    assert isomorphic(graphs[0], graphs[1])


def test_reload_replaces_the_graph_of_its_source(small_city: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    agencies = small_city / "机构.csv"
    rows = list(csv.reader(agencies.open(encoding="utf-8")))
    rows[2][1] = "市数据局"  # A02
    with agencies.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    names = select(store, "SELECT ?n WHERE { <https://id.govkg.org/agency/A02> skos:prefLabel ?n }")
    assert names == [{"n": "市数据局"}]


def test_each_source_has_its_graph_and_provenance(small_city: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    extra = tmp_path / "notes.ttl"
    extra.write_text(
        "@prefix gk: <https://govkg.org/ontology#> .\n"
        "<https://id.govkg.org/agency/A02> gk:mandateTitle '江海市大数据管理局职能配置'@zh .\n",
        encoding="utf-8",
    )
    done = run_govkg("load", small_city, extra, "--store", store)
    assert done.returncode == 0, done.stderr
    rows = select(
        store,
        """SELECT ?g ?file ?rows WHERE { GRAPH ?g { ?g a gk:SourceGraph ;
             prov:wasDerivedFrom ?file ; gk:rowsRead ?rows } } ORDER BY ?g""",
    )
    assert [r["g"] for r in rows] == [f"{BASE}graph/notes", f"{BASE}graph/small-city"]
    assert rows[1]["file"] == small_city.resolve().as_uri()
    assert rows[1]["rows"] == "9"  # 3 agencies, 2 units, 2 functions, 2 duties


def test_bad_workbook_is_refused_whole_with_locations(small_city: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    before = store_graphs(store)
    bad = write_csv_workbook(
        tmp_path / "bad",
        {
            "agencies": [
                ["id", "name", "kind", "government", "level", "parent", "uscc", "staffing"],
                [
                    "B01",
                    "县政府办公室",
                    "办事机构",
                    "32990",
                    "县",
                    "B09",
                    "11329900MB0000000X",
                    "5.5",
                ],
                ["B01", "", "局", "329901", "county", "", "", ""],
            ],
            "units": [["id", "agency", "name"], ["B01", "B01", "秘书科"]],
            "divisions": [["id", "agencies", "function", "text"], ["V1", "B01", "F9", "分工"]],
        },
    )
    done = run_govkg("load", small_city, bad, "--store", store)
    assert done.returncode == 2
    agencies = str(bad / "agencies.csv")
    expected = [
        (agencies, "第2行", "所属政府"),
        (agencies, "第2行", "主管机构"),
        (agencies, "第2行", "统一社会信用代码"),
        (agencies, "第2行", "编制数"),
        (agencies, "第3行", "机构编码"),
        (agencies, "第3行", "机构名称"),
        (agencies, "第3行", "机构类别"),
        (agencies, "第3行", "层级"),
        (str(bad / "units.csv"), "第2行", "内设机构编码"),
        (str(bad / "divisions.csv"), "第2行", "涉及机构"),
        (str(bad / "divisions.csv"), "第2行", "职能编码"),
    ]
    lines = [line for line in done.stderr.splitlines() if " › " in line]
    for file, row, column in expected:
        assert any(
            line.strip().startswith(file) and row in line and f"› {column}:" in line
            for line in lines
        ), (file, row, column, done.stderr)
    assert len(lines) == len(expected)
    assert same_graphs(store_graphs(store), before)


def test_missing_required_table_and_column(tmp_path: Path) -> None:
    no_agencies = write_csv_workbook(tmp_path / "a", {"units": [["id", "agency", "name"]]})
    done = run_govkg("load", no_agencies, "--store", tmp_path / "s")
    assert done.returncode == 2 and "agencies" in done.stderr
    no_column = write_csv_workbook(
        tmp_path / "b", {"机构": [["机构编码", "机构名称", "所属政府", "层级"]]}
    )
    done = run_govkg("load", no_column, "--store", tmp_path / "s")
    assert done.returncode == 2
    assert "第1行 row 1 › 机构类别" in done.stderr
    assert not (tmp_path / "s" / "current").exists()


def test_bad_rdf_file_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n')
    done = run_govkg("load", bad, "--store", tmp_path / "s")
    assert done.returncode == 2
    assert "bad.ttl" in done.stderr and "line 3" in done.stderr


def test_rdf_formats_load_into_their_graphs(tmp_path: Path) -> None:
    triple = ("<http://e/a>", "<http://e/p>", '"值"')
    (tmp_path / "one.nt").write_text(" ".join(triple) + " .\n", encoding="utf-8")
    (tmp_path / "two.jsonld").write_text(
        json.dumps({"@id": "http://e/b", "http://e/p": "v"}), encoding="utf-8"
    )
    store = tmp_path / "s"
    done = run_govkg("load", tmp_path / "one.nt", tmp_path / "two.jsonld", "--store", store)
    assert done.returncode == 0, done.stderr
    rows = select(store, "SELECT ?g ?s WHERE { GRAPH ?g { ?s <http://e/p> ?o } } ORDER BY ?g")
    assert rows == [
        {"g": f"{BASE}graph/one", "s": "http://e/a"},
        {"g": f"{BASE}graph/two", "s": "http://e/b"},
    ]


def test_the_same_ids_from_two_sources_are_refused(small_city: Path, tmp_path: Path) -> None:
    """A copy of a workbook under another name would put every entity in the union
    default graph twice (and every join of a page n^k times): refused, store unchanged."""
    import shutil

    store = tmp_path / "store"
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    before = store_graphs(store)
    copy = shutil.copytree(small_city, tmp_path / "copy-of-city")
    done = run_govkg("load", copy, "--store", store)
    assert done.returncode == 2
    assert "copy-of-city" in done.stderr and "A01" in done.stderr
    assert "one source only" in done.stderr and "一个实体只能来自一个来源" in done.stderr
    assert same_graphs(store_graphs(store), before)
    # loading it again under its own name replaces it, as before
    assert run_govkg("load", small_city, "--store", store).returncode == 0
