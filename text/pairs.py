"""The pairs of duties of different holders in one group (a government) whose texts
state the same responsibility, found through an index of terms rather than by comparing
every pair.

Each distinct text is read once (text/judging.py) into a unit vector of weighted terms.
The index keeps, for each text, only its *prefix*: its terms but the commonest ones,
as many of those left out as weigh (as a vector) less than the threshold. Two texts
whose cosine reaches the threshold must then share a term of the earlier one's prefix
(the rest cannot add up to it), so each text probing the index of those before it with
all its terms finds every pair that can reach the threshold; what the prefix left out
is bounded, then added exactly, before a pair is scored (all-pairs similarity search
with prefix filtering, Bayardo, Ma and Srikant, WWW 2007). Identical texts are scored
once.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
    skip: Callable[[Duty, Duty], bool] | None = None,
) -> Iterator[Pair]:
    """Every pair of duties of one group and different owners whose judgement reaches
    ``threshold``, unless ``skip`` says otherwise. The terms are weighed within each
    group: the IDF over the texts of the group's duties (:func:`group_weights`), so a
    group's pairs depend on its duties only.

    >>> found = list(similar_pairs([
    ...     Duty("D1", "g", "A", "负责公共数据归集共享"),
    ...     Duty("D2", "g", "B", "统筹公共数据归集和共享"),
    ...     Duty("D3", "g", "A", "负责道路运输执法"),
    ...     Duty("D4", "h", "C", "负责公共数据归集共享")], threshold=0.5))
    >>> [(p.first.key, p.second.key) for p in found]
    [('D1', 'D2')]
    """
    by_group: dict[str, list[Duty]] = defaultdict(list)
    for duty in duties:
        by_group[duty.group].append(duty)
    for group in sorted(by_group):
        members = by_group[group]
        yield from _group_pairs(members, threshold, group_weights(members), skip)


def group_weights(duties: Iterable[Duty]) -> Weights:
    """The weights of one group's terms: the IDF over its duties' texts, each duty one
    document (a text two duties hold counts twice).

    >>> w = group_weights([
    ...     Duty("D1", "g", "A", "负责数据共享"), Duty("D2", "g", "B", "负责数据开放")])
    >>> w.get("数据") < w.get("共享")
    True
    """
    return Weights.of(d.text for d in duties)


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
    found = sorted(_similar_readings(readings, threshold))
    for i, j, value in found:
        yield from _pairs_of(holders[i], holders[j], i == j, value, weights, skip)


def _similar_readings(readings: list[Reading], threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, score) with i <= j for every two readings whose score reaches ``threshold``.

    Each reading probes the index of those before it, accumulating (in a list, one slot
    per reading) the part of each dot product their prefixes hold; what a prefix leaves
    out adds at most the smaller of two bounds (its norm times the norm of the probe's
    own common terms, and its weights times each term's largest weight), and the rest is
    added exactly only for a reading that can still reach the threshold."""
    reach = threshold - ROUNDING
    frequency: Counter[str] = Counter(t for r in readings for t in r.vector)
    largest: dict[str, float] = {}
    for reading in readings:
        for term, weight in reading.vector.items():
            largest[term] = max(largest.get(term, 0.0), weight)
    prefixes = [_prefix(r.vector, frequency, reach) for r in readings]
    left_out = [
        [(t, w) for t, w in r.vector.items() if t not in prefix]
        for r, prefix in zip(readings, prefixes, strict=True)
    ]
    common = {t for rest in left_out for t, _ in rest}
    common_norm = [_norm(w for t, w in r.vector.items() if t in common) for r in readings]
    rest_norm = [_norm(w for _, w in rest) for rest in left_out]
    rest_largest = [sum(w * largest[t] for t, w in rest) for rest in left_out]
    postings: dict[str, tuple[list[int], list[float]]] = {}
    partial = [0.0] * len(readings)
    found: list[tuple[int, int, float]] = []
    for i, reading in enumerate(readings):
        vector, touched = reading.vector, []
        for term, weight in vector.items():
            posting = postings.get(term)
            if posting is not None:
                touched.append(posting[0])
                for j, other in zip(*posting, strict=True):
                    partial[j] += weight * other
        own = common_norm[i]
        for j in set().union(*touched):
            value, partial[j] = partial[j], 0.0
            if value + min(rest_norm[j] * own, rest_largest[j]) < reach:
                continue
            value += sum(w * vector.get(t, 0.0) for t, w in left_out[j])
            if value >= reach and (judged := score(readings[j], reading)) >= threshold:
                found.append((j, i, judged))
        if vector and (judged := score(reading, reading)) >= threshold:
            found.append((i, i, judged))  # a text also pairs with itself, held by another owner
        for term in prefixes[i]:
            ids, weights = postings.setdefault(term, ([], []))
            ids.append(i)
            weights.append(vector[term])
    return found


def _norm(weights: Iterable[float]) -> float:
    return math.sqrt(sum(w * w for w in weights))


def _prefix(vector: Mapping[str, float], frequency: Counter[str], reach: float) -> frozenset[str]:
    """The terms of a vector but its commonest, as many as weigh less than ``reach``."""
    order = sorted(vector, key=lambda t: (-frequency[t], t))
    left_out = 0.0
    for n, term in enumerate(order):
        left_out += vector[term] ** 2
        if left_out >= reach**2:
            return frozenset(order[n:])
    return frozenset()


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
