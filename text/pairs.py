"""The pairs of duties of different holders in one group (a government) whose texts
state the same responsibility, found through an index of terms rather than by comparing
every pair.

Each distinct text is read once (text/judging.py) into a unit vector of weighted terms.
The index keeps, for each text, only its *prefix*: its terms but the commonest ones,
as many of those left out as weigh (as a vector) less than the threshold. Two texts
whose cosine reaches the threshold must then share a term in the prefix of each (the
rest cannot add up to it), so probing the index with every term of a text finds every
pair that can reach the threshold, and only those are scored (all-pairs similarity
search with prefix filtering, Bayardo, Ma and Srikant, WWW 2007). Identical texts are
scored once.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from govkg.text.judging import Judgement, Reading, Weights, normalise, read, score, shared_phrases

ROUNDING = 0.0005 + 1e-9  # half the last place a score is rounded to, and float error


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
    frequency: Counter[str] = Counter(t for r in readings for t in r.vector)
    # scores are rounded to three places: 0.2495 counts as 0.25
    reach = threshold - ROUNDING
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    left_out: list[float] = []  # the norm of what each text's prefix leaves out
    for i, reading in enumerate(readings):
        prefix, rest = _prefix(reading.vector, frequency, reach)
        left_out.append(rest)
        for term in prefix:
            postings[term].append((i, reading.vector[term]))
    for i, reading in enumerate(readings):
        # the part of each dot product the prefixes hold; the rest is at most what the
        # other text's prefix leaves out, so a text that cannot reach the threshold is
        # never scored
        partial: dict[int, float] = defaultdict(float)
        for term, weight in reading.vector.items():
            for j, other in postings.get(term, ()):
                if j > i:
                    partial[j] += weight * other
        if reading.vector:
            partial[i] = 1.0  # a text also pairs with itself, held by another owner
        for j in sorted(partial):
            if partial[j] + left_out[j] < reach:
                continue
            value = score(reading, readings[j])
            if value >= threshold:
                yield from _pairs_of(holders[i], holders[j], i == j, value, weights, skip)


def _prefix(
    vector: Mapping[str, float], frequency: Counter[str], threshold: float
) -> tuple[list[str], float]:
    """The terms of a vector but its commonest, as many as weigh less than ``threshold``,
    and the norm of those left out."""
    order = sorted(vector, key=lambda t: (-frequency[t], t))
    left_out = 0.0
    for n, term in enumerate(order):
        if left_out + vector[term] ** 2 >= threshold**2:
            return order[n:], math.sqrt(left_out)
        left_out += vector[term] ** 2
    return [], math.sqrt(left_out)


def _pairs_of(
    first: list[Duty],
    second: list[Duty],
    same: bool,
    value: float,
    weights: Weights,
    skip: Callable[[Duty, Duty], bool] | None,
) -> Iterator[Pair]:
    # from the lower duty's text, once for each order of the two texts: which duty of a
    # holder list comes first must not change it (the store and Neo4j list them apart)
    evidence: dict[tuple[str, str], tuple[str, ...]] = {}
    for a in first:
        for b in second:
            if a.owner == b.owner or (same and a.key >= b.key):
                continue
            low, high = (a, b) if a.key < b.key else (b, a)
            if skip is not None and skip(low, high):
                continue
            texts = (low.text, high.text)
            if texts not in evidence:
                evidence[texts] = tuple(
                    shared_phrases(normalise(low.text), normalise(high.text), weights)
                )
            yield Pair(low, high, Judgement(value, evidence[texts]))
