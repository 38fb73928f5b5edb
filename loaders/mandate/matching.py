"""Matching the agency names a 三定 text uses to the baseline's agencies.

A text names agencies in full (江海市生态环境局), by a nameplate (加挂牌子), or in the
short form of its own government (市生态环境局, 市委政法委员会, 市政府办公室). Only these
spellings match; a name that matches none is reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from govkg.loaders.mandate.baseline import Agency

_PLACE = re.compile(
    r"^(?:中共)?([\u4e00-\u9fff]{1,7}?(?:自治区|自治州|省|市|州|盟|地区))"
    r"(?:([\u4e00-\u9fff]{1,6}?(?:区|县|旗|市))(?=[\u4e00-\u9fff]{2}))?"
)
_LEVEL_WORDS = ("自治区", "自治州", "地区", "省", "市", "州", "盟", "区", "县", "旗")


def short_names(name: str) -> set[str]:
    """The short forms a text of the agency's own government uses for it.

    >>> sorted(short_names("江海市人民政府办公室"))
    ['市人民政府办公室', '市政府办公室']
    >>> sorted(short_names("中共江海市委政法委员会"))
    ['市委政法委员会']
    >>> sorted(short_names("江海市海滨区市场监督管理局"))
    ['区市场监督管理局']
    """
    match = _PLACE.match(name)
    if not match:
        return set()
    place = match.group(2) or match.group(1)
    level = next(w for w in _LEVEL_WORDS if place.endswith(w))
    rest = name[match.end() :]
    if len(rest) < 2:
        return set()
    forms = {f"{level}{rest}"}
    forms |= {f.replace("人民政府", "政府") for f in forms}
    return forms


@dataclass(frozen=True)
class Match:
    agency: Agency
    spelling: str
    start: int


class NameMatcher:
    """Every spelling of every baseline agency; short forms only for one government."""

    def __init__(self, agencies: Iterable[Agency], government: str | None) -> None:
        self.spellings: dict[str, Agency] = {}
        ambiguous: set[str] = set()
        for agency in agencies:
            forms = {agency.name, *agency.also_named}
            if government is not None and agency.government == government:
                forms |= {s for f in list(forms) for s in short_names(f)}
            for form in forms:
                known = self.spellings.get(form)
                if known is not None and known.id != agency.id:
                    ambiguous.add(form)
                self.spellings[form] = agency
        for form in ambiguous:  # two agencies answer to it: it names neither for sure
            del self.spellings[form]
        self._pattern = (
            re.compile(
                "|".join(re.escape(s) for s in sorted(self.spellings, key=len, reverse=True))
            )
            if self.spellings
            else None
        )

    def agency(self, name: str) -> Agency | None:
        """The agency a whole name denotes, or None."""
        return self.spellings.get(name.strip())

    def find(self, text: str) -> list[Match]:
        """Every agency named in a text, longest spelling first, left to right."""
        if self._pattern is None:
            return []
        return [
            Match(self.spellings[m.group(0)], m.group(0), m.start())
            for m in self._pattern.finditer(text)
        ]
