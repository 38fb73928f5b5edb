"""Whether two duty texts state the same responsibility: a score and the phrases that
show why.

The score is the cosine of the two texts' terms (text/terms.py) weighted by how rare
each term is among the duties compared (IDF over the duties of one government: a term
every duty has weighs nothing); nothing when too little of it comes from terms beyond
head words (what the duties are about, not the kind of work: 安全、管理 alone make no overlap);
lowered where one duty only supports what the other leads, and where the two split one
object by stage (one approves, the other supervises).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from govkg.text.terms import (
    JOINERS,
    clauses,
    is_support,
    normalise,
    scan,
    scan_edges,
    split_by_stage,
    stages,
)

SUPPORT_FACTOR = 0.5  # one duty only 配合/协助/参与 what the other leads
STAGE_FACTOR = 0.4  # the two take different stages of one object
FUNCTION_NAME_WEIGHT = 0.3  # the names of the functions the duties are on, beside their texts
# What the terms beyond head words (text/terms.py: 管理, 建设, 信息化) must add to the
# cosine at least: two duties that share only 安全、管理 are about different things.
SPECIFIC_FLOOR = 0.1
EVIDENCE_PHRASES = 5
LEVEL_CHARACTERS = "省市区县州镇乡"
# words that begin with a level's character without naming a level (市场, not 本市)
LEVEL_WORDS = ("市场", "市政", "市民", "区域", "区块", "县域", "市域", "乡村", "乡镇", "镇街")


@dataclass(frozen=True)
class Judgement:
    """How alike two duty texts are (0-1) and the phrases they share, weightiest first."""

    score: float
    evidence: tuple[str, ...] = ()


@dataclass
class Weights:
    """The IDF of each term over a body of duty texts; a term never seen weighs most."""

    idf: dict[str, float] = field(default_factory=dict)
    unseen: float = 1.0

    @classmethod
    def of(cls, texts: Iterable[str]) -> Weights:
        """The weights of the terms of ``texts`` (each text one document).

        >>> w = Weights.of(["负责数据共享", "负责数据开放", "负责道路执法"])
        >>> w.idf["数据"] < w.idf["共享"]
        True
        """
        return cls.of_counted(Counter(texts))

    @classmethod
    def of_counted(cls, texts: Mapping[str, int]) -> Weights:
        """The weights of ``texts`` given each with the number of times it occurs (the
        terms of a text read once, however often it occurs)."""
        frequency: Counter[str] = Counter()
        total = 0
        for text, times in texts.items():
            total += times
            for term in scan(text)[0]:
                frequency[term] += times
        idf = {t: math.log((1 + total) / (1 + n)) + 1 for t, n in frequency.items()}
        return cls(idf, math.log(1 + total) + 1)

    def get(self, term: str) -> float:
        return self.idf.get(term, self.unseen)


@dataclass(frozen=True)
class Reading:
    """A duty text read once: its unit term vector, and what it says of its part."""

    vector: Mapping[str, float]
    support: bool
    stages: frozenset[str]
    heads: frozenset[str] = frozenset()
    edges: frozenset[str] = frozenset()  # terms across a head word's edge (terms.py)


def unit_vector(counts: Mapping[str, float], weights: Weights) -> dict[str, float]:
    raw = {t: (1 + math.log(n) if n >= 1 else n) * weights.get(t) for t, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
    return {t: w / norm for t, w in raw.items() if w}


def read(text: str, weights: Weights, function_name: str = "") -> Reading:
    """The reading of a duty text (with the name of its function, if any)."""
    found, heads = scan(text)
    edges = scan_edges(text)[2]
    counts: dict[str, float] = {t: float(n) for t, n in found.items()}
    if function_name:
        named, named_heads = scan(function_name)
        named_edges = scan_edges(function_name)[2]
        beyond = (counts.keys() - heads) | (named.keys() - named_heads)
        content = (counts.keys() - heads - edges) | (named.keys() - named_heads - named_edges)
        for t, n in named.items():
            counts[t] = counts.get(t, 0.0) + n * FUNCTION_NAME_WEIGHT
        # a head term is one that neither the text nor the name uses beyond head words
        heads = (heads | named_heads) - beyond
        edges = (edges | named_edges) - content
    return Reading(unit_vector(counts, weights), is_support(text), stages(text), heads, edges)


def cosine(a: Reading, b: Reading) -> tuple[float, float]:
    """The cosine of two readings, and the part of it the terms beyond head words make;
    terms across a head word's edge are part of it only beside a term wholly beyond
    head words (食品经营 and 化学品经营 share only 品经: nothing)."""
    small, large = (a, b) if len(a.vector) <= len(b.vector) else (b, a)
    value = specific = across = 0.0
    for t, w in small.vector.items():
        other = large.vector.get(t)
        if other is not None:
            value += w * other
            if t in small.heads or t in large.heads:
                continue
            if t in small.edges or t in large.edges:
                across += w * other
            else:
                specific += w * other
    return value, specific + across if specific else 0.0


def score(a: Reading, b: Reading) -> float:
    """The score of two readings (see the module's text)."""
    value, specific = cosine(a, b)
    if specific < SPECIFIC_FLOOR:
        return 0.0
    if a.support != b.support:
        value *= SUPPORT_FACTOR
    if split_by_stage(a.stages, b.stages):
        value *= STAGE_FACTOR
    return round(min(float(value), 1.0), 3)


@functools.lru_cache(maxsize=4096)
def content_terms(text: str) -> frozenset[str]:
    """The terms of a text, once per text (texts repeat: templates, identical duties)."""
    return frozenset(scan(text)[0])


@functools.lru_cache(maxsize=4096)
def _pieces(text: str) -> tuple[str, ...]:
    """The pieces of a text's clauses between joining characters."""
    return tuple(p for clause in clauses(text) for p in JOINERS.split(clause) if len(p) > 1)


@functools.lru_cache(maxsize=4096)
def _target(text: str) -> tuple[str, frozenset[str]]:
    """A text's clauses run together, and the bigrams in it."""
    joined = "".join(clauses(text))
    return joined, frozenset(joined[k : k + 2] for k in range(len(joined) - 1))


def shared_phrases(a: str, b: str, weights: Weights, limit: int = EVIDENCE_PHRASES) -> list[str]:
    """The longest phrases of ``a`` found in ``b`` (two characters or more, boilerplate
    clauses left out), weightiest first.

    >>> shared_phrases("负责全市公共数据归集共享", "统筹公共数据归集和开放", Weights())
    ['公共数据归集']
    >>> shared_phrases("负责全市市场监管综合执法", "统筹市场监管综合执法", Weights())
    ['市场监管综合执法']
    """
    target, grams_b = _target(b)
    content = content_terms(a)  # a phrase of only generic words weighs nothing
    idf, unseen = weights.idf, weights.unseen
    found: dict[str, float] = {}
    for piece in _pieces(a):
        i = 0
        while i < len(piece) - 1:
            if piece[i : i + 2] not in grams_b:
                i += 1
                continue
            j = i + 2
            while j < len(piece) and piece[i : j + 1] in target:
                j += 1
            phrase = piece[i:j]
            if len(phrase) > 2 and phrase[0] in LEVEL_CHARACTERS and phrase[:2] not in LEVEL_WORDS:
                phrase = phrase[1:]  # 区大数据 (of 全区大数据, 本区大数据): 大数据
            grams = (phrase[k : k + 2] for k in range(len(phrase) - 1))
            weight = sum(idf.get(g, unseen) for g in grams if g in content)
            if weight > 0:
                found[phrase] = max(found.get(phrase, 0.0), weight)
            i = j
    ranked = sorted(found, key=lambda p: (-found[p], p))
    kept: list[str] = []
    for phrase in ranked:
        if not any(phrase in k for k in kept):
            kept.append(phrase)
    return kept[:limit]


def judge(
    text_a: str,
    text_b: str,
    *,
    weights: Weights | None = None,
    function_a: str = "",
    function_b: str = "",
) -> Judgement:
    """Whether two duty texts state the same responsibility: a score from 0 to 1 and the
    phrases they share. ``weights`` are the IDF of the body of duties the two belong to
    (their government's); without them every term weighs the same. ``function_a`` and
    ``function_b`` are the names of the functions the duties are on, where known.

    >>> j = judge("负责全市公共数据归集、共享和开放工作", "统筹推进公共数据归集共享")
    >>> j.score > 0.5, j.evidence[0]
    (True, '公共数据归集')
    >>> judge("完成市政府交办的其他任务", "完成区委交办的其他任务").score
    0.0
    """
    weights = weights or Weights()
    value = score(read(text_a, weights, function_a), read(text_b, weights, function_b))
    evidence = shared_phrases(normalise(text_a), normalise(text_b), weights) if value else []
    return Judgement(value, tuple(evidence))
