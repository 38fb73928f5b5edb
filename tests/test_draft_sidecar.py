"""The sidecar of a generation (govkg/store/sidecar.py, govkg/validating/draft_sidecar.py):
written by the load after its switch, read by a draft check in place of the store's rows
and findings; a missing, stale or corrupt sidecar is written again (or, where it cannot
be, the store is read), and the check's findings are the same whichever way."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from govkg.loaders.workbook import read_workbook
from govkg.shapes.findings_store import stored_scoped_findings
from govkg.shapes.store_validation import rule_book

from govkg.decisions import record_decisions
from govkg.loading import load_sources
from govkg.settings import Settings
from govkg.store import GraphStore
from govkg.store.sidecar import sidecar_path, write_sidecar
from govkg.synthetic import generate_workbook
from govkg.validating.draft_graph import DraftGraph
from govkg.validating.draft_rows import row_lines
from govkg.validating.draft_sidecar import (
    SidecarRows,
    finding_entries,
    open_draft_sidecar,
    sidecar_key,
)
from govkg.validating.draft_store import (
    check_draft_on_store,
    sidecar_baseline,
    store_baseline,
)
from govkg.validating.report import json_report
from tests.conftest import run_govkg
from tests.test_draft_scope import _mutate
from tests.workbook_rows import write

BASE = "https://govkg.test/"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A store of 6 governments loaded once, and a draft re-mandating two agencies."""
    folder = tmp_path_factory.mktemp("sidecar")
    base = folder / "base"
    generate_workbook(base, seed=3, violations=0.2, agencies=36, governments=6, units=72,
                      power_items=90, datasets=36, leads=2.0, unit_leads=0.5)  # fmt: skip
    settings = Settings.from_env({}, store=str(folder / "store"), base_iri=BASE)
    load_sources([base], settings, show_progress=False)
    workbook = read_workbook(base)
    rows = _mutate(workbook, random.Random(3), 2, 0)
    draft = write(folder / "draft", {t: r for t, r in rows.items() if r})
    return folder / "store", base, draft


def _check(store: Path, draft: Path, *, sidecar: bool) -> str:
    generation, data = GraphStore(store).open_generation()
    book = rule_book()
    baseline = (
        sidecar_baseline(data, store, generation, BASE, book)
        if sidecar
        else store_baseline(data, BASE, book)
    )
    assert (baseline.sidecar is not None) == sidecar
    found = check_draft_on_store(data, read_workbook(draft), BASE, baseline=baseline)
    text = "".join(found.json_chunks())
    assert text == json_report(found.findings())
    return text


def test_the_load_writes_it_and_it_answers_as_the_store(loaded: tuple[Path, Path, Path]) -> None:
    store, _base, draft = loaded
    generation, data = GraphStore(store).open_generation()
    assert generation is not None
    assert sidecar_path(store, generation).is_file()
    sidecar = open_draft_sidecar(store, generation, BASE)
    assert sidecar is not None
    # the findings with their agencies and governments, as the findings graph keeps them
    stored = stored_scoped_findings(data, BASE)
    assert finding_entries(sidecar) == [
        {"finding": f.as_dict(), "agencies": a, "governments": g} for f, (a, g) in stored
    ]
    # every row the draft's scope may read, line for line as the store gives it
    graph = DraftGraph(data, read_workbook(draft), BASE)
    on_store = graph.base
    on_sidecar = SidecarRows(sidecar)
    subjects = {s for (s,) in sidecar.rows("SELECT subject FROM rows")}
    assert on_sidecar.rows(subjects) == row_lines(data, subjects)
    agencies = on_store.agencies()
    assert len(agencies) == 36
    assert {a: (g, sorted(u)) for a, (g, u) in on_sidecar.agencies().items()} == {
        a: (g, sorted(u)) for a, (g, u) in agencies.items()
    }
    assert on_sidecar.functions() == on_store.functions()
    links = on_sidecar.subjects
    for predicate, values in (
        ("http://www.w3.org/ns/org#unitOf", set(agencies)),
        ("https://govkg.org/ontology#implementedBy", set(agencies)),
    ):
        assert links(predicate, values) == on_store.subjects(predicate, values)
    assert _check(store, draft, sidecar=True) == _check(store, draft, sidecar=False)


