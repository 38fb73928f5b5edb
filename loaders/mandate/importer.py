"""``import_mandates``: 三定 files in, a draft workbook out (see the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from govkg.loaders.mandate.baseline import Baseline
from govkg.loaders.mandate.drafting import Draft, DraftBuilder
from govkg.loaders.mandate.normalising import normalise
from govkg.loaders.mandate.parsing import Mandate, parse
from govkg.loaders.mandate.reading import read_text
from govkg.loaders.mandate.writing import sheets, write_draft

from govkg.errors import InputError, Problem


@dataclass
class ImportResult:
    mandates: list[Mandate]
    draft: Draft
    output: Path | None = None

    def counts(self) -> dict[str, int]:
        rows = self.draft.rows
        return {
            "agencies": len(rows.get("agencies", [])),
            "duties": len(rows.get("duties", [])),
            "units": len(rows.get("units", [])),
            "divisions": len(rows.get("divisions", [])),
            "power_items": len(rows.get("power_items", [])),
            "data_duties": len(rows.get("data_duties", [])),
            "transfers": len(rows.get("transfers", [])),
            "to_confirm": self.draft.unsure,
            "unmatched": len(self.draft.unmatched),
        }

    def as_json(self) -> dict[str, object]:
        """The draft as JSON: every sheet as a list of {header: cell} objects."""
        return {
            "counts": self.counts(),
            "unmatched": [{"agency": a, "basis": b, "name": n} for a, b, n in self.draft.unmatched],
            "unchecked": [{"agency": a, "government": g} for a, g in self.draft.unchecked.items()],
            "sheets": {
                name: [dict(zip(header, row, strict=True)) for row in rows]
                for name, (header, rows) in sheets(self.draft).items()
            },
        }


def read_mandate(path: Path, name: str | None = None) -> Mandate:
    """One 三定 file read, normalised and parsed (``name``: how errors call the file)."""
    return parse(normalise(read_text(path)), name or str(path))


def build_draft(
    paths: Sequence[Path],
    baseline: Baseline,
    government: str | None = None,
    *,
    mandates: Sequence[Mandate] = (),
) -> ImportResult:
    """Parse every file (and take the ``mandates`` parsed already) and build the draft;
    InputError lists every file that fails."""
    builder = DraftBuilder(baseline, government)
    mandates = list(mandates)
    problems: list[Problem] = []
    for path in paths:
        try:
            mandates.append(read_mandate(path))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    for mandate in mandates:
        builder.add(mandate)
    return ImportResult(mandates, builder.draft)


def import_mandates(
    paths: Sequence[Path], out: Path, baseline: Baseline, government: str | None = None
) -> ImportResult:
    """Read the 三定 files and write their draft to ``out``; nothing is written on error."""
    folder = out.suffix.lower() != ".xlsx"
    if (folder and out.exists() and not out.is_dir()) or (not folder and out.is_dir()):
        raise InputError(
            Problem(
                str(out),
                "输出位置已被占用：CSV 草稿须是文件夹，.xlsx 草稿须是文件",
                "the output is taken: a CSV draft is a folder, an .xlsx draft a file",
            )
        )
    result = build_draft(paths, baseline, government)
    result.output = write_draft(result.draft, out)
    return result
