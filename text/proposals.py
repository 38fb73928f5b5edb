"""Proposing the functions a duty serves: TF-IDF cosine between the duty's text and each
function of the tree, described by its name (weighted), the names above it, and the
baseline's duties already placed on it. The terms are character bigrams of Chinese and
words of English (lower-cased, a plural's s taken off, words that say nothing left out).
No model to train or ship."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


class Function(Protocol):
    """A function of the catalogue as the ranking reads it."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def broader(self) -> str: ...


_HAN = re.compile(r"[\u4e00-\u9fff0-9]+")
# Words every duty uses: they tell nothing about which function it serves.
_BOILERPLATE = re.compile(
    r"负责|承担|组织|全市|全省|全区|全县|全国|指导|监督|推进|推动|建立|健全|拟订|起草|实施"
    r"|相关|有关|工作|贯彻|落实|政策|法规|规划|制度|体系|协调|统筹|参与|开展|加强|完善|依法"
)
_LATIN = re.compile(r"[a-z]{3,}")
# English words of any duty: they tell nothing about which function it serves.
_ENGLISH_STOP = frozenset(
    re.findall(
        r"\w+",
        "the and for with other such like including includes etc its their this that are not"
        " only all any from into under than also which who whose use used being been has have"
        " was were will shall may must per via",
    )
)
NAME_WEIGHT = 3
SURE_SCORE = 0.3  # below this, or too close to the runner-up, a person decides
SURE_MARGIN = 0.1
AGENCY_WEIGHT = 0.5  # how much the functions of the holder's other duties count


def bigrams(text: str) -> Counter[str]:
    """The terms of a text: character bigrams of its Chinese runs, boilerplate words left
    out, and its English words.

    >>> sorted(bigrams("负责公共数据归集"))
    ['公共', '共数', '归集', '据归', '数据']
    >>> sorted(bigrams("Regulation of the nursing homes"))
    ['home', 'nursing', 'regulation']
    """
    grams: Counter[str] = Counter()
    for run in _HAN.findall(_BOILERPLATE.sub(" ", text)):
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    for word in _LATIN.findall(text.lower()):
        if word not in _ENGLISH_STOP:
            grams[word[:-1] if len(word) > 4 and word[-1] == "s" and word[-2] != "s" else word] += 1
    return grams


@dataclass(frozen=True)
class Proposal:
    function: str
    name: str
    score: float


class FunctionIndex:
    """The function tree as TF-IDF vectors, ready to rank functions for a text."""

    def __init__(self, functions: Sequence[Function], labelled: Sequence[tuple[str, str]]) -> None:
        by_id = {f.id: f for f in functions}
        examples: dict[str, list[str]] = {}
        for text, function_id in labelled:
            examples.setdefault(function_id, []).append(text)
        documents: dict[str, Counter[str]] = {}
        for function in functions:
            counts: Counter[str] = Counter()
            for _ in range(NAME_WEIGHT):
                counts.update(bigrams(function.name))
            up, seen = by_id.get(function.broader), set()
            while up is not None and up.id not in seen:
                seen.add(up.id)
                counts.update(bigrams(up.name))
                up = by_id.get(up.broader)
            for text in examples.get(function.id, []):
                counts.update(bigrams(text))
            documents[function.id] = counts
        frequency = Counter(g for counts in documents.values() for g in counts)
        total = len(documents) or 1
        self.idf = {g: math.log((1 + total) / (1 + n)) + 1 for g, n in frequency.items()}
        self.names = {f.id: f.name for f in functions}
        self.broader = {f.id: f.broader for f in functions if f.broader}
        self.siblings: dict[str, list[str]] = {}
        for f in functions:
            if f.broader:
                self.siblings.setdefault(f.broader, []).append(f.id)
        self.vectors = {fid: self._unit(counts) for fid, counts in documents.items()}

    def _near(self, agency_functions: Mapping[str, int]) -> dict[str, float]:
        """The factor of each function the agency serves, or that shares a parent with one."""
        total = sum(agency_functions.values())
        if not total:
            return {}
        factor: dict[str, float] = {}
        for fid, n in agency_functions.items():
            boost = 1 + AGENCY_WEIGHT * n / total
            sibling = 1 + (boost - 1) / 2
            for near in (fid, *self.siblings.get(self.broader.get(fid, ""), ())):
                factor[near] = max(factor.get(near, 1.0), boost if near == fid else sibling)
        return factor

    def _unit(self, counts: Counter[str]) -> dict[str, float]:
        weights = {g: (1 + math.log(n)) * self.idf.get(g, 0.0) for g, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {g: w / norm for g, w in weights.items() if w}

    def rank(
        self, text: str, top: int = 3, *, agency_functions: Mapping[str, int] | None = None
    ) -> list[Proposal]:
        """The ``top`` functions most like the text, best first (ties by id).
        ``agency_functions`` counts the functions of the holder's other duties: a
        function (or one next to it in the tree) the agency already serves gains a little."""
        query = self._unit(bigrams(text))
        near = self._near(agency_functions or {})
        scores = [
            (sum(w * vector.get(g, 0.0) for g, w in query.items()) * near.get(fid, 1.0), fid)
            for fid, vector in self.vectors.items()
        ]
        scores.sort(key=lambda s: (-s[0], s[1]))
        return [Proposal(fid, self.names[fid], round(s, 3)) for s, fid in scores[:top] if s > 0]


def is_sure(proposals: Sequence[Proposal]) -> bool:
    """Whether the best proposal may stand without a person looking at it."""
    if not proposals or proposals[0].score < SURE_SCORE:
        return False
    return len(proposals) == 1 or proposals[0].score - proposals[1].score >= SURE_MARGIN
