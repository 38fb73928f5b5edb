"""What a 三定 text states about its agency in so many words: its kind and rank (第二条 …是
市政府工作部门，为正处级), its nameplates (加挂……牌子), its staffing and leadership posts
(机关行政编制为44名。设局长1名，副局长3名)."""

from __future__ import annotations

import re

from govkg.loaders.mandate.numerals import CHINESE_DIGITS, chinese_number

STAFFING = re.compile(
    rf"(?:行政|事业|人员)?编制(?:数)?(?:为|共|核定为|核定)?([0-9{CHINESE_DIGITS}]+)名"
)
KIND_PHRASE = re.compile(
    r"(?:是|为|作为)([^，。；：\n]{0,24}?(?:组成部门|工作部门|直属特设机构|直属机构|办事机构|管理的国家局"
    r"|部门管理机构|工作机关|派出机构|议事协调机构|事业单位))"
)
_KINDS = (
    ("直属特设机构", "直属特设机构"),
    ("管理的国家局", "部门管理机构"),
    ("部门管理机构", "部门管理机构"),
    ("直属机构", "直属机构"),
    ("办事机构", "办事机构"),
    ("组成部门", "政府组成部门"),
    ("委工作部门", "党委工作机关"),  # 县委工作部门: a party committee's, not a government's
    ("工作部门", "政府组成部门"),
    ("工作机关", "党委工作机关"),
    ("派出机构", "派出机构"),
    ("议事协调机构", "议事协调机构"),
    ("事业单位", "事业单位"),
)
_RANK = re.compile(r"([正副])(省部|部|司局|地厅|厅|局|县处|处|县|乡科|科|乡)级")
_RANK_LEVEL = {
    "省部": "部",
    "部": "部",
    "司局": "厅",
    "地厅": "厅",
    "厅": "厅",
    "局": "厅",
    "县处": "处",
    "处": "处",
    "县": "处",
    "乡科": "科",
    "科": "科",
    "乡": "科",
}
_NAMEPLATE = re.compile(r"(不再)?(?:加挂|挂|保留)([^，。；：]{2,80}?)的?牌子")
_LEADER = re.compile(r"(?:长|主任|书记|主席)[0-9一二三四五六七八九十]+名")


def squash(text: str) -> str:
    """Wrapped lines joined: Chinese needs no space between them.

    >>> squash("第二条 市统计局是\\n市政府直属机构")
    '第二条 市统计局是市政府直属机构'
    """
    return re.sub(r"\s*\n\s*", "", text).strip()


def split_names(text: str) -> list[str]:
    """Agency names listed in a heading: 、 separates them; 和/及 only between two names
    (人力资源和社会保障局 is one name).

    >>> split_names("市发展和改革委员会、市财政局和市审计局")
    ['市发展和改革委员会', '市财政局', '市审计局']
    """
    names: list[str] = []
    for part in re.split(r"[、，]", text):
        pieces = re.split(r"(?<=[局委办部厅署室心院会])(?:和|及|以及)", part)
        names.extend(p.strip() for p in pieces if p.strip())
    return names


def agency_facts(header: str, agency: str) -> tuple[str, str, str, list[str]]:
    """(kind as stated, contract kind or '', rank, nameplates) from the text before the
    duties.

    >>> agency_facts("市生态环境局是市政府工作部门，为正处级，加挂市核安全局牌子。", "市生态环境局")
    ('市政府工作部门', '政府组成部门', '正处级', ['市核安全局'])
    """
    flat = squash(header)
    stated, kind, rank = "", "", ""
    plates: list[str] = []
    phrase = KIND_PHRASE.search(flat)
    if phrase:
        stated = phrase.group(1)
        kind = next(k for suffix, k in _KINDS if suffix in stated)
    found = _RANK.search(flat, phrase.end() if phrase else 0) or _RANK.search(flat)
    if found:
        rank = f"{found.group(1)}{_RANK_LEVEL[found.group(2)]}级"
    for negated, names in _NAMEPLATE.findall(flat):
        if not negated:
            plates.extend(n for n in split_names(names) if n not in agency)
    return stated, kind, rank, list(dict.fromkeys(plates))


def staffing_facts(body: str) -> tuple[int | None, list[str]]:
    """(staffing, leadership posts) of the staffing article or section.

    >>> staffing_facts("机关行政编制为44名。设局长1名，副局长3名；科级领导职数7名。")
    (44, ['设局长1名，副局长3名', '科级领导职数7名'])
    """
    flat = squash(body)
    staffing = STAFFING.search(flat)
    posts = [
        re.sub(r"^其中[：，]?", "", sentence).strip("，")
        for sentence in re.split(r"[。；]", flat)
        if "职数" in sentence or _LEADER.search(sentence)
    ]
    return (chinese_number(staffing.group(1)) if staffing else None), posts
