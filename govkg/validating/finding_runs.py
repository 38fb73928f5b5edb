"""Findings on disk: a sorted run per part, read back merged.

A nation's findings (millions with R16) do not fit in the memory of the process that
writes the report, so each worker writes the findings its part keeps to a file of its
own, sorted as a validation sorts them, in frames of ``FRAME`` findings, and tells the
parent only their ``Tally`` (govkg/validating/report.py). The report is then written from
a merge of the runs: the parent holds a frame of each run at a time, never every
finding (``FindingRuns.peak_held`` counts them, for the tests). Each finding is filed
with its sort key and its text in the JSON report (``report_text``), made by the worker:
the parent, alone while it writes the report, only merges (a province: ~5 → ~2.6 s).
"""

from __future__ import annotations

import heapq
import pickle
from collections.abc import Iterator
from operator import itemgetter
from pathlib import Path

from govkg.shapes.findings import Finding, sort_key
from govkg.validating.report import Tally, report_text
from govkg.validating.scratch import Scratch

FRAME = 256  # findings per frame: what the merge holds of each run at a time
# and at most about this much text: a nation's R7 findings name every item of a base code
# (a base-code part's run: ~180 MB at 30 provinces), and frames of 256 made the merge hold ~5 GB
FRAME_TEXT = 1_000_000


def write_run(path: Path, findings: list[Finding]) -> Tally:
    """Write ``findings`` (sorted) to ``path`` in frames of FRAME findings or
    FRAME_TEXT characters of text, whichever comes first, each finding with its sort key
    and its JSON report's text; their tally."""
    with path.open("wb") as out:
        frame: list[tuple] = []
        size = 0
        for f in findings:
            text = report_text(f)
            frame.append((sort_key(f), (f.rule, f.severity, f.focus, f.related, f.message,
                                        f.status, f.score, f.evidence), text))  # fmt: skip
            size += len(text)
            if len(frame) >= FRAME or size >= FRAME_TEXT:
                pickle.dump(frame, out, protocol=pickle.HIGHEST_PROTOCOL)
                frame, size = [], 0
        if frame:
            pickle.dump(frame, out, protocol=pickle.HIGHEST_PROTOCOL)
    return Tally.of(findings)


class FindingRuns:
    """The findings of the parts, in the files the workers wrote: iterated, they come
    merged in sort order (govkg.shapes.findings.sort_key); ``tally`` says what they are
    without reading them."""

    def __init__(self) -> None:
        self.runs: list[Path] = []
        self.tally = Tally()
        self.held = 0  # findings read from the runs and not yet passed on
        self.peak_held = 0
        self.scratch: Scratch | None = None  # the folder of the runs, removed on close

    def close(self) -> None:
        if self.scratch is not None:
            self.scratch.close()

    def add(self, path: Path | None, tally: Tally) -> None:
        if path is not None:
            self.runs.append(path)
        self.tally.add(tally)

    def __len__(self) -> int:
        return sum(self.tally.groups.values())

    def __iter__(self) -> Iterator[Finding]:
        return (Finding(*fields) for _, fields, _ in self._merged())

    def report_texts(self) -> Iterator[str]:
        """The findings' texts in the JSON report (govkg/validating/report.py
        report_text), in order."""
        return (text for _, _, text in self._merged())

    def _merged(self) -> Iterator[tuple]:
        return heapq.merge(*(self._read(path) for path in self.runs), key=itemgetter(0))

    def _read(self, path: Path) -> Iterator[tuple]:
        """A run's findings, a frame in memory at a time (the file opened per frame: a
        nation has hundreds of runs)."""
        offset = 0
        while True:
            with path.open("rb") as source:
                source.seek(offset)
                try:
                    frame = pickle.load(source)
                except EOFError:
                    return
                offset = source.tell()
            self._holding(len(frame))
            for at, filed in enumerate(frame):
                frame[at] = None  # passed on: the merge holds it no longer than it needs
                self.held -= 1
                yield filed

    def _holding(self, n: int) -> None:
        self.held += n
        self.peak_held = max(self.peak_held, self.held)
