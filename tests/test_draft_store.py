"""A draft checked against a store (govkg/validating/draft_store.py, ``govkg validate --store S
--draft D``): the fast path, which reads only what the draft's scope reaches and keeps the
store's findings elsewhere, gives the statuses of the full comparison of workbook.md
(baseline and merged workbook validated whole) on generated workbooks of several shapes,
every rule's findings, R16's in every government included: R16 weighs its terms over one
government's duties, so a draft moves no R16 score outside its governments.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from govkg.loaders.workbook import read_workbook
from govkg.shapes.findings import as_json
from govkg.shapes.store_validation import rule_book

from govkg.errors import InputError
from govkg.loading import load_sources
from govkg.settings import Settings
from govkg.store import GraphStore
from govkg.synthetic import generate_workbook
from govkg.validating.draft import validate_draft
from govkg.validating.draft_graph import DraftGraph
from govkg.validating.draft_store import (
    StoreBaseline,
    check_draft,
    check_draft_on_store,
    sidecar_baseline,
    validate_draft_on_store,
)
from govkg.validating.report import json_report
from tests.conftest import EXAMPLES, run_govkg
from tests.test_draft_scope import _mutate, catalogue_change
from tests.workbook_rows import agency, write

BASE = "https://govkg.test/"
SHAPES = {
    "generator": {"agencies": 60, "units": 120, "power_items": 240, "datasets": 120},
    # many governments sharing one catalogue, several lead agencies per function, most
    # extra lead duties held by units
    "shared-catalogue": {
        "agencies": 72,
        "governments": 9,
        "units": 150,
        "power_items": 150,
        "datasets": 72,
        "leads": 2.5,
        "unit_leads": 0.7,
    },  # fmt: skip
    "own-catalogues": {
        "agencies": 48,
        "governments": 4,
        "catalogue": "government",
        "units": 96,
        "power_items": 96,
        "datasets": 48,
        "leads": 1.5,
    },  # fmt: skip
}


def _store(folder: Path, base: Path) -> object:
    settings = Settings.from_env({}, store=str(folder / "store"), base_iri=BASE)
    load_sources([base], settings, show_progress=False)
    return GraphStore(folder / "store").open_reader()


def _sidecar_baseline(folder: Path) -> StoreBaseline:
    """The baseline of the store's live generation from the sidecar its load wrote."""
    generation, data = GraphStore(folder / "store").open_generation()
    baseline = sidecar_baseline(data, folder / "store", generation, BASE, rule_book())
    assert baseline.sidecar is not None
    return baseline


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_store_path_gives_the_full_comparison(tmp_path: Path, shape: str) -> None:
    base = tmp_path / "base"
    generate_workbook(base, seed=7, violations=0.2, **SHAPES[shape])
    data = _store(tmp_path, base)
    workbook = read_workbook(base)
    rng = random.Random(7)
    checked = 0
    for step, k in enumerate((1, 2, 1)):
        rows = {t: r for t, r in _mutate(workbook, rng, k, step).items() if r}
        draft_path = write(tmp_path / f"draft{step}", rows)
        draft = read_workbook(draft_path)
        try:
            full = as_json(validate_draft([base], draft_path, base_iri=BASE, _fast=False).findings)
        except InputError as error:  # a random draft may break the contract: refused alike
            with pytest.raises(InputError) as refused:
                validate_draft_on_store(data, draft, BASE)
            assert [str(p) for p in refused.value.problems] == [str(p) for p in error.problems]
            continue
        checked += 1
        graph = DraftGraph(data, draft, BASE)
        check_draft(graph, draft)
        graph.map_draft()
        plan = graph.plan()
        assert plan is not None  # the fast path is taken
        fast = as_json(validate_draft_on_store(data, draft, BASE))
        assert json.dumps(fast) == json.dumps(full)  # every rule, R16 everywhere included
        # the generation's sidecar gives the store's answer, and streams its report
        sided = check_draft_on_store(data, draft, BASE, baseline=_sidecar_baseline(tmp_path))
        assert json.dumps(as_json(sided.findings())) == json.dumps(fast)
        assert "".join(sided.json_chunks()) == json_report(sided.findings())
        texts = {f["status"] for f in full["findings"] if f["rule"] == "R16"}
        statuses = {f["status"] for f in full["findings"] if f["rule"] != "R16"}
        assert {"new", "unchanged"} <= statuses and "unchanged" in texts
        # the full comparison on the store (``full=True``) is the workbook's, R16 too
        if checked == 1:
            whole = as_json(validate_draft_on_store(data, draft, BASE, full=True))
            assert json.dumps(whole) == json.dumps(full)
    assert checked >= 2


def test_a_catalogue_change_takes_the_full_comparison(tmp_path: Path) -> None:
    base, _, draft_path = catalogue_change(tmp_path)
    data = _store(tmp_path, base)
    draft = read_workbook(draft_path)
    graph = DraftGraph(data, draft, BASE)
    graph.map_draft()
    assert graph.plan() is None
    fast = as_json(validate_draft_on_store(data, draft, BASE))
    full = as_json(validate_draft([base], draft_path, base_iri=BASE, _fast=False).findings)
    assert json.dumps(fast) == json.dumps(full)


def test_the_command_against_a_store(tmp_path: Path) -> None:
    """``govkg validate --store S --draft D`` end to end: the report of the workbook form,
    its exit status; a broken draft is located in its file; an empty store is refused."""
    store = tmp_path / "store"
    city, draft = EXAMPLES / "city.xlsx", EXAMPLES / "city-draft.xlsx"
    assert run_govkg("load", city, "--store", store).returncode == 0
    on_store = run_govkg("validate", "--store", store, "--draft", draft, "--format", "json")
    on_workbook = run_govkg("validate", city, "--draft", draft, "--format", "json")
    assert on_store.returncode == on_workbook.returncode == 1
    assert json.loads(on_store.stdout) == json.loads(on_workbook.stdout)
    statuses = {f["status"] for f in json.loads(on_store.stdout)["findings"]}
    assert statuses == {"new", "resolved", "unchanged"}
    text = run_govkg("validate", "--store", store, "--draft", draft, "--rule", "R2")
    assert "R2 职责交叉未分工" in text.stdout and "R1 " not in text.stdout

    broken = write(
        tmp_path / "broken",
        {
            "agencies": [agency("JH-NEW")],
            "duties": [{"id": "ZZ-1", "holder": "NOPE", "text": "新职责", "function": "F0506"}],
        },
    )
    refused = run_govkg("validate", "--store", store, "--draft", broken)
    assert refused.returncode == 2 and refused.stdout == ""
    assert "duties.csv" in refused.stderr and "第2行" in refused.stderr
    assert "referenced id 'NOPE' does not exist" in refused.stderr
    empty = run_govkg("validate", "--store", tmp_path / "none", "--draft", draft)
    assert empty.returncode == 2 and "govkg load" in empty.stderr
