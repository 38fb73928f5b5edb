"""The real `govkg validate` agrees with the independent oracle on random workbooks shaped
unlike the generator (tests/random_workbooks.py): whole, by government, with a random
draft, and a draft checked against a loaded store.

A few seeds run here; the same check over hundreds of seeds found no difference
(``GOVKG_RANDOM_SEEDS=0-499 pytest tests/test_random_workbooks.py`` runs them).
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from tests.conftest import run_govkg, write_csv_workbook
from tests.oracle_draft import draft_findings
from tests.random_workbooks import random_draft, random_tables
from tests.rules_oracle import findings
from tests.test_rules_oracle import assert_same, draft_set, engine_set, validate

# GOVKG_RANDOM_SEEDS=0-499 runs more (a range or a comma list)
SEEDS = os.environ.get("GOVKG_RANDOM_SEEDS", "11-22")


def _seeds(text: str) -> list[int]:
    if "-" in text:
        first, last = text.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(seed) for seed in text.split(",")]


def _workbook_and_draft(tmp_path: Path, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    tables = random_tables(rng)
    base = write_csv_workbook(tmp_path / "base", tables)
    return base, write_csv_workbook(tmp_path / "draft", random_draft(rng, tables))


@pytest.mark.parametrize("seed", _seeds(SEEDS))
def test_random_workbook(tmp_path: Path, seed: int) -> None:
    base, draft = _workbook_and_draft(tmp_path, seed)
    oracle = findings(base)
    assert_same(engine_set(validate(base)), oracle)
    assert_same(engine_set(validate(base, "--by-government")), oracle)
    merged = draft_findings(base, draft)
    assert_same(draft_set(validate(base, "--draft", str(draft))), merged)


def test_random_shapes_reach_every_rule(tmp_path: Path) -> None:
    """The seeds above, together, make every rule find something and a draft both
    resolve and bring findings: the comparison is not vacuous."""
    rules, statuses = set(), set()
    for seed in _seeds(SEEDS):
        base, draft = _workbook_and_draft(tmp_path / str(seed), seed)
        rules |= {finding[0] for finding in findings(base)}
        statuses |= {finding[4] for finding in draft_findings(base, draft)}
    assert rules == {f"R{n}" for n in range(1, 18)}
    assert statuses == {"new", "resolved", "unchanged"}


@pytest.mark.parametrize("seed", _seeds(SEEDS)[:2])
def test_random_draft_against_a_store(tmp_path: Path, seed: int) -> None:
    base, draft = _workbook_and_draft(tmp_path, seed)
    store = tmp_path / "store"
    loaded = run_govkg("load", base, "--store", store)
    assert loaded.returncode == 0, loaded.stderr
    done = run_govkg("validate", "--store", store, "--draft", draft, "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    assert_same(draft_set(json.loads(done.stdout)), draft_findings(base, draft))
