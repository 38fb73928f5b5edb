"""Parsing a normalised 三定 text: both forms.

The current form (from 2018) numbers articles 第一条 … 第N条: one article states the
agency's kind and rank, one lists its main duties （一）（二）…, one its internal units, one
its staffing. The older form numbers sections 一、职能转变 / 二、主要职责 / 三、内设机构 /
四、人员编制. Items of the duty list that are not duties (职能转变, 有关职责分工, 完成……交办的
其他任务) are told apart here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from govkg.loaders.mandate.budget import budget_title, duty_section
from govkg.loaders.mandate.numerals import CHINESE_DIGITS, chinese_number, chinese_numeral
from govkg.loaders.mandate.openings import opening_agency, title_of
from govkg.loaders.mandate.statements import (
    STAFFING,
    agency_facts,
    split_names,
    squash,
    staffing_facts,
)
from govkg.loaders.mandate.transfers import Transfer, transfers_in

from govkg.errors import InputError, Problem

CN = CHINESE_DIGITS
DUTY, TRANSFORMATION, DIVISION, OTHER_TASKS = "duty", "transformation", "division", "other_tasks"
ITEM_KINDS = {
    DUTY: ("主要职责", "main duty"),
    TRANSFORMATION: ("职能转变", "transformation of functions"),
    DIVISION: ("有关职责分工", "division of duties"),
    OTHER_TASKS: ("交办的其他任务", "other tasks assigned"),
}
CURRENT, PRE_2018 = "current", "pre-2018"
BUDGET = "budget"  # a 部门预算/决算 page restating the duties (not the 三定 itself)
PARAGRAPH = "paragraph"  # no numbered items: 主要职责是……。……。 (a yearbook, an OCR page)

_ARTICLE = re.compile(rf"(?m)^[ \t]*第([{CN}]+)条[ \t]*")
_SECTION = re.compile(r"(?m)^[ \t]*([一二三四五六七八九十]+)、[ \t]*")
_ITEM = re.compile(rf"(?:^|(?<=[。；：\n]))[ \t]*（([{CN}]+)）[ \t]*", re.M)
_ARABIC_ITEM = re.compile(r"(?m)^[ \t]*(\d{1,2})[.．、](?!\d)[ \t]*")
_SUBCLAUSE = re.compile(
    r"(?:^|(?<=[。；：\n]))[ \t]*(?:(\d{1,2})[.．、](?!\d)|（(\d{1,2})）)[ \t]*", re.M
)
_DUTY_HEADING = re.compile(r"主要职责(?:是|为|如下|包括)?[：。]|主要职责$")
_UNIT_NAME = re.compile(
    r"^[\u4e00-\u9fff（）]{1,28}?(?:办公室|办公厅|室|司|局|处|科|厅|部|中心|委员会|党委|委|股|所|队|组|站)$"
)
_OTHER_TASKS = re.compile(r"(?:完成|办理|承办).{0,30}?交办的(?:其他)?(?:任务|事项|工作)")
_DIVISION_START = re.compile(r"^(?:有关)?职责分工|^与.{1,80}?的?(?:有关)?职责分工")
_DIVISION_NAMES = re.compile(r"与(.{2,120}?)(?:之间)?的?(?:有关)?职责分工")


@dataclass(frozen=True)
class Item:
    """A numbered item of the main-duty list, as the text numbers it."""

    number: int
    label: str  # （五）
    text: str
    kind: str  # DUTY, TRANSFORMATION, DIVISION or OTHER_TASKS


@dataclass(frozen=True)
class StatedTransfer:
    """A transfer as the text states it, with where (basis) and the id's suffix."""

    transfer: Transfer
    basis: str  # 一、职责调整（三）, 三定规定第三条（十五）
    label: str  # 一（三）, 第三条（十五）-2: the transfer's id is <agency>-<label>


@dataclass(frozen=True)
class Unit:
    number: int
    name: str
    text: str
    staffing: int | None


@dataclass(frozen=True)
class Division:
    basis: str  # 三定规定第三条（十九）1
    names: tuple[str, ...]  # the other agencies its heading names, as written
    text: str


