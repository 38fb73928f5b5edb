"""The check of a draft as the /ui/draft page shows it, and its xlsx report made only when
asked for.

A province's store keeps ~192,000 findings: making their xlsx takes ~13 s, so the compute
worker answers the page with what it shows (the verdict, the counts, the tally by status,
the new and resolved findings and the first unchanged ones) and keeps the check in a
file of the reports folder (``Settings.draft_reports_folder()``), named by a random token;
the page's download link asks a worker to make the xlsx from that file
(GET /ui/draft/report/{token}). A check against a store's sidecar (draft_sidecar.py) keeps
only what it compared and names the sidecar for the baseline's unchanged findings (a
province's are ~400 MB of text: writing them took 6 s). Files older than ``MAX_AGE`` or
beyond the newest ``KEPT`` are removed whenever one is written.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from govkg.shapes.findings import Finding, conforms, counts

from govkg.errors import Problem, StoreError
from govkg.store.sidecar import open_sidecar
from govkg.validating.draft_result import DraftFindings
from govkg.validating.draft_sidecar import finding_of

STATUSES = ("new", "resolved", "unchanged")
MAX_AGE = 3600.0  # seconds a report stays downloadable
KEPT = 20  # reports kept at most (a province's is ~45 MB)
SUFFIX = ".json"
# what secrets.token_urlsafe(24) makes: nothing else names a file here
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def page_check(check: DraftFindings, folder: Path, shown: int) -> dict[str, Any]:
    """What the page shows of a draft's check (``shown``: how many unchanged findings it
    lists), and the token of the report kept in ``folder``."""
    found = check.findings()
    tally = Counter(f.status or "unchanged" for f in found)
    groups: dict[str, list[dict[str, Any]]] = {s: [] for s in STATUSES}
    for f in found:
        group = groups.setdefault(f.status or "unchanged", [])
        if f.status in ("new", "resolved") or len(group) < shown:
            group.append(f.as_dict())
    return {
        "conforms": conforms(found),
        "counts": counts(found),
        "tally": {s: tally[s] for s in STATUSES},
        "groups": groups,
        "token": keep(check, folder),
    }


def keep(check: DraftFindings, folder: Path) -> str:
    """Write the check to a new file of ``folder`` (old ones removed); its token."""
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    sidecar = check.baseline.sidecar if check.baseline is not None else None
    if sidecar is None:
        kept: dict[str, Any] = {"findings": _rows(check.findings())}
    else:  # as DraftFindings.findings(): what it compared, then the baseline's others
        inside = [[at, _rows([f])[0] if f else None] for at, f in _replaced(check)]
        kept = {"findings": _rows(check.compared), "sidecar": str(sidecar.path),
                "meta": sidecar.meta, "inside": inside}  # fmt: skip
    # written whole, then renamed: a download never reads half a file
    with tempfile.NamedTemporaryFile("wb", dir=folder, suffix=".tmp", delete=False) as out:
        out.write(json.dumps(kept, ensure_ascii=False).encode())
    os.replace(out.name, folder / f"{token}{SUFFIX}")
    prune(folder, time.time())
    return token


def _replaced(check: DraftFindings) -> Iterator[tuple[int, Finding | None]]:
    """The baseline's positions in the draft's scope, each with its finding still found
    (None: resolved)."""
    for at, f in check.inside.items():
        yield at, check.kept.get(f.key)


def _rows(found: Sequence[Finding]) -> list[list[Any]]:
    return [
        [f.rule, f.severity, f.focus, f.related, f.message, f.status, f.score, f.evidence]
        for f in found
    ]


def _finding(row: list[Any]) -> Finding:
    rule, severity, focus, related, message, status, score, evidence = row
    return Finding(rule, severity, focus, tuple(related), message, status, score, tuple(evidence))


def prune(folder: Path, now: float) -> None:
    """Remove the reports older than ``MAX_AGE`` and those beyond the newest ``KEPT``
    (and what a killed worker left half-written)."""
    entries = []
    for path in folder.iterdir():
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:  # another worker removed it meanwhile
            continue
        entries.append((modified, path))
    entries.sort(reverse=True)
    for rank, (modified, path) in enumerate(entries):
        if rank >= KEPT or now - modified > MAX_AGE:
            path.unlink(missing_ok=True)


def report_file(folder: Path, token: str) -> Path | None:
    """The file of a token, None when the token is not one ``keep`` makes or its file is
    gone (nothing outside ``folder`` is ever named)."""
    if not TOKEN.fullmatch(token):
        return None
    path = folder / f"{token}{SUFFIX}"
    return path if path.is_file() else None


def kept_findings(path: Path) -> list[Finding]:
    """The findings of a check ``keep`` wrote, in report order."""
    kept = json.loads(path.read_bytes())
    found = [_finding(row) for row in kept["findings"]]
    if "sidecar" in kept:
        found += _unchanged(kept)
    return found


def _unchanged(kept: dict[str, Any]) -> Iterator[Finding]:
    sidecar = open_sidecar(Path(kept["sidecar"]), kept["meta"])
    if sidecar is None:  # the store was written twice since: its generation is gone
        raise StoreError(
            Problem(
                "draft report",
                "存储已更新，这份报告的基准已不在，请重新检查草稿",
                "the store changed since the check: check the draft again",
            )
        )
    inside = {at: row for at, row in kept["inside"]}
    try:
        for at, text in sidecar.rows("SELECT position, report FROM findings ORDER BY position"):
            if at not in inside:
                yield replace(finding_of(text), status="unchanged")
            elif inside[at] is not None:
                yield _finding(inside[at])
    finally:
        sidecar.close()


def xlsx_bytes(found: list[Finding], book: Any, lang: str) -> bytes:
    """The xlsx report of findings (summary sheet, a sheet per rule), as bytes."""
    from govkg.validating.report import xlsx_report

    with tempfile.TemporaryDirectory(prefix="govkg-report-") as scratch:
        target = Path(scratch) / "report.xlsx"
        xlsx_report(target, found, book, lang)
        return target.read_bytes()
