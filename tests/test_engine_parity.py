"""Both engines give the same findings: the default (SHACL compiled to SPARQL on pyoxigraph)
and the reference (pyshacl), compared as the whole JSON of `govkg validate --format json`
(rule, severity, focus, related, message; status with --draft).

Runs on the smallest generated workbooks (three seeds and densities) on which every rule
finds something, and on a small baseline with a draft. Not on the example: pyshacl takes
minutes there, and the example's findings are checked rule by rule against the
independent oracle (tests/test_rules_oracle.py). pyshacl evaluates a sh:sparql constraint
once per focus node, so these runs also keep the shapes of rules.ttl fast for
node-by-node engines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govkg.cli import main
from govkg.synthetic import generate_workbook
from tests.test_draft import BASELINE, DRAFT
from tests.workbook_rows import write

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


def test_draft(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The draft of tests/test_draft.py (a finding of each status) rather than the example's
    (pyshacl would validate the example twice more; the default engine's statuses on the
    example are checked against the oracle in tests/test_rules_oracle.py)."""
    base, draft = write(tmp_path / "base", BASELINE), write(tmp_path / "draft", DRAFT)
    found = same_findings(capsys, base, "--draft", draft)
    assert {f["status"] for f in found["findings"]} == {"new", "resolved", "unchanged"}


# The smallest generated workbooks on which every rule finds something (4 agencies miss
# R11), three seeds and densities; pyshacl's time grows fast with the agencies.
@pytest.mark.parametrize(
    ("agencies", "seed", "violations"), [(5, 1, 0.3), (5, 2, 0.15), (5, 3, 0.1)]
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
        out, agencies=agencies, seed=seed, violations=violations, power_items=10, datasets=6
    )
    found = same_findings(capsys, out)
    assert {f["rule"] for f in found["findings"]} == {f"R{i}" for i in range(1, 17)}