@dataclass
class Mandate:
    """What one 三定 text states."""

    file: str
    form: str
    title: str
    agency: str
    kind_stated: str = ""
    kind: str = "其他"
    rank: str = ""
    also_named: list[str] = field(default_factory=list)
    staffing: int | None = None
    leadership: list[str] = field(default_factory=list)
    duty_section: str = ""  # 第三条, or 二、主要职责
    unit_section: str = ""
    items: list[Item] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    divisions: list[Division] = field(default_factory=list)
    transfers: list[StatedTransfer] = field(default_factory=list)
    source_kind: str = ""  # 部门预算 / 部门决算 for a budget page, else ''

    def basis(self, label: str, section: str | None = None) -> str:
        """三定规定第三条（五）, or 二、主要职责（五） in the older form."""
        section = self.duty_section if section is None else section
        if self.form == CURRENT:
            return f"三定规定{section}{label}"
        return f"{self.source_kind}{section}{label}"

    @property
    def duties(self) -> list[Item]:
        return [item for item in self.items if item.kind == DUTY]


def _numbered(pattern: re.Pattern[str], text: str, first: int = 1) -> list[tuple[int, int, int]]:
    """(number, start, end of marker) of the markers numbered first, first+1, ... in order;
    markers out of sequence are text (a reference such as 依照第三条)."""
    found, expected = [], first
    for match in pattern.finditer(text):
        try:
            number = chinese_number(next(g for g in match.groups() if g))
        except ValueError:
            continue
        if number == expected:
            found.append((number, match.start(), match.end()))
            expected += 1
    return found


def _split(pattern: re.Pattern[str], text: str) -> tuple[str, list[tuple[int, str]]]:
    """The text before the first marker, and (number, body) of each numbered part."""
    marks = _numbered(pattern, text)
    if not marks:
        return text, []
    parts = []
    for index, (number, _, end) in enumerate(marks):
        stop = marks[index + 1][1] if index + 1 < len(marks) else len(text)
        parts.append((number, text[end:stop]))
    return text[: marks[0][1]], parts


def _item_kind(text: str) -> str:
    if re.match(r"^(?:职能转变|职责转变|转变职能|职能调整|职责调整)", text):
        return TRANSFORMATION
    if _DIVISION_START.match(text):
        return DIVISION
    if _OTHER_TASKS.search(text) and len(text) < 80:
        return OTHER_TASKS
    return DUTY


def _items(body: str) -> list[Item]:
    _, parts = _split(_ITEM, body)
    items = []
    for number, part in parts:
        text = squash(part)
        items.append(Item(number, f"（{chinese_numeral(number)}）", text, _item_kind(text)))
    return items


def _first_sentence(text: str) -> str:
    return re.split(r"[。：；]", text, maxsplit=1)[0]


def _divisions(mandate: Mandate, item: Item, section: str) -> list[Division]:
    """The division clauses of an item 有关职责分工 (one per numbered sub-clause)."""
    body = re.sub(r"^(?:有关)?职责分工[。：]?", "", item.text)
    _, parts = _split(_SUBCLAUSE, body)
    clauses = [(str(n), squash(t)) for n, t in parts] or [("", squash(body))]
    found = []
    for suffix, text in clauses:
        heading = _DIVISION_NAMES.search(_first_sentence(text))
        names = tuple(split_names(heading.group(1))) if heading else ()
        basis = mandate.basis(item.label, section) + suffix
        found.append(Division(basis, names, text))
    return found


def _units(body: str) -> list[Unit]:
    _, parts = _split(_ITEM, body)
    units = []
    for number, part in parts:
        text = squash(part)
        first_line = part.strip().split("\n", 1)[0].strip()
        # The older form puts a unit's name on a line of its own, its duties below.
        if "\n" in part.strip() and not re.search(r"[。：；]", first_line):
            head = first_line
        else:
            head = re.split(r"[。：；]", text, maxsplit=1)[0].strip()
        rest = text[len(head) :].lstrip("。：； ")
        # A unit's own staffing, where the text gives it, follows its name: 综合科（编制4名）
        stated = re.match(r"^(.*?)（(?:行政)?编制(?:数)?([0-9]+)名）$", head)
        name = stated.group(1) if stated else head
        # 政策法规科（行政审批科）: a unit's second nameplate in brackets is part of its name.
        core = re.sub(r"（[^（）]{1,20}）$", "", name)
        if not _UNIT_NAME.match(core) or "负责" in name:
            continue
        staffing = int(stated.group(2)) if stated else None
        units.append(Unit(number, name, rest, staffing))
    if units:
        return units
    listed = re.search(r"内设机构[^：。]*：([^。]+)。", squash(body))
    names = [n for n in split_names(listed.group(1)) if _UNIT_NAME.match(n)] if listed else []
    return [Unit(i, n, "", None) for i, n in enumerate(names, start=1)]


