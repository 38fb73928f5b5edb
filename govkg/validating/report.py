"""Findings for people: text grouped by rule (Chinese by default), JSON, and xlsx.

Text is written for an official, not an engineer: a verdict, then a heading per rule with
its Chinese name and count, most serious first, and one line per finding.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO, runtime_checkable

from govkg.shapes.findings import (
    Finding,
    Rule,
    RuleBook,
    as_json,
    conforms,
    counts,
    rule_order,
    sort_key,
)

SEVERITY = {
    "zh": {"violation": "违规", "warning": "警告", "info": "提示"},
    "en": {"violation": "violation", "warning": "warning", "info": "info"},
}
STATUS = {
    "zh": {"new": "新增", "resolved": "已解决", "unchanged": "未变"},
    "en": {"new": "new", "resolved": "resolved", "unchanged": "unchanged"},
}
STATUS_HEADING = {
    "zh": {
        "new": "征求意见稿带来的新问题",
        "resolved": "征求意见稿解决的问题",
        "unchanged": "仍然存在的问题",
    },
    "en": {
        "new": "New with the draft",
        "resolved": "Resolved by the draft",
        "unchanged": "Unchanged",
    },
}


def _rule_name(rule: Rule | None, rule_id: str, lang: str) -> str:
    if rule is None:
        return rule_id
    return rule.name.get(lang) or rule.name.get("zh") or rule.name.get("") or rule_id


@dataclass
class Tally:
    """What a report says before its findings: the findings of each (rule, severity),
    the counts of workbook.md's JSON and the verdict (summed over parts when the findings
    are on disk, govkg/validating/finding_runs.py)."""

    groups: Counter[tuple[str, str]] = field(default_factory=Counter)
    counts: dict[str, int] = field(default_factory=lambda: counts(()))
    conforms: bool = True

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Tally:
        findings = list(findings)
        groups = Counter((f.rule, f.severity) for f in findings)
        return cls(groups, counts(findings), conforms(findings))

    def add(self, other: Tally) -> None:
        self.groups.update(other.groups)
        for severity, n in other.counts.items():
            self.counts[severity] = self.counts.get(severity, 0) + n
        self.conforms = self.conforms and other.conforms


def _summary(tally: Tally, lang: str) -> str:
    c = tally.counts
    if lang == "zh":
        verdict = "通过" if tally.conforms else "不通过"
        return (
            f"校验结果：{verdict}（违规 {c['violation']} 项，警告 {c['warning']} 项，"
            f"提示 {c['info']} 项）"
        )
    verdict = "conforms" if tally.conforms else "does not conform"
    return (
        f"Result: {verdict} ({c['violation']} violations, {c['warning']} warnings, "
        f"{c['info']} info)"
    )


def _in_report_order(findings: Iterable[Finding]) -> list[Finding]:
    """Most serious rule first, then rule number; the order within a rule kept."""
    return sorted(findings, key=lambda f: rule_order(f.rule, f.severity))


def _groups(findings: Iterable[Finding]) -> list[tuple[str, str, list[Finding]]]:
    """(rule, severity, findings) in report order: most serious first, then rule number."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for f in _in_report_order(findings):
        grouped.setdefault((f.rule, f.severity), []).append(f)
    return [(rule, severity, group) for (rule, severity), group in grouped.items()]


def _rule_sections(
    findings: Iterable[Finding], sizes: Counter[tuple[str, str]], book: RuleBook, lang: str
) -> Iterator[str]:
    """The lines of each rule's section, a blank line between sections; ``findings`` in
    report order, ``sizes`` their number per (rule, severity)."""
    current = None
    for f in findings:
        if (f.rule, f.severity) != current:
            if current is not None:
                yield ""
            current = (f.rule, f.severity)
            name = _rule_name(book.rules.get(f.rule), f.rule, lang)
            sev = SEVERITY[lang].get(f.severity, f.severity)
            n = sizes[current]
            zh = lang == "zh"
            yield f"{f.rule} {name}（{sev}，{n} 项）" if zh else f"{f.rule} {name} ({sev}, {n})"
        yield f"  - {f.message.get(lang) or f.message.get('zh', '')}"


