"""The pairs of duties of different holders in one group (a government) whose texts
state the same responsibility, found through an index of their weightiest terms rather
than by comparing every pair.

Each distinct text is read once (text/judging.py). A pair can reach the threshold only
by sharing weight, so each text is indexed under its :data:`INDEXED_TERMS` weightiest
terms and only texts sharing one are scored; a term among the weightiest of more than
:data:`COMMON_TERM` texts of a group tells nothing and leads to no comparison (it still
counts in the score). Identical texts are scored once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from govkg.text.judging import Judgement, Reading, Weights, normalise, read, score, shared_phrases

INDEXED_TERMS = 6
COMMON_TERM = 400


@dataclass(frozen=True)
class Duty:
    """A duty as the pairing sees it: its id, group (government), holder and text, and
    the name of the function it is on (may be empty)."""

    key: str
    group: str
    owner: str
    text: str
    function: str = ""


@dataclass(frozen=True)
class Pair:
    """Two duties (``first.key`` < ``second.key``) and the judgement of their texts."""

    first: Duty
    second: Duty
    judgement: Judgement


def similar_pairs(
    duties: Sequence[Duty],
    *,
    threshold: float,
    weights: Weights | None = None,
    skip: Callable[[Duty, Duty], bool] | None = None,
) -> Iterator[Pair]:
    """Every pair of duties of one group and different owners whose judgement reaches
    ``threshold``, unless ``skip`` says otherwise; ``weights`` default to the IDF over
    ``duties`` themselves.

    >>> found = list(similar_pairs([
    ...     Duty("D1", "g", "A", "负责公共数据归集共享"),
    ...     Duty("D2", "g", "B", "统筹公共数据归集和共享"),
    ...     Duty("D3", "g", "A", "负责道路运输执法"),
    ...     Duty("D4", "h", "C", "负责公共数据归集共享")], threshold=0.5))
    >>> [(p.first.key, p.second.key) for p in found]
    [('D1', 'D2')]
    """
    weights = weights or Weights.of(d.text for d in duties)
    by_group: dict[str, list[Duty]] = defaultdict(list)
    for duty in duties:
        by_group[duty.group].append(duty)
    for group in sorted(by_group):
        yield from _group_pairs(by_group[group], threshold, weights, skip)


def _group_pairs(
    duties: list[Duty],
    threshold: float,
    weights: Weights,
    skip: Callable[[Duty, Duty], bool] | None,
) -> Iterator[Pair]:
    # one reading per distinct (text, function name): templated texts repeat a lot
    keys: dict[tuple[str, str], int] = {}
    readings: list[Reading] = []
    holders: list[list[Duty]] = []
    for duty in duties:
        key = (duty.text, duty.function)
        if key not in keys:
            keys[key] = len(readings)
            readings.append(read(duty.text, weights, duty.function))
            holders.append([])
        holders[keys[key]].append(duty)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, reading in enumerate(readings):
        top = sorted(reading.vector, key=lambda t: (-reading.vector[t], t))[:INDEXED_TERMS]
        for term in top:
            postings[term].append(i)
    for i, reading in enumerate(readings):
        candidates = {i}  # a text also pairs with itself, held by another owner
        top = sorted(reading.vector, key=lambda t: (-reading.vector[t], t))[:INDEXED_TERMS]
        for term in top:
            posting = postings[term]
            if len(posting) <= COMMON_TERM:
                candidates.update(j for j in posting if j > i)
        for j in sorted(candidates):
            value = 1.0 if i == j and reading.vector else score(reading, readings[j])
            if value < threshold:
                continue
            evidence: tuple[str, ...] | None = None
            for a in holders[i]:
                for b in holders[j]:
                    if a.owner == b.owner or (i == j and a.key >= b.key):
                        continue
                    first, second = (a, b) if a.key < b.key else (b, a)
                    if skip is not None and skip(first, second):
                        continue
                    if evidence is None:
                        evidence = tuple(
                            shared_phrases(normalise(a.text), normalise(b.text), weights)
                        )
                    yield Pair(first, second, Judgement(min(value, 1.0), evidence))