def _state_agency(mandate: Mandate, header: str) -> None:
    mandate.kind_stated, kind, mandate.rank, mandate.also_named = agency_facts(
        header, mandate.agency
    )
    mandate.kind = kind or mandate.kind


def _no_agency(file: str) -> InputError:
    return InputError(
        Problem(
            file,
            "找不到标题「××职能配置、内设机构和人员编制规定」，开头几条也没有写明机构"
            "（「设立××，为……」「××是……工作部门」）",
            "no title '... 职能配置、内设机构和人员编制规定' found, and the first articles"
            " name no agency ('设立X，为…', 'X是…工作部门')",
        )
    )


def parse(text: str, file: str) -> Mandate:
    r"""The facts of one normalised 三定 text (or of a budget page restating its duties);
    InputError when it has no main duties.

    >>> m = parse("甲局职能配置、内设机构和人员编制规定\n第一条 根据。\n"
    ...           "第二条 甲局是市政府工作部门。\n第三条 主要职责是：\n（一）负责甲。\n"
    ...           "（二）完成市委交办的其他任务。", "t.txt")
    >>> m.agency, m.kind, m.basis("（一）")
    ('甲局', '政府组成部门', '三定规定第三条（一）')
    >>> [(i.label, i.kind) for i in m.items]
    [('（一）', 'duty'), ('（二）', 'other_tasks')]
    """
    titled = title_of(text)
    if titled is None and (page := budget_title(text)) is not None:
        mandate = _parse_budget(text, file, *page)
    else:
        agency, title = titled or (opening_agency(text), "")
        if not agency:
            raise _no_agency(file)
        articles = _split(_ARTICLE, text)
        if len(articles[1]) >= 3:
            mandate = _parse_current(text, file, agency, title, articles)
        else:
            mandate = _parse_pre_2018(text, file, agency, title)
        if not mandate.duties:
            _parse_paragraph(mandate, text)
    if not mandate.items:
        raise InputError(
            Problem(
                file,
                "没有找到「主要职责」及其编号条目（一）（二）……",
                "no main duties (主要职责) with numbered items （一）（二）… found",
            )
        )
    return mandate


def _transfers(mandate: Mandate, item: Item, basis: str, label: str) -> None:
    """The transfers an item of 职责调整 / 职能转变 states (its clauses that move a duty)."""
    found = transfers_in(item.text, mandate.agency)
    for index, transfer in enumerate(found, start=1):
        suffix = f"-{index}" if len(found) > 1 else ""
        mandate.transfers.append(StatedTransfer(transfer, basis, f"{label}{suffix}"))


def _parse_budget(text: str, file: str, agency: str, kind: str, plates: list[str]) -> Mandate:
    mandate = Mandate(file, BUDGET, "", agency, also_named=plates, source_kind=kind)
    section = duty_section(text)
    if section is None:
        return mandate
    heading, preamble, body = section
    mandate.duty_section = heading
    arabic = _numbered(_ARABIC_ITEM, body)
    pattern = _ARABIC_ITEM if arabic else _ITEM
    for number, part in _split(pattern, body)[1]:
        label = f"{number}." if arabic else f"（{chinese_numeral(number)}）"
        part_text = squash(part)
        mandate.items.append(Item(number, label, part_text, _item_kind(part_text)))
    _state_agency(mandate, preamble)
    mandate.also_named = list(dict.fromkeys(plates + mandate.also_named))
    return mandate