def text_report(findings: list[Finding], book: RuleBook, lang: str = "zh") -> str:
    """The report as plain text; with a draft, new first, then resolved, then unchanged."""
    out = io.StringIO()
    if not any(f.status for f in findings):
        write_text_report(out, _in_report_order(findings), Tally.of(findings), book, lang)
        return out.getvalue()
    out.write(_summary(Tally.of(findings), lang) + "\n\n")
    lines: list[str] = []
    for status in ("new", "resolved", "unchanged"):
        part = _in_report_order(f for f in findings if f.status == status)
        heading = STATUS_HEADING[lang][status]
        lines.append(f"== {heading}（{len(part)} 项）==" if lang == "zh" else
                     f"== {heading} ({len(part)}) ==")  # fmt: skip
        lines.append("")
        lines.extend(_rule_sections(part, Tally.of(part).groups, book, lang))
        if part:
            lines.append("")
    out.write("\n".join(lines).rstrip("\n") + "\n")
    return out.getvalue()


def write_text_report(
    out: TextIO, findings: Iterable[Finding], tally: Tally, book: RuleBook, lang: str = "zh"
) -> None:
    """The text report of findings in report order (sorted as validation sorts them),
    a line at a time: ``tally`` gives the verdict and each rule's count beforehand."""
    out.write(_summary(tally, lang) + "\n\n")
    if not tally.groups:
        out.write(("没有发现问题。" if lang == "zh" else "No findings.") + "\n")
        return
    for line in _rule_sections(findings, tally.groups, book, lang):
        out.write(line + "\n")


def tally(findings: list[Finding], book: RuleBook) -> list[str]:
    """One line per rule that has findings, most serious first, Chinese then English.

    >>> from govkg.shapes.store_validation import rule_book
    >>> tally([Finding("R2", "violation", "F01", ("A1", "A2"), {})], rule_book())
    ['R2 职责交叉未分工 Overlapping lead duties without a division（违规 violation）: 1']
    """
    lines = []
    for rule_id, severity, group in _groups(findings):
        rule = book.rules.get(rule_id)
        names = f"{_rule_name(rule, rule_id, 'zh')} {_rule_name(rule, rule_id, 'en')}"
        grade = f"{SEVERITY['zh'].get(severity, severity)} {SEVERITY['en'].get(severity, severity)}"
        lines.append(f"{rule_id} {names}（{grade}）: {len(group)}")
    return lines


def json_report(findings: list[Finding]) -> str:
    return json.dumps(as_json(findings), ensure_ascii=False, indent=2) + "\n"


@runtime_checkable
class WithReportTexts(Protocol):
    """Findings that come with their texts in the JSON report made already (the runs on
    disk: govkg/validating/finding_runs.py, made by the workers)."""

    def report_texts(self) -> Iterator[str]: ...


def write_json_report(out: TextIO, findings: Iterable[Finding], tally: Tally) -> None:
    """What ``json_report`` writes, a finding at a time (``tally``: the counts and the
    verdict, known beforehand; findings on disk come with their texts)."""
    if isinstance(findings, WithReportTexts):
        texts = findings.report_texts()
    else:
        texts = map(report_text, findings)
    out.writelines(json_chunks(tally.counts, tally.conforms, texts))


def json_chunks(counts: dict[str, int], conforms: bool, texts: Iterable[str]) -> Iterator[str]:
    """``json_report``'s text in pieces, from the verdict, the counts and the findings'
    ``report_text``s."""
    head = {"conforms": conforms, "counts": counts, "findings": []}
    opening = json.dumps(head, ensure_ascii=False, indent=2)
    assert opening.endswith("[]\n}")
    yield opening[: -len("]\n}")]
    separator = "\n"
    for text in texts:
        yield separator + text
        separator = ",\n"
    yield "]\n}\n" if separator == "\n" else "\n  ]\n}\n"


_encode = json.JSONEncoder(ensure_ascii=False).encode  # a string or number: in C


