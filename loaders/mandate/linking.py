"""Linking a data duty read from a 三定 text to a baseline dataset: only when the duty's
text names one, by spelling (never guessed from similar words).

Names are normalised as the text is (one width, simplified characters). Where names
overlap, the longest occurring name is the one written (企业登记信息 names no 登记信息);
among the names left, a dataset the agency is a source of comes first, then the longest.
Two datasets still equal on both (one name, two ids) name none: that is for a person.
"""

from __future__ import annotations

from collections.abc import Sequence

from govkg.loaders.mandate.holdings import Dataset
from govkg.loaders.mandate.normalising import spelling


class DatasetIndex:
    """The baseline's datasets by normalised name."""

    def __init__(self, datasets: Sequence[Dataset]) -> None:
        self.by_name: dict[str, list[Dataset]] = {}
        for dataset in datasets:
            spelt = spelling(dataset.name)
            if spelt:
                self.by_name.setdefault(spelt, []).append(dataset)
        # longest first: a name found inside a longer one found already is not written
        self.names = sorted(self.by_name, key=lambda n: (-len(n), n))

    def link(self, text: str, agency: str) -> str:
        """The id of the dataset the text names ('' for none), preferring the agency's.

        >>> index = DatasetIndex([Dataset("D1", "登记信息", ("A",)), Dataset("D2",
        ...     "企业登记信息", ("B",)), Dataset("D3", "排污许可信息", ("A",))])
        >>> index.link("提供企业登记信息", "A"), index.link("共享企业登记信息和排污许可信息", "A")
        ('D2', 'D3')
        >>> index.link("负责公共数据归集", "A")
        ''
        """
        flat = spelling(text)
        spans: list[tuple[int, int]] = []
        named: list[str] = []
        for name in self.names:
            start = flat.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(s <= start and end <= e for s, e in spans):
                    spans.append((start, end))
                    named.append(name)
                    break
                start = flat.find(name, start + 1)
        candidates = [d for name in named for d in self.by_name[name]]
        if not candidates:
            return ""
        own = [d for d in candidates if agency in d.sources]
        pool = own or candidates
        longest = max(len(spelling(d.name)) for d in pool)
        best = [d for d in pool if len(spelling(d.name)) == longest]
        return best[0].id if len(best) == 1 else ""
