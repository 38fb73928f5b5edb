"""`govkg query`, `export`, where the store lives, and the progress bar on a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import rdflib
from rdflib.compare import isomorphic

from tests.conftest import REPO, run_govkg, run_govkg_process

AGENCIES = """SELECT ?id ?name WHERE { ?a a gk:Agency ; dct:identifier ?id ;
                                          skos:prefLabel ?name } ORDER BY ?id"""


def test_query_formats(small_city: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    # the command as a user runs it, in a process of its own
    as_json = json.loads(
        run_govkg_process("query", AGENCIES, "--store", store, "--format", "json").stdout
    )
    assert as_json["head"]["vars"] == ["id", "name"]
    ids = [b["id"]["value"] for b in as_json["results"]["bindings"]]
    assert ids == ["A01", "A02", "A03"]
    as_csv = run_govkg("query", AGENCIES, "--store", store, "--format", "csv").stdout
    assert list(csv.reader(io.StringIO(as_csv)))[2] == ["A02", "市大数据管理局"]
    table = run_govkg("query", AGENCIES, "--store", store).stdout.splitlines()
    assert table[0].split() == ["id", "name"] and table[3].split() == ["A02", "市大数据管理局"]
    ask = run_govkg("query", "ASK { ?a gk:hostedIn ?b }", "--store", store)
    assert ask.stdout.strip() == "true"
    construct = run_govkg(
        "query",
        "CONSTRUCT { ?a skos:prefLabel ?n } WHERE { ?a a gk:Agency ; skos:prefLabel ?n }",
        "--store",
        store,
        "--format",
        "nt",
    )
    assert len(rdflib.Graph().parse(data=construct.stdout, format="nt")) == 3


def test_query_syntax_error_has_its_position(small_city: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    done = run_govkg("query", "SELECT ?x WHERE { ?x ?p }", "--store", store)
    assert done.returncode == 2
    assert "查询语法错误" in done.stderr and "line 1 column 26" in done.stderr


def test_query_on_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    done = run_govkg_process("query", AGENCIES, "--store", tmp_path / "nowhere")
    assert done.returncode == 2
    assert "govkg load" in done.stderr and "Traceback" not in done.stderr


def test_export_formats_are_the_same_graph(small_city: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    graphs = []
    for fmt, rdflib_format in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        out = tmp_path / f"export.{fmt}"
        done = run_govkg("export", "--store", store, "--format", fmt, "-o", out)
        assert done.returncode == 0, done.stderr
        graphs.append(rdflib.Graph().parse(out, format=rdflib_format))
    assert len(graphs[0]) > 50
    assert isomorphic(graphs[0], graphs[1]) and isomorphic(graphs[0], graphs[2])


def test_store_location_option_then_environment_then_default(
    small_city: Path, tmp_path: Path
) -> None:
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"))
    env.pop("GOVKG_STORE", None)
    assert run_govkg("load", small_city, env=env).returncode == 0
    assert (tmp_path / "xdg" / "govkg" / "store" / "current").exists()
    env["GOVKG_STORE"] = str(tmp_path / "from-env")
    assert run_govkg("load", small_city, env=env).returncode == 0
    assert (tmp_path / "from-env" / "current").exists()
    assert run_govkg("load", small_city, "--store", tmp_path / "opt", env=env).returncode == 0
    assert (tmp_path / "opt" / "current").exists()


def test_a_setting_that_is_not_a_number_is_refused_by_name(
    small_city: Path, tmp_path: Path
) -> None:
    """A setting from the environment that must be a number and is not: exit 2, the
    variable named, Chinese first, nothing written (not a traceback)."""
    store = tmp_path / "store"
    for name, value, zh, en in (
        ("GOVKG_ROW_LIMIT", "many", "须为整数", "must be a whole number"),
        ("GOVKG_QUERY_TIMEOUT", "30s", "须为数字", "must be a number"),
    ):
        env = dict(os.environ, **{name: value})
        done = run_govkg("load", small_city, "--store", store, env=env)
        assert done.returncode == 2
        assert f"{name}: {zh}" in done.stderr and en in done.stderr
        assert done.stderr.index(zh) < done.stderr.index(en)
        assert "Traceback" not in done.stderr and not store.exists()


def test_progress_bar_only_on_a_terminal(small_city: Path, tmp_path: Path) -> None:
    primary, replica = pty.openpty()
    command = [
        sys.executable,
        "-m",
        "govkg.cli",
        "load",
        str(small_city),
        "--store",
        str(tmp_path / "s1"),
    ]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=replica) as process:
        os.close(replica)
        seen = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        process.wait()
    os.close(primary)
    assert "\r加载 loading".encode() in seen
    piped = run_govkg("load", small_city, "--store", tmp_path / "s2")  # stderr not a terminal
    assert piped.returncode == 0 and "加载 loading" not in piped.stderr


def test_help_names_the_contract_in_the_repository() -> None:
    """`govkg --help` points at the contract, and the contract is in the repository with
    every rule of it."""
    assert "docs/workbook.md" in run_govkg("--help").stdout
    contract = (REPO / "docs" / "workbook.md").read_text(encoding="utf-8")
    for rule in range(1, 18):
        assert f"\n| R{rule} | " in contract
    for section in ("### transfers / 职责划转", "## Findings as JSON", "A draft is a workbook"):
        assert section in contract
