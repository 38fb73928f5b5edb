"""The 三定 texts of tests/data/mandates/ and the facts a person wrote beside each (.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from .conftest import EXAMPLES, REPO

MANDATES = REPO / "tests" / "data" / "mandates"
CITY = EXAMPLES / "city.xlsx"
TEXTS = sorted(p for p in MANDATES.iterdir() if p.suffix in (".txt", ".html"))


def expected_of(text: Path) -> dict:
    return tomllib.loads(text.with_suffix(".toml").read_text(encoding="utf-8"))
