"""The bodies of ``govkg propose`` and ``govkg decisions`` (govkg/cli.py only registers
them): function proposals for uncoded duties, and the decisions a person made on R16's
and R17's findings, for offices without the server."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from govkg.errors import InputError, Problem
from govkg.settings import Settings


def add_parsers(sub: Any, store_options: Any) -> None:
    propose = sub.add_parser(
        "propose",
        help="为未填职能的职责建议职能 propose functions for duties without one",
        description="为每条未填职能编码的职责给出最可能的职能（依据职能名称及其在目录中的位置、"
        "已填编码的职责和同一机构的其他职责），待人工确认；不给文件时读存储。 For each duty"
        " without a function, the functions of the catalogue it most likely belongs to"
        " (from the functions' names and place in the tree, the coded duties and the agency's"
        " other duties), for a person to decide; the store when no file is given.",
    )
    propose.add_argument("sources", nargs="*", type=Path, metavar="FILE_OR_DIR")
    store_options(propose)
    propose.add_argument("--top", type=int, default=3, help="每条职责建议几个 proposals per duty")
    propose.add_argument("--format", choices=["text", "json", "xlsx"], default="text")
    propose.add_argument("-o", "--output", type=Path, metavar="OUT")
    propose.add_argument("--lang", choices=["zh", "en"], default="zh")

    decisions = sub.add_parser(
        "decisions",
        help="对疑似职责交叉（R16）和划转职责无人承接（R17）的人工判断"
        " decisions on R16's and R17's findings",
        description="列出或记入对 R16 疑似职责交叉（focus、related 为两条职责）和 R17 划转职责"
        "无人承接（focus 为划转编号，related 为对方机构）的判断（排除：不是交叉或缺位，所依据的"
        "文字不变时不再报告；确认：确有其事）。判断存于存储的判断图，重新加载后仍在。 List or"
        " record decisions on R16's findings (focus, related: two duties) and R17's (focus: the"
        " transfer, related: the counterpart agency): dismiss (not an overlap or gap: no longer"
        " reported while the texts it was judged from are unchanged) or confirm. They are kept"
        " in the store's decisions graph across reloads.",
    )
    actions = decisions.add_subparsers(dest="decisions_action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="列出判断 list the decisions")
    store_options(listing)
    listing.add_argument("--format", choices=["text", "json"], default="text")
    apply = actions.add_parser(
        "apply",
        help="从文件记入判断 record decisions from a file",
        description="FILE 为 JSON（对象列表）或 CSV，列：rule, focus, related, decision"
        "（dismiss 排除 / confirm 确认）, note。 FILE is JSON (a list of objects) or CSV with"
        " the columns rule, focus, related, decision (dismiss / confirm), note.",
    )
    apply.add_argument("file", type=Path, metavar="FILE")
    apply.add_argument("--who", required=True, help="作出判断的人 who decides")
    store_options(apply)


def run_propose(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.proposing import (
        as_json,
        as_text,
        propose,
        store_catalogue,
        workbook_catalogue,
        write_xlsx,
    )

    if args.format == "xlsx" and args.output is None:
        raise InputError(
            Problem("-o", "xlsx 格式须用 -o 指定输出文件", "--format xlsx needs -o FILE")
        )
    if args.top < 1:
        raise InputError(Problem("--top", "--top 须为正整数", "--top must be a positive integer"))
    if args.sources:
        from govkg.validating.sources import read_sources

        workbooks, _rdf = read_sources(args.sources)
        functions, duties = workbook_catalogue(workbooks)
    else:
        from govkg.store import GraphStore

        functions, duties = store_catalogue(GraphStore(settings.store).open_reader())
    found = propose(functions, duties, top=args.top)
    names = {f.id: f.name for f in functions}
    if args.format == "xlsx":
        write_xlsx(args.output, found, names, args.lang)
        return 0
    text = as_json(found) if args.format == "json" else as_text(found, names, args.lang)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def run_decisions(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.decisions import list_decisions, record_decisions

    if args.decisions_action == "list":
        found = list_decisions(settings)
        if args.format == "json":
            print(json.dumps([d.as_dict() for d in found], ensure_ascii=False, indent=1))
        else:
            for d in found:
                print(f"{d.when} {d.who} {d.kind} {d.rule} {d.focus} {d.related} {d.note}".rstrip())
        return 0
    recorded = record_decisions(settings, read_decision_file(args.file), who=args.who)
    print(f"已记入 recorded: {len(recorded)}")
    return 0


def read_decision_file(path: Path) -> list[dict[str, str]]:
    """The rows of a decisions file (JSON list of objects, or CSV with a header)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(
            Problem(str(path), f"无法读取：{error}", f"cannot read: {error}")
        ) from None
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(
                Problem(str(path), f"不是有效的 JSON：{error}", f"not valid JSON: {error}")
            ) from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(Problem(str(path), "须为对象列表", "must be a list of objects"))
        return [{k: str(v) for k, v in r.items()} for r in rows]
    return [dict(r) for r in csv.DictReader(text.splitlines())]
