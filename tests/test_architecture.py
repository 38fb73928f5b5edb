"""Imports go one way: down the layers of docs/architecture.md. Read from the source (the
``ast`` of every module of the package, imports inside functions included), not from what
happens to be imported at run time."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

# docs/architecture.md, "Layers": lowest first; a module belongs to the longest prefix
# that names it, and a top-level module not listed belongs to the shell.
LAYERS = [
    ("base", ["govkg.errors", "govkg.text", "govkg.pipes", "govkg.lifetime", "govkg.progress"]),
    ("data", ["govkg.store", "govkg.ontology"]),
    ("loaders", ["govkg.loaders"]),
    ("engine", ["govkg.shapes.engine"]),
    ("rules", ["govkg.shapes"]),
    ("neo4j", ["govkg.neo4j"]),
    ("shell", ["govkg"]),
]
# within the shell: the command line may start the API, the API never runs the commands
FORBIDDEN = [("govkg.api", "govkg.cli")]
# The rules judge graphs and stores: reading, checking and mapping sources into a store is
# the shell's (govkg.validating), so govkg.shapes imports nothing of govkg.loaders
# (docs/architecture.md, "Layers").


def modules() -> Iterator[tuple[str, Path]]:
    """(dotted name, file) of every module, as pyproject's package-dir installs them."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    folders = config["tool"]["setuptools"]["package-dir"]
    for package, folder in folders.items():
        root = REPO / folder
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if any(p.startswith(".") or p in ("templates", "static") for p in parts):
                continue
            if package == "govkg" and parts[0] in {p.split(".")[1] for p in folders if "." in p}:
                continue  # a folder of its own in package-dir
            dotted = ".".join((package, *parts))
            yield dotted.removesuffix(".__init__"), path


def imported(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """(imported govkg module, line) for every import in the file."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from govkg.x import y` may import the module govkg.x.y or a name of govkg.x
            names = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == "govkg" or name.startswith("govkg."):
                yield name, node.lineno


def layer_of(module: str) -> int:
    best, found = -1, len(LAYERS) - 1
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    return found


def test_imports_go_down_the_layers() -> None:
    upward = []
    for module, path in modules():
        for target, line in imported(module, path):
            if layer_of(target) > layer_of(module):
                upward.append(
                    f"{path.relative_to(REPO)}:{line}: {module} ({LAYERS[layer_of(module)][0]})"
                    f" imports {target} ({LAYERS[layer_of(target)][0]})"
                )
            for low, high in FORBIDDEN:
                if module.startswith(low) and target.startswith(high):
                    upward.append(f"{path.relative_to(REPO)}:{line}: {module} imports {target}")
            if reads_sources(module, target):
                upward.append(f"{path.relative_to(REPO)}:{line}: {module} reads sources: {target}")
    assert upward == [], "\n".join(upward)


def reads_sources(module: str, target: str) -> bool:
    """Whether a module of the rules imports from the loaders."""
    return module.startswith("govkg.shapes") and target.startswith("govkg.loaders")


def test_the_reading_sees_every_layer() -> None:
    """The test above reads the real package: every layer has modules, and known imports
    are found (so an empty reading cannot pass)."""
    found = dict(modules())
    assert {LAYERS[layer_of(m)][0] for m in found} == {name for name, _ in LAYERS}
    edges = {(m, t) for m, p in found.items() for t, _ in imported(m, p)}
    assert any(
        m == "govkg.loaders.checks" and t.startswith("govkg.loaders.contract.") for m, t in edges
    )
    assert any(m == "govkg.api.routes" and t.startswith("govkg.api.") for m, t in edges)
    assert layer_of("govkg.shapes.engine.sparql_engine") < layer_of("govkg.shapes.findings")
    assert layer_of("govkg.something_new") == len(LAYERS) - 1
    assert layer_of("govkg.validating.sources") == len(LAYERS) - 1
    # the rules reading a workbook would be caught; the shell reading one is its job
    assert reads_sources("govkg.shapes.text_rules", "govkg.loaders.workbook.Workbook")
    assert not reads_sources("govkg.validating.sources", "govkg.loaders.workbook.read_workbook")
    assert any(m == "govkg.validating.workbook_r16" and "loaders" in t for m, t in edges)
