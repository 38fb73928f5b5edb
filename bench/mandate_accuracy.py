"""Accuracy of the function proposals of ``govkg import mandate`` (not part of the test
suite; tests/test_mandate_import.py holds a floor under it).

Every tests/data/mandates/*.toml lists, under [functions], the function a person chose by
hand for each duty of its text (from the example city's function tree). This imports each
text against a baseline and counts how often the chosen function is the first proposal
(top-1) or among the first three (top-3); also how often a sure proposal (not marked
待人工确认) is right.

    python bench/mandate_accuracy.py [--baseline examples/city.xlsx] [--folder tests/data/mandates]
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

from govkg.loaders.mandate.baseline import baseline_from_workbook
from govkg.loaders.mandate.drafting import ACCEPTED
from govkg.loaders.mandate.importer import build_draft

REPO = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = (".txt", ".html", ".docx", ".pdf")


def labelled_texts(folder: Path) -> list[tuple[Path, dict[str, str]]]:
    """(text file, {basis: function}) of every text with hand-labelled functions."""
    found = []
    for expected in sorted(folder.glob("*.toml")):
        labels = tomllib.loads(expected.read_text(encoding="utf-8")).get("functions", {})
        text = next(
            (expected.with_suffix(s) for s in TEXT_SUFFIXES if expected.with_suffix(s).exists()),
            None,
        )
        if labels and text is not None:
            found.append((text, labels))
    return found


def accuracy(folder: Path, baseline_path: Path) -> dict[str, float]:
    baseline = baseline_from_workbook(baseline_path)
    total = top1 = top3 = sure = sure_right = 0
    for text, labels in labelled_texts(folder):
        government = None if baseline_from_name(baseline, text) else "329900"
        draft = build_draft([text], baseline, government).draft
        for row in draft.side.get("proposals", []):
            basis, best, alternatives, status = row[1], row[2], row[5], row[6]
            if basis not in labels:
                continue
            ranked = [part.split(" ", 1)[0] for part in alternatives.split("；") if part]
            total += 1
            top1 += best == labels[basis]
            top3 += labels[basis] in ranked[:3]
            if status == ACCEPTED:
                sure += 1
                sure_right += best == labels[basis]
    return {
        "duties": total,
        "top1": top1 / total if total else 0.0,
        "top3": top3 / total if total else 0.0,
        "sure": sure,
        "sure_precision": sure_right / sure if sure else 0.0,
    }


def baseline_from_name(baseline: object, text: Path) -> bool:
    """Whether the text's agency is one of the baseline's (else it needs --government)."""
    from govkg.loaders.mandate.importer import read_mandate
    from govkg.loaders.mandate.matching import NameMatcher

    agencies = baseline.agencies  # type: ignore[attr-defined]
    name = read_mandate(text).agency
    return NameMatcher(agencies, None).agency(name) is not None or name.startswith("国家")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, default=REPO / "examples" / "city.xlsx")
    parser.add_argument("--folder", type=Path, default=REPO / "tests" / "data" / "mandates")
    args = parser.parse_args(argv)
    result = accuracy(args.folder, args.baseline)
    print("| duties | top-1 | top-3 | sure proposals | sure and right |")
    print("|---|---|---|---|---|")
    print(
        f"| {result['duties']} | {result['top1']:.0%} | {result['top3']:.0%} | "
        f"{result['sure']} | {result['sure_precision']:.0%} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
