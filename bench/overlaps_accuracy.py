"""How well the text judgement (govkg.text) does on real published duties: R16's
precision and recall, and ``govkg propose``'s top-1/top-3, on the Chinese set and on an
English one (tests/data/propose_en) (docs/overlaps.md).

The labelled set is tests/data/overlaps/ (see its README): 196 duties of 30 agencies of
16 governments, as printed in 三定 or restated in 部门预算/决算 pages, each with the source
URL and the function a person chose for it, and the pairs read by hand.

The agencies are split in two by a digest of their ids: the threshold is chosen (best F1)
on the pairs of two calibration agencies, and precision and recall are reported on every
other pair (each has a duty of an agency that took no part in the choice).

    python bench/overlaps_accuracy.py [--segmenter bigram|jieba] [--weighing government|pair|whole]

``--segmenter jieba`` measures a word segmenter with a dictionary of government terms
(tests/data/overlaps/gov_terms.txt) in place of character bigrams; it needs
``pip install jieba``, which govkg itself does not.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from govkg.text import SAME_RESPONSIBILITY, judging, terms
from govkg.text.judging import Weights, judge
from govkg.text.pairs import Duty, similar_pairs
from govkg.text.proposals import FunctionIndex

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "overlaps"
ENGLISH = DATA.parent / "propose_en"
THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 19)]


@dataclass(frozen=True)
class LabelledDuty:
    id: str
    government: str
    agency: str
    agency_name: str
    url: str
    function: str
    text: str


@dataclass(frozen=True)
class Catalogue:
    id: str
    name: str
    broader: str


def labelled_duties(folder: Path = DATA) -> list[LabelledDuty]:
    """The duties of duties.txt, in file order."""
    out: list[LabelledDuty] = []
    head: tuple[str, ...] = ()
    for line in (folder / "duties.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("@ "):
            gov, _name, agency, agency_name, url = (p.strip() for p in line[2:].split("|"))
            head = (gov, agency, agency_name, url)
        elif line.strip() and not line.startswith("#"):
            ident, function, text = line.split("|", 2)
            out.append(LabelledDuty(ident, *head, function, text))
    return out


def catalogue(folder: Path = DATA) -> list[Catalogue]:
    with (folder / "functions.csv").open(encoding="utf-8") as f:
        return [Catalogue(r["id"], r["name"], r["broader"]) for r in csv.DictReader(f)]


def read_labels(folder: Path = DATA) -> dict[tuple[str, str], tuple[bool, str]]:
    """The pairs read by hand: (ids sorted) -> (overlap?, reason)."""
    rows = (folder / "labels.csv").read_text(encoding="utf-8").splitlines()
    found: dict[tuple[str, str], tuple[bool, str]] = {}
    for row in csv.DictReader(line for line in rows if not line.startswith("#")):
        key = tuple(sorted((row["a"], row["b"])))
        found[key] = (row["label"] == "yes", row["reason"])  # type: ignore[index]
    return found


def is_overlap(
    a: LabelledDuty, b: LabelledDuty, read: dict[tuple[str, str], tuple[bool, str]]
) -> bool:
    """The label of a pair: every overlap is listed in labels.csv (see its README)."""
    key = (a.id, b.id) if a.id < b.id else (b.id, a.id)
    return key in read and read[key][0]


def calibration_agency(agency: str) -> bool:
    """The agencies whose duties choose the threshold, by a digest of the id (18 of 29)."""
    return hashlib.sha256(agency.encode()).digest()[0] % 2 == 0


def in_calibration(a: LabelledDuty, b: LabelledDuty) -> bool:
    """A pair chooses the threshold when both its agencies are calibration agencies; every
    other pair has a duty that took no part in the choice, and is held out."""
    return calibration_agency(a.agency) and calibration_agency(b.agency)


def cross_agency_pairs(
    duties: Sequence[LabelledDuty], *, same_government: bool | None = None
) -> Iterator[tuple[LabelledDuty, LabelledDuty]]:
    for a, b in itertools.combinations(duties, 2):
        if a.agency == b.agency:
            continue
        if same_government is not None and (a.government == b.government) != same_government:
            continue
        yield a, b


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, actual: bool) -> None:
        self.tp += predicted and actual
        self.fp += predicted and not actual
        self.fn += actual and not predicted

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def judgement_scores(
    duties: Sequence[LabelledDuty], *, weighing: str = "government"
) -> list[tuple[LabelledDuty, LabelledDuty, float]]:
    """Every cross-agency pair scored. ``weighing``: ``"government"`` reads each duty as
    R16 reads it, its terms weighed over the duties of its own government (the set's),
    so a pair of two governments (most of the set's overlaps) is the cosine of the two
    vectors R16 makes of them; ``"pair"`` weighs both over the duties of the pair's
    governments together, as R16 would if the two were one; ``"whole"`` weighs every
    duty over the whole set (the judgement before JUDGEMENT_VERSION 3)."""
    texts: dict[str, list[str]] = {}
    for d in duties:
        texts.setdefault(d.government, []).append(d.text)
    weights: dict[frozenset[str], Weights] = {}

    def weights_of(*governments: str) -> Weights:
        group = frozenset(texts) if weighing == "whole" else frozenset(governments)
        if group not in weights:
            weights[group] = Weights.of(t for g in sorted(group) for t in texts[g])
        return weights[group]

    if weighing == "pair":
        return [
            (a, b, judge(a.text, b.text, weights=weights_of(a.government, b.government)).score)
            for a, b in cross_agency_pairs(duties)
        ]
    readings = {d.id: judging.read(d.text, weights_of(d.government)) for d in duties}
    return [
        (a, b, judging.score(readings[a.id], readings[b.id])) for a, b in cross_agency_pairs(duties)
    ]


def choose_threshold(scored, read) -> tuple[float, Tally]:  # type: ignore[no-untyped-def]
    best: tuple[float, Tally] | None = None
    for t in THRESHOLDS:
        tally = Tally()
        for a, b, s in scored:
            if in_calibration(a, b):
                tally.add(s >= t, is_overlap(a, b, read))
        if best is None or tally.f1 > best[1].f1:
            best = (t, tally)
    assert best is not None
    return best


def held_out(scored, read, threshold: float, *, same_government: bool | None = None) -> Tally:  # type: ignore[no-untyped-def]
    tally = Tally()
    for a, b, s in scored:
        if in_calibration(a, b):
            continue
        if same_government is not None and (a.government == b.government) != same_government:
            continue
        tally.add(s >= threshold, is_overlap(a, b, read))
    return tally


def r16_pairs(duties: Sequence[LabelledDuty], threshold: float) -> set[tuple[str, str]]:
    """What R16's pairing (the index of terms, not every pair) reports in each government."""
    found = similar_pairs(
        [Duty(d.id, d.government, d.agency, d.text) for d in duties], threshold=threshold
    )
    return {(p.first.key, p.second.key) for p in found}


def propose_accuracy(
    duties: Sequence[LabelledDuty], functions: Sequence[Catalogue]
) -> dict[str, float]:
    """Top-1/top-3 of the proposals for every other duty, its code hidden, learned from the
    names of the catalogue and the duties whose codes stay."""
    known = [(d.text, d.function) for i, d in enumerate(duties) if i % 2 == 0]
    hidden = [d for i, d in enumerate(duties) if i % 2 == 1 and d.function != "X01"]
    index = FunctionIndex(functions, known)  # type: ignore[arg-type]
    by_agency: dict[str, Counter[str]] = {}
    for i, d in enumerate(duties):
        if i % 2 == 0:
            by_agency.setdefault(d.agency, Counter())[d.function] += 1
    found: dict[str, float] = {"duties": len(hidden)}
    for name, use_agency in (("", False), ("agency_", True)):
        top1 = top3 = 0
        for d in hidden:
            prior = by_agency.get(d.agency) if use_agency else None
            ranked = [p.function for p in index.rank(d.text, top=3, agency_functions=prior)]
            top1 += bool(ranked) and ranked[0] == d.function
            top3 += d.function in ranked
        found[f"{name}top1"], found[f"{name}top3"] = top1 / len(hidden), top3 / len(hidden)
    return found


def english_duties(folder: Path = ENGLISH) -> list[tuple[str, str, str]]:
    """(id, function, text) of the English set (tests/data/propose_en/duties.txt)."""
    out: list[tuple[str, str, str]] = []
    function = ""
    for line in (folder / "duties.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("@ "):
            function = line[2:].split("|")[0].strip()
        elif line.strip() and not line.startswith("#"):
            ident, text = line.split("|", 1)
            out.append((ident, function, text))
    return out


def english_propose_accuracy(folder: Path = ENGLISH) -> dict[str, float]:
    """Top-1/top-3 of the proposals for every other English duty, its code hidden, learned
    from the catalogue's names and the codes that stay."""
    duties = english_duties(folder)
    known = [(text, f) for i, (_, f, text) in enumerate(duties) if i % 2 == 0]
    hidden = [(f, text) for i, (_, f, text) in enumerate(duties) if i % 2 == 1]
    index = FunctionIndex(catalogue(folder), known)  # type: ignore[arg-type]
    top1 = top3 = 0
    for function, text in hidden:  # ranked among every function, as govkg propose does
        ranked = [p.function for p in index.rank(text, top=3)]
        top1 += bool(ranked) and ranked[0] == function
        top3 += function in ranked
    return {"duties": len(hidden), "top1": top1 / len(hidden), "top3": top3 / len(hidden)}


def jieba_terms() -> Callable[[str], tuple[Counter[str], frozenset[str]]]:
    """Terms as words of jieba with the dictionary of government terms (for comparison),
    and those of them that are head words."""
    import jieba  # not a dependency of govkg: measured, not shipped

    jieba.setLogLevel(60)
    jieba.load_userdict(str(DATA / "gov_terms.txt"))

    def words(text: str) -> tuple[Counter[str], frozenset[str]]:
        found: Counter[str] = Counter()
        for run in terms.content_runs(text):
            found.update(w for w in jieba.cut(run) if len(w) > 1 or w.isascii())
        return found, frozenset(w for w in found if terms.HEAD_WORDS.fullmatch(w))

    return words


def run(segmenter: str, weighing: str = "government") -> dict[str, object]:
    if segmenter == "jieba":
        judging.scan = jieba_terms()  # type: ignore[assignment]
    duties = labelled_duties()
    read = read_labels()
    scored = judgement_scores(duties, weighing=weighing)
    threshold, calibration = choose_threshold(scored, read)
    test = held_out(scored, read, threshold)
    # the threshold R16 ships (SAME_RESPONSIBILITY), on the same two halves
    shipped = Tally()
    for a, b, s in scored:
        if in_calibration(a, b):
            shipped.add(s >= SAME_RESPONSIBILITY, is_overlap(a, b, read))
    within = held_out(scored, read, threshold, same_government=True)
    reported = r16_pairs(duties, threshold)
    r16 = Tally()
    for a, b in cross_agency_pairs(duties, same_government=True):
        r16.add((min(a.id, b.id), max(a.id, b.id)) in reported, is_overlap(a, b, read))
    return {
        "segmenter": segmenter,
        "duties": len(duties),
        "pairs": len(scored),
        "overlaps": sum(is_overlap(a, b, read) for a, b, _ in scored),
        "threshold": threshold,
        "calibration": calibration,
        "test": test,
        "calibration_shipped": shipped,
        "test_shipped": held_out(scored, read, SAME_RESPONSIBILITY),
        "within_test": within,
        "r16": r16,
        "r16_reported": sorted(reported),
        "propose": propose_accuracy(duties, catalogue()),
        "propose_english": english_propose_accuracy(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segmenter", choices=["bigram", "jieba"], default="bigram")
    parser.add_argument(
        "--weighing",
        choices=["government", "pair", "whole"],
        default="government",
        help="IDF over each duty's government (R16's), the pair's two, or the whole set",
    )
    args = parser.parse_args(argv)
    found = run(args.segmenter, args.weighing)
    tallies = ("calibration", "test", "calibration_shipped", "test_shipped", "within_test", "r16")
    for key in tallies:
        t = found[key]
        print(
            f"{key}: precision {t.precision:.2f} recall {t.recall:.2f} F1 {t.f1:.2f} "  # type: ignore[attr-defined]
            f"(tp {t.tp}, fp {t.fp}, fn {t.fn})"  # type: ignore[attr-defined]
        )
    print({k: v for k, v in found.items() if k not in tallies})
    return 0


if __name__ == "__main__":
    sys.exit(main())
