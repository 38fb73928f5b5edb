"""A draft's findings against a store (govkg/validating/draft_store.py), and its JSON
report written as it is made: on the fast path a province's hundreds of thousands of
unchanged findings are copied from the generation's sidecar (draft_sidecar.py), their
report text as it was written there, never parsed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from govkg.shapes.findings import Finding, counts
from govkg.validating.report import json_chunks, json_report, report_text

if TYPE_CHECKING:
    from govkg.validating.draft_store import StoreBaseline


@dataclass
class DraftFindings:
    """A draft's findings against a store: those compared (new and resolved; every one
    for the full comparison) and, on the fast path, the baseline's others unchanged in
    their order (``inside``: the baseline positions in scope, ``kept`` those still found,
    with the merged graph's messages)."""

    compared: list[Finding]
    baseline: StoreBaseline | None = None
    inside: dict[int, Finding] = field(default_factory=dict)
    kept: dict[tuple[str, str, tuple[str, ...]], Finding] = field(default_factory=dict)

    def findings(self) -> list[Finding]:
        if self.baseline is None:
            return self.compared
        marks = self.baseline.marked_unchanged()
        unchanged = (
            self.kept.get(mark.key) if at in self.inside else mark for at, mark in enumerate(marks)
        )
        return self.compared + [f for f in unchanged if f]

    def counts(self) -> dict[str, int]:
        """The report's counts (``counts`` of ``findings()``), the unchanged ones not read."""
        sidecar = self.baseline.sidecar if self.baseline is not None else None
        if sidecar is None:
            return counts(self.findings())
        tally = json.loads(sidecar.meta["counts"])
        for f in self.inside.values():
            tally[f.severity] -= 1
        for severity, n in counts([*self.compared, *self.kept.values()]).items():
            tally[severity] += n
        return tally

    def conforms(self) -> bool:
        return self.counts()["violation"] == 0

    def json_chunks(self) -> Iterator[str]:
        """The JSON report (``json_report``'s text), the baseline's unchanged findings
        streamed from the sidecar."""
        sidecar = self.baseline.sidecar if self.baseline is not None else None
        if sidecar is None:
            yield json_report(self.findings())
            return
        tally = self.counts()
        yield from json_chunks(
            tally,
            tally["violation"] == 0,
            chain(
                map(report_text, self.compared),
                self._unchanged_texts(
                    sidecar.rows("SELECT position, report FROM findings ORDER BY position")
                ),
            ),
        )

    def _unchanged_texts(self, rows: Iterable[tuple[int, str]]) -> Iterator[str]:
        for at, text in rows:
            if at not in self.inside:
                yield text
            elif (f := self.kept.get(self.inside[at].key)) is not None:
                yield report_text(f)
