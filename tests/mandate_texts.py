"""The 三定 texts of tests/data/mandates/ and the facts a person wrote beside each (.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .conftest import EXAMPLES, REPO

MANDATES = REPO / "tests" / "data" / "mandates"
CITY = EXAMPLES / "city.xlsx"
TEXTS = sorted(p for p in MANDATES.iterdir() if p.suffix in (".txt", ".html"))


def expected_of(text: Path) -> dict:
    return tomllib.loads(text.with_suffix(".toml").read_text(encoding="utf-8"))


def check_heading(mandate: Any, expected: dict) -> None:
    """What the text says of its agency (name, form, kind, rank, other names) is what a
    person read in it."""
    assert mandate.agency == expected["agency"]
    assert mandate.form == expected["form"]
    assert mandate.kind_stated == expected["kind_stated"]
    assert mandate.kind == expected["kind"]
    assert mandate.rank == expected["rank"]
    assert mandate.also_named == expected["also_named"]