def report_text(f: Finding) -> str:
    """A finding as ``json_report`` writes it (``json.dumps(..., indent=2)``, two levels
    down), four times faster (the indenting encoder is Python; a nation's report has
    millions)."""
    lines = []
    for key, value in f.as_dict().items():
        if isinstance(value, (list, dict)) and value:
            if isinstance(value, dict):
                inner = [f"{_encode(k)}: {_encode(v)}" for k, v in value.items()]
                opening, closing = "{", "}"
            else:
                inner = [_encode(v) for v in value]
                opening, closing = "[", "]"
            items = ",\n        ".join(inner)
            lines.append(f"{_encode(key)}: {opening}\n        {items}\n      {closing}")
        else:
            lines.append(f"{_encode(key)}: {_encode(value)}")
    return "    {\n      " + ",\n      ".join(lines) + "\n    }"


def write_report(
    out: TextIO,
    findings: Iterable[Finding],
    book: RuleBook,
    *,
    fmt: str = "text",
    lang: str = "zh",
    tally: Tally | None = None,
) -> None:
    """The text or JSON report of a list of findings or, with their ``tally``, of
    sorted findings streamed from disk (a finding at a time)."""
    if tally is None:
        findings = list(findings)
        if fmt == "text":
            out.write(text_report(findings, book, lang))
            return
        tally = Tally.of(findings)
    if fmt == "json":
        write_json_report(out, findings, tally)
    else:
        write_text_report(out, findings, tally, book, lang)


def xlsx_report(path: Path, findings: list[Finding], book: RuleBook, lang: str = "zh") -> None:
    """A summary sheet and one sheet per rule with findings."""
    from govkg.loaders.xlsx_writer import write_xlsx  # openpyxl only when asked for

    draft = any(f.status for f in findings)
    zh = lang == "zh"
    summary_header = (
        ["规则", "名称", "严重程度", "问题数"] if zh else ["rule", "name", "severity", "findings"]
    )
    if draft:
        summary_header += ["新增", "已解决", "未变"] if zh else ["new", "resolved", "unchanged"]
    summary_rows: list[list[Any]] = []
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {}
    header = ["状态"] if draft and zh else ["status"] if draft else []
    header += (
        ["严重程度", "对象编码", "相关编码", "说明", "说明（英文）"]
        if zh
        else ["severity", "focus", "related", "message", "message (Chinese)"]
    )
    by_rule: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=sort_key):
        by_rule.setdefault(f.rule, []).append(f)
    for rule in book.ordered():
        group = by_rule.pop(rule.id, [])
        active = [f for f in group if f.status != "resolved"]
        row: list[Any] = [
            rule.id,
            _rule_name(rule, rule.id, lang),
            SEVERITY[lang].get(rule.severity, rule.severity),
            len(active),
        ]
        if draft:
            row += [
                sum(1 for f in group if f.status == s) for s in ("new", "resolved", "unchanged")
            ]
        summary_rows.append(row)
        if group:
            sheets[f"{rule.id} {_rule_name(rule, rule.id, 'zh' if zh else 'en')}"[:31]] = (
                header,
                [_finding_row(f, draft, lang) for f in group],
            )
    for rule_id, group in by_rule.items():  # findings of rules the book does not know
        sheets[rule_id[:31]] = (header, [_finding_row(f, draft, lang) for f in group])
    first = "汇总" if zh else "summary"
    write_xlsx(path, {first: (summary_header, summary_rows), **sheets})


def _finding_row(f: Finding, draft: bool, lang: str) -> list[Any]:
    other = "en" if lang == "zh" else "zh"
    row: list[Any] = [STATUS[lang].get(f.status or "", f.status or "")] if draft else []
    row += [
        SEVERITY[lang].get(f.severity, f.severity),
        f.focus,
        fit_cell("; ".join(f.related)),
        fit_cell(f.message.get(lang, "")),
        fit_cell(f.message.get(other, "")),
    ]
    return row


CELL_LIMIT = 32_767  # characters Excel takes in a cell
CUT = "…（已截断，全文见 --format json / cut: the whole text is in --format json）"


def fit_cell(text: str) -> str:
    """The text, cut to what an Excel cell holds (a finding naming thousands of power
    items, R7 on a large province, can be longer), saying where the whole is.

    >>> len(fit_cell("项" * 40_000)) == CELL_LIMIT and fit_cell("短") == "短"
    True
    """
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - len(CUT)] + CUT
