"""The check of a draft as the /ui/draft page shows it, and its xlsx report made only when
asked for.

A province's store keeps ~192,000 findings: making their xlsx takes ~13 s, so the compute
worker answers the page with what it shows (the verdict, the counts, the tally by status,
the new and resolved findings and the first unchanged ones) and keeps every finding of
the check in a file of the reports folder (``Settings.draft_reports_folder()``), named by
a random token; the page's download link asks a worker to make the xlsx from that file
(GET /ui/draft/report/{token}). Files older than ``MAX_AGE`` or beyond the newest ``KEPT``
are removed whenever one is written.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govkg.shapes.findings import Finding, conforms, counts

STATUSES = ("new", "resolved", "unchanged")
MAX_AGE = 3600.0  # seconds a report stays downloadable
KEPT = 20  # reports kept at most (a province's is ~45 MB)
SUFFIX = ".json"
# what secrets.token_urlsafe(24) makes: nothing else names a file here
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def page_check(found: Sequence[Finding], folder: Path, shown: int) -> dict[str, Any]:
    """What the page shows of a draft's check (``shown``: how many unchanged findings it
    lists), and the token of the report kept in ``folder``."""
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
        "token": keep(found, folder),
    }


def keep(found: Sequence[Finding], folder: Path) -> str:
    """Write the findings to a new file of ``folder`` (old ones removed); its token."""
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    rows = [
        [f.rule, f.severity, f.focus, f.related, f.message, f.status, f.score, f.evidence]
        for f in found
    ]
    # written whole, then renamed: a download never reads half a file
    with tempfile.NamedTemporaryFile("wb", dir=folder, suffix=".tmp", delete=False) as out:
        out.write(json.dumps(rows, ensure_ascii=False).encode())
    os.replace(out.name, folder / f"{token}{SUFFIX}")
    prune(folder, time.time())
    return token


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
    rows = json.loads(path.read_bytes())
    return [
        Finding(rule, severity, focus, tuple(related), message, status, score, tuple(evidence))
        for rule, severity, focus, related, message, status, score, evidence in rows
    ]


def xlsx_bytes(found: list[Finding], book: Any, lang: str) -> bytes:
    """The xlsx report of findings (summary sheet, a sheet per rule), as bytes."""
    from govkg.validating.report import xlsx_report

    with tempfile.TemporaryDirectory(prefix="govkg-report-") as scratch:
        target = Path(scratch) / "report.xlsx"
        xlsx_report(target, found, book, lang)
        return target.read_bytes()
