"""A cache of a baseline's findings, so that checking drafts against one baseline does not
validate the whole baseline each time.

Opt-in: the setting ``findings_cache`` (``GOVKG_FINDINGS_CACHE``), a folder. An entry is
keyed by the SHA-256 of the baseline's files, the rules (``rules.ttl``), the engine and
the base IRI; it holds every finding of every rule (the ``--rule`` filter is applied
afterwards). An entry is written only after the baseline passed the contract check and
was validated.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from govkg.shapes.findings import Finding, rules_ttl
from govkg.text import JUDGEMENT_VERSION


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file())
    return [path]


def cache_key(path: Path, *, engine: str, base_iri: str) -> str:
    digest = hashlib.sha256()
    for part in (rules_ttl(), JUDGEMENT_VERSION, engine, base_iri):
        digest.update(part.encode() + b"\0")
    for file in _files(path):
        digest.update(file.name.encode() + b"\0")
        with file.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def cache_entry(path: Path, *, engine: str, base_iri: str, folder: Path | None) -> Path | None:
    """The cache entry of the baseline at ``path``, when the cache is on (``folder``) and
    holds one (so the baseline passed the contract check before)."""
    if folder is None:
        return None
    entry = Path(folder) / f"{cache_key(path, engine=engine, base_iri=base_iri)}.json"
    return entry if entry.is_file() else None


def cached_findings(
    path: Path,
    compute: Callable[[], list[Finding]],
    *,
    engine: str,
    base_iri: str,
    folder: Path | None,
) -> list[Finding]:
    """The findings of the baseline at ``path``: from the cache in ``folder``, or
    ``compute()`` (then stored when the cache is on)."""
    if folder is None:
        return compute()
    entry = Path(folder) / f"{cache_key(path, engine=engine, base_iri=base_iri)}.json"
    if entry.is_file():
        return [Finding.from_dict(d) for d in json.loads(entry.read_text(encoding="utf-8"))]
    found = compute()
    entry.parent.mkdir(parents=True, exist_ok=True)
    scratch = entry.with_suffix(f".{os.getpid()}.tmp")
    scratch.write_text(json.dumps([f.as_dict() for f in found], ensure_ascii=False), "utf-8")
    scratch.replace(entry)
    return found
