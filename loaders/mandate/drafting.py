"""Turning parsed 三定 texts into the rows of a draft workbook (``docs/workbook.md``:
agencies, units, duties, divisions, data duties, and the power items and data duties of a
baseline agency the text does not govern, carried over) and the side sheets a person reviews:
function proposals (职能建议), the items of the duty list (条款), and notes on the import
(导入说明) with the names no baseline agency answers to."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from govkg.loaders.mandate.baseline import Agency, Baseline
from govkg.loaders.mandate.carrying import carry
from govkg.loaders.mandate.data_duties import data_duty_kinds
from govkg.loaders.mandate.linking import DatasetIndex
from govkg.loaders.mandate.matching import NameMatcher
from govkg.loaders.mandate.normalising import spelling
from govkg.loaders.mandate.numerals import chinese_numeral
from govkg.loaders.mandate.openings import place_of, same_place
from govkg.loaders.mandate.parsing import BUDGET, CURRENT, DUTY, ITEM_KINDS, PRE_2018, Mandate
from govkg.text.proposals import FunctionIndex, Proposal, is_sure

from govkg.errors import InputError, Problem

NATIONAL = "100000"  # the code GB/T 2260 gives the whole country
TO_CONFIRM = "待人工确认 to be confirmed"
ACCEPTED = "建议 proposed"

# Contract tables as the draft writes them (Chinese names and headers, as the examples).
CONTRACT_SHEETS = {
    "agencies": "机构",
    "units": "内设机构",
    "duties": "职责",
    "divisions": "职责分工",
    "power_items": "权力事项",
    "data_duties": "数据职责",
    "transfers": "职责划转",
}
SIDE_SHEETS = {
    "proposals": (
        "职能建议",
        ["职责编码", "依据", "建议职能编码", "建议职能", "得分", "备选（前三）", "状态"],
    ),
    "items": ("条款", ["机构编码", "依据", "类别", "category", "内容"]),
    "notes": ("导入说明", ["机构编码", "事项", "item", "内容"]),
}


def level_of(government: str) -> str:
    """The level of a government by its division code.

    >>> [level_of(c) for c in ("100000", "320000", "321000", "321002")]
    ['国家', '省', '市', '县']
    """
    if government == NATIONAL:
        return "国家"
    if government.endswith("0000"):
        return "省"
    return "市" if government.endswith("00") else "县"


@dataclass
class Draft:
    """The rows of the draft, table by table, and what a person should look at."""

    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    side: dict[str, list[list[str]]] = field(default_factory=dict)
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)  # agency, basis, name
    unsure: int = 0
    # Agencies of a government the baseline does not hold: nothing to match or check them
    # against (agency id → its government).
    unchecked: dict[str, str] = field(default_factory=dict)

    def add(self, table: str, **row: str) -> None:
        self.rows.setdefault(table, []).append(row)

    def note(self, sheet: str, row: list[str]) -> None:
        self.side.setdefault(sheet, []).append(row)


def _new_id(government: str, name: str) -> str:
    return f"SD-{government}-{zlib.crc32(name.encode('utf-8')):08X}"


def _short_section(mandate: Mandate, section: str) -> str:
    """第三条 stays; 二、主要职责 becomes 二 (the id then reads JH-ZWB-二（五）)."""
    return section if mandate.form == CURRENT else section.split("、", 1)[0]


class DraftBuilder:
    def __init__(self, baseline: Baseline, government: str | None) -> None:
        self.baseline = baseline
        self.government = government
        self.index = FunctionIndex(baseline.functions, baseline.labelled_duties)
        self.draft = Draft()
        self._seen: dict[str, str] = {}
        self._datasets: DatasetIndex | None = None

    def dataset_named(self, text: str, agency_id: str) -> str:
        """The baseline dataset a duty's text names, or '' (the index is built on first use:
        a store's datasets are read only when a text states a data duty)."""
        if self._datasets is None:
            self._datasets = DatasetIndex(self.baseline.holdings.datasets())
        return self._datasets.link(text, agency_id)

    def propose(self, duty_id: str, basis: str, text: str) -> str:
        """The best function for a duty (recorded with its alternatives), or ''."""
        ranked = self.index.rank(text)
        sure = is_sure(ranked)
        self.draft.unsure += 0 if sure else 1
        self.draft.note(
            "proposals",
            [
                duty_id,
                basis,
                ranked[0].function if ranked else "",
                ranked[0].name if ranked else "",
                f"{ranked[0].score:.3f}" if ranked else "",
                _alternatives(ranked),
                ACCEPTED if sure else TO_CONFIRM,
            ],
        )
        return ranked[0].function if ranked else ""

    def _agency(self, mandate: Mandate) -> tuple[Agency | None, str, str]:
        matcher = NameMatcher(self.baseline.agencies, self.government)
        known = matcher.agency(mandate.agency)
        if known is not None:
            return known, known.id, known.government
        government = self.government or self._government_of(mandate)
        if government is None:
            place = place_of(mandate.agency)
            raise InputError(
                Problem(
                    mandate.file,
                    f"基准中没有机构「{mandate.agency}」，无法确定所属政府"
                    + (f"（文中地名「{place}」不对应基准中的政府）" if place else "")
                    + "：请用 --government 指定 6 位行政区划代码",
                    f"the baseline has no agency '{mandate.agency}', so its government is"
                    + (
                        f" unknown (the place '{place}' the text names is no government of"
                        " the baseline)"
                        if place
                        else " unknown"
                    )
                    + ": give --government CODE",
                )
            )
        return None, _new_id(government, mandate.agency), government

    def _government_of(self, mandate: Mandate) -> str | None:
        """The government a text states: the whole country for a national body, else the
        baseline government whose agencies' names begin with the text's place name."""
        if (
            mandate.kind_stated.startswith("国务院")
            or mandate.agency.startswith(("国家", "国务院"))
            or "国家局" in mandate.kind_stated
        ):
            return NATIONAL
        place = place_of(mandate.agency)
        if not place:
            return None
        found = {
            a.government for a in self.baseline.agencies if same_place(place_of(a.name), place)
        }
        return found.pop() if len(found) == 1 else None

    def add(self, mandate: Mandate) -> None:
        known, agency_id, government = self._agency(mandate)
        if government not in self.baseline.governments:
            self.draft.unchecked[agency_id] = government
        if agency_id in self._seen:
            raise InputError(
                Problem(
                    mandate.file,
                    f"与「{self._seen[agency_id]}」是同一机构 ({agency_id})",
                    f"the same agency as '{self._seen[agency_id]}' ({agency_id})",
                )
            )
        self._seen[agency_id] = mandate.file
        matcher = NameMatcher(self.baseline.agencies, government)
        self._agency_row(mandate, known, agency_id, government, matcher)
        for item in mandate.items:
            kind_zh, kind_en = ITEM_KINDS[item.kind]
            basis = mandate.basis(item.label) if item.number else item.label
            self.draft.note("items", [agency_id, basis, kind_zh, kind_en, item.text])
            if item.kind == DUTY:
                duty_id = f"{agency_id}-{_short_section(mandate, mandate.duty_section)}{item.label}"
                self._duty(duty_id, agency_id, item.text, mandate.basis(item.label), agency_id)
        units: dict[str, str] = {}  # name as spelt → id, for carried duties of units
        for unit in mandate.units:
            unit_id = f"{agency_id}-U{unit.number:02d}"
            units.setdefault(spelling(unit.name), unit_id)
            staffing = str(unit.staffing) if unit.staffing is not None else ""
            self.draft.add("units", id=unit_id, agency=agency_id, name=unit.name, staffing=staffing)
            if unit.text:
                label = f"（{chinese_numeral(unit.number)}）"
                basis = mandate.basis(label, mandate.unit_section)
                section = _short_section(mandate, mandate.unit_section)
                self._duty(
                    f"{agency_id}-{section}{label}",
                    unit_id,
                    f"{unit.name}。{unit.text}",
                    basis,
                    agency_id,
                )
        self._divisions(mandate, agency_id, matcher)
        self._transfers(mandate, agency_id, matcher)
        self._notes(mandate, agency_id, known)
        if known is not None:
            self._carry(agency_id, units)

    def _carry(self, agency_id: str, units: dict[str, str]) -> None:
        """The agency's baseline power items and data duties the text does not govern."""
        holders = {agency_id, *units.values()}
        duties = self.draft.rows.get("data_duties", [])
        carried = carry(
            agency_id,
            self.baseline.holdings.of(agency_id),
            units,
            [d for d in duties if d["holder"] in holders],
            {d["id"] for d in duties},
        )
        for item in carried.power_items:
            self.draft.add("power_items", **item)
        for duty in carried.data_duties:
            self.draft.add("data_duties", **duty)
        for note in carried.notes:
            self.draft.note("notes", note)

    def _agency_row(
        self,
        mandate: Mandate,
        known: Agency | None,
        agency_id: str,
        government: str,
        matcher: NameMatcher,
    ) -> None:
        parent = known.parent if known else ""
        if not parent and "管理的" in mandate.kind_stated:
            manager = matcher.agency(mandate.kind_stated.split("管理的", 1)[0])
            parent = manager.id if manager is not None else ""
        stated_kind = mandate.kind if mandate.kind_stated else ""
        self.draft.add(
            "agencies",
            id=agency_id,
            name=mandate.agency,
            kind=stated_kind or (known.kind if known else "") or "其他",
            government=government,
            level=level_of(government),
            parent=parent,
            hosted_in=known.hosted_in if known else "",
            rank=mandate.rank or (known.rank if known else ""),
            also_named="；".join(mandate.also_named or (known.also_named if known else ())),
            uscc=known.uscc if known else "",
            staffing=str(mandate.staffing)
            if mandate.staffing is not None
            else (known.staffing if known else ""),
            cdo=known.cdo if known else "",
            mandate=mandate.title,
        )

    def _duty(self, duty_id: str, holder: str, text: str, basis: str, agency_id: str) -> None:
        function = self.propose(duty_id, basis, text)
        self.draft.add(
            "duties",
            id=duty_id,
            holder=holder,
            text=text,
            function=function,
            role="牵头",
            basis=basis,
        )
        kinds = data_duty_kinds(text)
        dataset = self.dataset_named(text, agency_id) if kinds else ""
        for kind in kinds:
            self.draft.add(
                "data_duties",
                id=f"{duty_id}-{kind}",
                holder=holder,
                kind=kind,
                dataset=dataset,
                in_mandate="是",
                text=text,
            )

    def _divisions(self, mandate: Mandate, agency_id: str, matcher: NameMatcher) -> None:
        for number, division in enumerate(mandate.divisions, start=1):
            found = [m.agency.id for m in matcher.find(division.text) if m.agency.id != agency_id]
            for name in division.names:
                if matcher.agency(name) is None and not matcher.find(name):
                    self.draft.unmatched.append((agency_id, division.basis, name))
            others = list(dict.fromkeys(found))
            if not others:
                continue  # the contract needs two agencies; the names are listed above
            division_id = f"FG-{agency_id}-{number:02d}"
            function = self.propose(division_id, division.basis, division.text)
            if not function:
                self.draft.unmatched.append(
                    (agency_id, division.basis, "（无可建议的职能 no function）")
                )
                continue
            self.draft.add(
                "divisions",
                id=division_id,
                agencies="；".join([agency_id, *others]),
                function=function,
                text=division.text,
                basis=division.basis,
            )

    def _transfers(self, mandate: Mandate, agency_id: str, matcher: NameMatcher) -> None:
        """One row of ``transfers`` per clause of 职责调整 / 职能转变 that moves a duty; the
        counterpart's id where the baseline knows the name (原 dropped: 原国家环境保护总局)."""
        for stated in mandate.transfers:
            name = stated.transfer.counterpart
            counterpart = matcher.agency(name.removeprefix("原")) if name else None
            self.draft.add(
                "transfers",
                id=f"{agency_id}-{stated.label}",
                agency=agency_id,
                kind=stated.transfer.kind,
                counterpart=name,
                counterpart_id=counterpart.id if counterpart is not None else "",
                text=stated.transfer.text,
                basis=stated.basis,
            )

    def _notes(self, mandate: Mandate, agency_id: str, known: Agency | None) -> None:
        facts = [
            ("文件", "file", mandate.file),
            ("形式", "form", FORMS[mandate.form]),
            ("标题", "title", mandate.title),
            ("机构类别（原文）", "kind as stated", mandate.kind_stated),
            ("与基准匹配", "baseline match", known.id if known else "新机构 new agency"),
            ("编制数", "staffing", "" if mandate.staffing is None else str(mandate.staffing)),
            ("领导职数", "leadership posts", "；".join(mandate.leadership)),
        ]
        if mandate.form == BUDGET:
            facts.append(
                (
                    "来源",
                    "source",
                    f"{mandate.source_kind}页面所载职责，并非三定规定本身 the duties a"
                    " budget page restates, not the 三定 regulation itself",
                )
            )
        if agency_id in self.draft.unchecked:
            unchecked = skipped(self.draft.unchecked[agency_id])
            facts.append(("基准对照", "baseline checks", " ".join(unchecked)))
        for zh, en, value in facts:
            self.draft.note("notes", [agency_id, zh, en, value])
        for owner, basis, name in self.draft.unmatched:
            if owner == agency_id:
                self.draft.note(
                    "notes", [agency_id, "未匹配名称", "unmatched name", f"{basis}：{name}"]
                )


FORMS = {
    CURRENT: "现行（第X条）current",
    PRE_2018: "2018年前（一、主要职责）pre-2018",
    BUDGET: "部门预算/决算页面 a budget page",
    "paragraph": "无编号（主要职责是……。）duties as sentences",
}


def skipped(government: str) -> tuple[str, str]:
    """What an import says (zh, en) of an agency whose government the baseline lacks."""
    return (
        f"基准中没有政府 {government}：未与基准对照（机构匹配、职责分工、承接内容、校验均已跳过）",
        f"the baseline has no government {government}: baseline checks skipped (agency"
        " match, divisions, carried rows, validation)",
    )


def _alternatives(ranked: list[Proposal]) -> str:
    return "；".join(f"{p.function} {p.name} {p.score:.3f}" for p in ranked)
