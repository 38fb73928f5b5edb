"""Normalising a 三定 text before parsing: one width for letters, digits and punctuation,
simplified characters, and no page noise (page numbers, running headers, pinyin glosses
of scraped pages)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from govkg.loaders.mandate.hanzi_table import TRADITIONAL_TO_SIMPLIFIED

# After NFKC (full-width letters and digits become half-width, and so does punctuation),
# the punctuation the parser looks for goes back to its Chinese full-width form.
_PUNCTUATION = str.maketrans({"(": "（", ")": "）", ",": "，", ";": "；", ":": "：", "?": "？"})
_SIMPLIFY = str.maketrans(TRADITIONAL_TO_SIMPLIFIED)
_PAGE_NOISE = re.compile(
    r"""^(?:
        [-—–－_~·\s]*\d{1,4}[-—–－_~·\s]*               # - 3 -, — 12 —
      | 第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?   # 第 3 页 共 10 页
      | \d{1,4}\s*/\s*\d{1,4}                             # 3/10
      | (?:page|Page|PAGE)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?
    )$""",
    re.VERBOSE,
)
_PINYIN_GLOSS = re.compile(r"【[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüń]{1,8}】")
# The edit links a wiki mirror puts after each heading: 二、主要职责[编辑]
_WIKI_EDIT = re.compile(r"\[(?:编辑|編輯|edit)\]")
# A numbered marker written inline, after the end of a sentence or right after a heading
# (一、主要职责（一）按照……。（二）……): it starts a line of its own, as the parser expects.
_INLINE_MARKER = re.compile(
    r"(?:(?<=[。；])|(?<=职责|职能|调整|转变|机构|事项))[ \t]*"
    r"(?=第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)"
)
# Lines that carry structure are never running headers, however often they repeat.
_STRUCTURAL = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇]+条|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)"
)


def simplify(text: str) -> str:
    """Traditional characters to simplified, by the built-in table.

    >>> simplify("國務院辦公廳主要職責")
    '国务院办公厅主要职责'
    """
    return text.translate(_SIMPLIFY)


def normalise_width(text: str) -> str:
    """Half-width letters and digits, Chinese full-width punctuation.

    >>> normalise_width("(一)负责１２３４５热线;第２条:")
    '（一）负责12345热线；第2条：'
    """
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_PUNCTUATION)


def spelling(name: str) -> str:
    """A name as the normalised text spells it, spaces dropped: how names from a baseline
    are compared with a text.

    >>> spelling("Ａ級 旅游景區信息")
    'A级旅游景区信息'
    """
    return "".join(simplify(normalise_width(name)).split())


def drop_noise(lines: list[str]) -> list[str]:
    """Lines without page numbers and running headers or footers (a short line that
    repeats three times or more is a header, not text)."""
    stripped = [line.strip() for line in lines]
    counts = Counter(s for s in stripped if s)
    kept = []
    for line in stripped:
        if _PAGE_NOISE.match(line):
            continue
        if counts[line] >= 3 and len(line) <= 40 and not _STRUCTURAL.match(line):
            continue
        kept.append(line)
    return kept


def normalise(text: str) -> str:
    """The text the parser reads: normalised widths, simplified characters, no noise,
    one paragraph or wrapped line per line.

    >>> normalise("江海市公報\\n第一條　根據\\n- 2 -\\n江海市公報\\n江海市公報").splitlines()
    ['第一条 根据']
    """
    text = _WIKI_EDIT.sub("", _PINYIN_GLOSS.sub("", simplify(normalise_width(text))))
    text = _INLINE_MARKER.sub("\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return "\n".join(line for line in drop_noise(text.split("\n")) if line)
