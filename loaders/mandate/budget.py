"""A department's 部门预算 / 部门决算 page, whose 主要职责 (部门职责, 职能职责) section restates
its 三定 duties: the agency from the page's title, the duties from the section's numbered
items (1. 2. … or （一）（二）…). The table of contents that repeats the headings is passed
over: the section taken is the one whose items follow it."""

from __future__ import annotations

import re

from govkg.loaders.mandate.numerals import CHINESE_DIGITS

_BUDGET_TITLE = re.compile(
    r"^(?:\d{4}年度?)?\s*(?P<name>[\u4e00-\u9fff（）]{2,40}?)\s*(?:（(?P<plate>[\u4e00-\u9fff]{2,40})）)?"
    r"\s*(?:\d{4}\s*年度?)?\s*(?P<kind>部门预算|部门决算|单位预算|单位决算|预算|决算)(?:公开)?(?:报告)?$"
)
_DUTY_HEADING = re.compile(
    rf"^(?:[{CHINESE_DIGITS}]+、|（[{CHINESE_DIGITS}]+）|\d{{1,2}}[.、])?\s*"
    r"(?:部门|单位)?\s*(?:的)?(?:主要)?(?:职责|职能|职能职责)(?:及内设机构|和内设机构|及机构设置)?$"
)
_ARABIC = re.compile(r"^(\d{1,2})[.．、](?!\d)")
_CHINESE = re.compile(rf"^（([{CHINESE_DIGITS}]+)）")
_SECTION_END = re.compile(rf"^(?:[{CHINESE_DIGITS}]+、|第[{CHINESE_DIGITS}]+部分)")


def budget_title(text: str) -> tuple[str, str, list[str]] | None:
    """(agency, page kind 部门预算/部门决算, nameplates) of a budget page's title, or None.

    >>> budget_title("杭州市钱塘区综合行政执法局 （杭州市钱塘区城市管理局） 2021年度部门决算")
    ('杭州市钱塘区综合行政执法局', '部门决算', ['杭州市钱塘区城市管理局'])
    """
    for line in text.split("\n")[:20]:
        found = _BUDGET_TITLE.match(line.strip())
        if found:
            kind = found.group("kind")
            kind = kind if kind.startswith(("部门", "单位")) else f"部门{kind}"
            plates = [found.group("plate")] if found.group("plate") else []
            return found.group("name"), kind, plates
    return None


def duty_section(text: str) -> tuple[str, str, str] | None:
    """(heading, the text before the first item, the items' text) of the duties section:
    the first duty heading followed by numbered items (before another section starts)."""
    lines = [line.strip() for line in text.split("\n")]
    for start, line in enumerate(lines):
        if not _DUTY_HEADING.match(line.replace(" ", "")):
            continue
        preamble: list[str] = []
        for index in range(start + 1, len(lines)):
            current = lines[index]
            if _ARABIC.match(current) or _CHINESE.match(current):
                if _DUTY_HEADING.match(current.replace(" ", "")):
                    break  # a nested heading: （一）主要职责 under 一、部门主要职责及内设机构
                style = _ARABIC if _ARABIC.match(current) else _CHINESE
                body = []
                for rest in lines[index:]:
                    ends = _SECTION_END.match(rest) or (style is _ARABIC and _CHINESE.match(rest))
                    if ends:
                        break
                    body.append(rest)
                heading = re.sub(r"^(?:[^、）]{1,4}[、）])", "", line).replace(" ", "")
                return heading, "\n".join(preamble), "\n".join(body)
            if _SECTION_END.match(current) or _DUTY_HEADING.match(current.replace(" ", "")):
                break
            preamble.append(current)
    return None
