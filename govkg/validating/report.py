"""Findings for people: text grouped by rule (Chinese by default), JSON, and xlsx.

Text is written for an official, not an engineer: a verdict, then a heading per rule with
its Chinese name and count, most serious first, and one line per finding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

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


def _summary(findings: list[Finding], lang: str) -> str:
    c = counts(findings)
    ok = conforms(findings)
    if lang == "zh":
        verdict = "通过" if ok else "不通过"
        return (
            f"校验结果：{verdict}（违规 {c['violation']} 项，警告 {c['warning']} 项，"
            f"提示 {c['info']} 项）"
        )
    verdict = "conforms" if ok else "does not conform"
    return (
        f"Result: {verdict} ({c['violation']} violations, {c['warning']} warnings, "
        f"{c['info']} info)"
    )


def _groups(findings: Iterable[Finding]) -> list[tuple[str, str, list[Finding]]]:
    """(rule, severity, findings) in report order: most serious first, then rule number."""
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        grouped.setdefault((f.rule, f.severity), []).append(f)
    order = sorted(grouped, key=lambda k: rule_order(*k))
    return [(rule, severity, grouped[(rule, severity)]) for rule, severity in order]


def _rule_sections(findings: list[Finding], book: RuleBook, lang: str) -> list[str]:
    lines: list[str] = []
    for rule_id, severity, group in _groups(findings):
        name = _rule_name(book.rules.get(rule_id), rule_id, lang)
        sev = SEVERITY[lang].get(severity, severity)
        if lang == "zh":
            lines.append(f"{rule_id} {name}（{sev}，{len(group)} 项）")
        else:
            lines.append(f"{rule_id} {name} ({sev}, {len(group)})")
        for f in group:
            lines.append(f"  - {f.message.get(lang) or f.message.get('zh', '')}")
        lines.append("")
    return lines


def text_report(findings: list[Finding], book: RuleBook, lang: str = "zh") -> str:
    """The report as plain text; with a draft, new first, then resolved, then unchanged."""
    lines = [_summary(findings, lang), ""]
    if not findings:
        lines.append("没有发现问题。" if lang == "zh" else "No findings.")
        return "\n".join(lines) + "\n"
    if any(f.status for f in findings):
        for status in ("new", "resolved", "unchanged"):
            part = [f for f in findings if f.status == status]
            heading = STATUS_HEADING[lang][status]
            lines.append(f"== {heading}（{len(part)} 项）==" if lang == "zh" else
                         f"== {heading} ({len(part)}) ==")  # fmt: skip
            lines.append("")
            lines.extend(_rule_sections(part, book, lang))
    else:
        lines.extend(_rule_sections(findings, book, lang))
    return "\n".join(lines).rstrip("\n") + "\n"


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
