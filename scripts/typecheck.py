"""Type-check the package as it is installed: ``govkg.loaders`` is the folder ``loaders/``.

The package maps the design card's top-level folders into one import name (pyproject's
``package-dir``), which type checkers cannot follow in an editable install (an import
hook). So this builds the installed layout as symlinks under ``build/typecheck/`` and runs
mypy there, with pyproject's settings. Usage: ``.venv/bin/python scripts/typecheck.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TREE = REPO / "build" / "typecheck"


def installed_layout() -> Path:
    """``build/typecheck/govkg/...``: each package of package-dir linked at its dotted place."""
    package_dirs = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-dir"]
    shutil.rmtree(TREE, ignore_errors=True)
    root = TREE / "govkg"
    root.mkdir(parents=True)
    for entry in (REPO / package_dirs["govkg"]).iterdir():
        if entry.name != "__pycache__":
            (root / entry.name).symlink_to(entry)
    for dotted, folder in package_dirs.items():
        if dotted != "govkg":
            (TREE / dotted.replace(".", "/")).symlink_to(REPO / folder)
    return TREE


def main() -> int:
    tree = installed_layout()
    command = [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml")]
    return subprocess.call([*command, "-p", "govkg"], cwd=tree)


if __name__ == "__main__":
    sys.exit(main())
