"""Both engines give the same findings: the default (SHACL compiled to SPARQL on pyoxigraph)
and the reference (pyshacl), compared as the whole JSON of `govkg validate --format json`
(rule, severity, focus, related, message; status with --draft).

Runs on the example, the example with its draft, and generated workbooks with many planted
rule instances. pyshacl evaluates a sh:sparql constraint once per focus node, so these runs
also keep the shapes of rules.ttl fast for node-by-node engines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govkg.cli import main
from govkg.synthetic import generate_workbook
from tests.conftest import EXAMPLES

ENGINES = ("default", "pyshacl")


def findings_json(capsys: pytest.CaptureFixture[str], *args: object) -> dict:
    main([str(a) for a in ("validate", *args, "--format", "json")])
    out, _err = capsys.readouterr()
    return json.loads(out)


def same_findings(capsys: pytest.CaptureFixture[str], *args: object) -> dict:
    default, reference = (findings_json(capsys, *args, "--engine", e) for e in ENGINES)
    assert default == reference
    return default


@pytest.fixture(autouse=True)
def _no_findings_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOVKG_FINDINGS_CACHE", raising=False)


def test_example(capsys: pytest.CaptureFixture[str]) -> None:
    found = same_findings(capsys, EXAMPLES / "city.xlsx")
    assert {f["rule"] for f in found["findings"]} == {f"R{i}" for i in range(1, 17)}


def test_example_with_draft(capsys: pytest.CaptureFixture[str]) -> None:
    found = same_findings(capsys, EXAMPLES / "city.xlsx", "--draft", EXAMPLES / "city-draft.xlsx")
    assert {f["status"] for f in found["findings"]} == {"new", "resolved", "unchanged"}


@pytest.mark.parametrize(
    ("agencies", "seed", "violations"), [(12, 1, 0.3), (25, 2, 0.15), (40, 3, 0.05)]
)
def test_generated(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    agencies: int,
    seed: int,
    violations: float,
) -> None:
    out = tmp_path / "wb"
    generate_workbook(
        out, agencies=agencies, seed=seed, violations=violations, power_items=20, datasets=10
    )
    found = same_findings(capsys, out)
    assert {f["rule"] for f in found["findings"]} == {f"R{i}" for i in range(1, 17)}