def _parse_paragraph(mandate: Mandate, text: str) -> None:
    """Duties written as sentences after 主要职责是 (no numbered items): one duty a sentence."""
    flat = squash(text)
    found = re.search(r"主要职责(?:是|为|如下|包括)?：?", flat)
    if found is None:
        return
    mandate.form, mandate.duty_section, mandate.items = PARAGRAPH, "主要职责", []
    sentences = [s for s in re.split(r"(?<=。)", flat[found.end() :]) if s.strip("。 ")]
    for number, sentence in enumerate(sentences, start=1):
        mandate.items.append(Item(number, f"第{number}句", sentence, _item_kind(sentence)))
    before = flat[: found.start()]
    listed = re.search(r"下设(.{2,120}?)[0-9一二三四五六七八九十]+个内设机构", before)
    if listed and not mandate.units:
        names = [n for n in split_names(listed.group(1)) if _UNIT_NAME.match(n)]
        mandate.units = [Unit(i, n, "", None) for i, n in enumerate(names, start=1)]
    _state_agency(mandate, before)


def _parse_current(
    text: str, file: str, agency: str, title: str, articles: tuple[str, list[tuple[int, str]]]
) -> Mandate:
    mandate = Mandate(file, CURRENT, title, agency)
    before, parts = articles
    header = [before]
    for number, body in parts:
        label = f"第{chinese_numeral(number)}条"
        flat = squash(body)
        if not mandate.items and _DUTY_HEADING.search(flat[:400]) and _numbered(_ITEM, body):
            header.append(_split(_ITEM, body)[0])  # its opening may state the kind too
            mandate.duty_section = label
            mandate.items = _items(body)
            for item in mandate.items:
                if item.kind == DIVISION:
                    mandate.divisions.extend(_divisions(mandate, item, label))
                elif item.kind == TRANSFORMATION:
                    _transfers(mandate, item, mandate.basis(item.label), f"{label}{item.label}")
        elif not mandate.items:
            header.append(body)
        elif not mandate.units and "内设机构" in flat[:200]:
            mandate.unit_section = label
            mandate.units = _units(body)
        elif re.match(r"^(?:有关)?职责分工", flat):
            item = Item(0, "", flat, DIVISION)
            mandate.divisions.extend(_divisions(mandate, item, label))
        elif mandate.staffing is None and STAFFING.search(flat) and "编制" in flat[:80]:
            mandate.staffing, mandate.leadership = staffing_facts(body)
    _state_agency(mandate, "\n".join(header))
    return mandate


def _parse_pre_2018(text: str, file: str, agency: str, title: str) -> Mandate:
    mandate = Mandate(file, PRE_2018, title, agency)
    before, parts = _split(_SECTION, text)
    header = before
    for number, body in parts:
        heading = _first_sentence(body.split("\n", 1)[0])
        section = f"{chinese_numeral(number)}、{heading}"
        if "主要职责" in heading and not mandate.duty_section:
            mandate.duty_section = section
            duties = _items(body)
            mandate.items.extend(duties)
            for item in duties:
                if item.kind == DIVISION:
                    mandate.divisions.extend(_divisions(mandate, item, section))
        elif re.search(r"职责调整|职能调整|职能转变|职责转变", heading):
            # Its own numbered items, never mixed with the main duties (numbered anew).
            short = chinese_numeral(number)
            items = _items(body) or [Item(0, "", squash(body[len(heading) :]), TRANSFORMATION)]
            for item in items:
                kept = Item(0, f"{section}{item.label}", item.text, TRANSFORMATION)
                mandate.items.append(kept)
                _transfers(mandate, kept, kept.label, f"{short}{item.label}")
        elif "内设机构" in heading and not mandate.units:
            mandate.unit_section = section
            mandate.units = _units(body)
        elif "编制" in heading:
            mandate.staffing, mandate.leadership = staffing_facts(body)
        elif "职责分工" in squash(body) or "其他事项" in heading:
            for item in _items(body) or [Item(0, "", squash(body), DIVISION)]:
                if "职责分工" in item.text:
                    division = Item(item.number, item.label, item.text, DIVISION)
                    mandate.divisions.extend(_divisions(mandate, division, section))
    _state_agency(mandate, header)
    if not any(item.kind != TRANSFORMATION for item in mandate.items):
        mandate.items = []
    return mandate