def test_missing_stale_or_corrupt_it_is_written_again(loaded: tuple[Path, Path, Path]) -> None:
    store, _base, draft = loaded
    generation, _data = GraphStore(store).open_generation()
    assert generation is not None
    path = sidecar_path(store, generation)
    expected = _check(store, draft, sidecar=False)
    path.unlink()  # missing
    assert _check(store, draft, sidecar=True) == expected
    assert path.is_file()
    path.write_bytes(b"not a database" * 100)  # corrupt
    assert open_draft_sidecar(store, generation, BASE) is None
    assert _check(store, draft, sidecar=True) == expected
    # stale: the sidecar of another generation, or of other rules, under this name
    with write_sidecar(path) as out:
        out.meta.update({**sidecar_key("gen-999999", BASE)})
    assert open_draft_sidecar(store, generation, BASE) is None
    assert _check(store, draft, sidecar=True) == expected
    with write_sidecar(path) as out:
        out.meta.update({**sidecar_key(generation, BASE), "rules": "other rules"})
    assert open_draft_sidecar(store, generation, BASE) is None
    assert _check(store, draft, sidecar=True) == expected
    assert open_draft_sidecar(store, generation, BASE) is not None


def test_a_store_it_cannot_be_written_beside_is_read_as_it_is(
    loaded: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(loaded[0], store, symlinks=True)
    shutil.rmtree(store / "sidecars")
    (store / "sidecars").write_text("a file where the folder goes")
    assert _check(store, loaded[2], sidecar=False) == _check(loaded[0], loaded[2], sidecar=True)
    generation, data = GraphStore(store).open_generation()
    baseline = sidecar_baseline(data, store, generation, BASE, rule_book())
    assert baseline.sidecar is None and baseline.findings


def test_a_failed_write_leaves_no_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "sidecars" / "gen-000001.sqlite"
    with pytest.raises(RuntimeError), write_sidecar(path) as out:
        out.execute("CREATE TABLE t (x)")
        raise RuntimeError("killed")
    assert list(path.parent.iterdir()) == []


def test_a_new_generation_replaces_the_older_sidecars(loaded: tuple[Path, Path, Path],
                                                      tmp_path: Path) -> None:  # fmt: skip
    store = tmp_path / "store"
    shutil.copytree(loaded[0], store, symlinks=True)
    settings = Settings.from_env({}, store=str(store), base_iri=BASE)
    for _ in range(2):
        load_sources([loaded[1]], settings, show_progress=False)
    generations = sorted(p.name for p in store.glob("gen-*"))
    assert generations == ["gen-000002", "gen-000003"]
    names = sorted(p.name for p in (store / "sidecars").iterdir())
    assert names == [f"{g}.sqlite" for g in generations]


def test_a_decision_writes_the_sidecar_of_its_generation(
    loaded: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Recording a decision switches to a generation whose findings changed (one R16
    finding dismissed): its sidecar is written then, as after a load, and holds the
    findings the store now holds, so the next draft check reads it, not the store."""
    store = tmp_path / "store"
    shutil.copytree(loaded[0], store, symlinks=True)
    _before, data = GraphStore(store).open_generation()
    overlap = next(f.as_dict() for f, _ in stored_scoped_findings(data, BASE)
                   if f.as_dict()["rule"] == "R16")  # fmt: skip
    del data
    settings = Settings.from_env({}, store=str(store), base_iri=BASE)
    row = {"rule": "R16", "focus": overlap["focus"], "related": overlap["related"][0],
           "decision": "dismiss", "note": "已核"}  # fmt: skip
    record_decisions(settings, [row], who="编办")
    generation, data = GraphStore(store).open_generation()
    assert generation is not None and sidecar_path(store, generation).is_file()
    sidecar = open_draft_sidecar(store, generation, BASE)
    assert sidecar is not None
    stored = stored_scoped_findings(data, BASE)
    assert overlap not in [f.as_dict() for f, _ in stored]
    assert finding_entries(sidecar) == [
        {"finding": f.as_dict(), "agencies": a, "governments": g} for f, (a, g) in stored
    ]


def test_the_command_streams_the_report_from_it(loaded: tuple[Path, Path, Path],
                                                tmp_path: Path) -> None:  # fmt: skip
    """``govkg validate --store S --draft D --format json -o F``: the report of the store
    path, written again the sidecar missing; the same with ``--rule`` (not streamed)."""
    store, _base, draft = loaded
    generation, _data = GraphStore(store).open_generation()
    assert generation is not None
    sidecar_path(store, generation).unlink()
    out = tmp_path / "report.json"
    env = {"GOVKG_BASE_IRI": BASE}
    done = run_govkg("validate", "--store", store, "--draft", draft, "--format", "json",
                     "-o", out, env=env)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert out.read_text(encoding="utf-8") == _check(store, draft, sidecar=False)
    assert done.returncode == (0 if report["conforms"] else 1)
    assert sidecar_path(store, generation).is_file()
    one = run_govkg("validate", "--store", store, "--draft", draft, "--format", "json",
                    "--rule", "R5", env=env)  # fmt: skip
    assert json.loads(one.stdout)["findings"] == [
        f for f in report["findings"] if f["rule"] == "R5"
    ]
