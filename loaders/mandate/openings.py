"""The agency a text is about: from its title, or, with no title, from its opening (a page
that starts at the preamble, "……设立环境保护部，为国务院组成部门。", or whose heading is only
the agency's name, "揭阳市揭东区工业信息化和科技局" above "第二条 区工业信息化和科技局是区政府
工作部门"); and the place a text names (揭阳市揭东区)."""

from __future__ import annotations

import re

from govkg.loaders.mandate.statements import KIND_PHRASE

TITLE = re.compile(
    r"([\u4e00-\u9fff（）]{2,40}?)(职能配置、?内设机构和人员编制规定|主要职责、?内设机构和人员编制规定"
    r"|机构职能编制规定|职能配置、?内设机构和人员编制方案)"
)
_NAME = r"[\u4e00-\u9fff（）]{2,40}?"
_AGENCY_END = r"(?:局|部|委员会|委|办公室|办公厅|厅|署|院|中心|室|会|所|站|队|处|科|行|馆|办)"
_ESTABLISHED = re.compile(
    rf"(?:设立|组建|保留|成立)({_NAME}{_AGENCY_END})(?:（以下简称[^）]{{1,20}}）)?，?(?:为|是|作为)"
)
_SUBJECT = re.compile(rf"({_NAME}{_AGENCY_END})$")
_HEADING = re.compile(rf"^[\u4e00-\u9fff]{{2,40}}?{_AGENCY_END}$")
_PLACE = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?(?:[\u4e00-\u9fff]{1,8}?(?:市|自治州|州|盟|地区))?"
    r"(?:[\u4e00-\u9fff]{1,8}?(?:区|县|旗|自治县))?)"
)


def title_in(line: str) -> re.Match[str] | None:
    """A title in a line, unless the line goes on past it (……人员编制规定草案 is text)."""
    found = TITLE.search(line)
    if found is None:
        return None
    rest = line[found.end() :].strip()
    return None if rest and not re.match(r"^(?:》|的通知|（|\(|根据)", rest) else found


def title_of(text: str) -> tuple[str, str] | None:
    """(agency, title) of a text's title, or None.

    >>> title_of("首页> 法规> 国务院办公厅职能配置内设机构和人员编制规定\\n一、职能调整")
    ('国务院办公厅', '国务院办公厅职能配置内设机构和人员编制规定')
    """
    # The title stands on a line of its own (or two, when a long title wraps); a page's
    # menus and bylines around it must not run into the name.
    lines = text[:6000].split("\n")
    matches = [m for line in lines for m in [title_in(line)] if m]
    matches += (
        []
        if matches
        else [m for i in range(len(lines) - 1) for m in [title_in(lines[i] + lines[i + 1])] if m]
    )
    if not matches:
        return None
    match = matches[0]
    agency = re.sub(r"^.*?(?:关于印发|印发)", "", match.group(1)).lstrip("《")
    return agency, f"{agency}{match.group(2)}"


def _stated_subject(text: str) -> tuple[str, int]:
    """The name before the sentence stating the kind (X是……工作部门 / 设立X，为……), and
    where that sentence is."""
    established = _ESTABLISHED.search(text)
    if established:
        return established.group(1), established.start()
    start = 0
    for line in text.split("\n"):
        phrase = KIND_PHRASE.search(line)
        if phrase is not None:
            before = re.split(r"[。，；：、（）《》 \t]", line[: phrase.start()])[-1]
            subject = _SUBJECT.search(before)
            if subject:
                return subject.group(1), start
        start += len(line) + 1
    return "", 0


def opening_agency(text: str) -> str:
    """The agency a text without a title is about, or ''. A heading that is the same name
    with its place (揭阳市揭东区工业信息化和科技局 for 区工业信息化和科技局) gives the full name.

    >>> opening_agency("根据方案，设立环境保护部，为国务院组成部门。\\n一、职责调整")
    '环境保护部'
    >>> opening_agency("揭阳市揭东区工业信息化和科技局\\n"
    ...                "第二条 区工业信息化和科技局是区政府工作部门。")
    '揭阳市揭东区工业信息化和科技局'
    """
    subject, stated_at = _stated_subject(text)
    if not subject:
        return ""
    core = re.sub(r"^[省市区县州旗]", "", subject)
    # the heading stands above the sentence that states the kind
    for line in text[:stated_at].split("\n")[:40]:
        line = line.strip()
        if line != subject and line.endswith(core) and _HEADING.match(line):
            return line
    return subject


def place_of(name: str) -> str:
    """The place an agency's name begins with (province, city, county), or ''.

    >>> [place_of(n) for n in ("揭阳市揭东区工业信息化和科技局", "柞水县审计局", "环境保护部")]
    ['揭阳市揭东区', '柞水县', '']
    """
    found = _PLACE.match(name)
    return found.group(1) if found else ""


def same_place(a: str, b: str) -> bool:
    """Whether two place names are one place, one maybe without the places above it.

    >>> same_place("揭东区", "揭阳市揭东区"), same_place("揭阳市", "揭阳市揭东区")
    (True, False)
    """
    return bool(a and b) and (a.endswith(b) or b.endswith(a))
