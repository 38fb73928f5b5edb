"""The body of ``govkg import mandate`` (govkg/cli/__init__.py only registers it): read 三定 texts,
write a draft workbook."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from govkg.errors import InputError, Problem
from govkg.settings import Settings


def add_parser(sub: Any, store_options: Any) -> None:
    """``govkg import mandate FILE... -o OUT [--government CODE] [--store|--baseline]``."""
    group = sub.add_parser(
        "import",
        help="导入文件为草稿工作簿 import documents as a draft workbook",
        description="把外部文件导入为征求意见稿工作簿。 Import documents as a draft workbook.",
    )
    kinds = group.add_subparsers(dest="import_kind", required=True, metavar="KIND")
    mandate = kinds.add_parser(
        "mandate",
        help="三定规定 → 草稿 a 三定 regulation → draft workbook",
        description="读取三定规定（.docx、.txt、.html、有文字层的 .pdf；现行「第X条」和 2018 年前"
        "「一、主要职责」两种体例），写出草稿工作簿（OUT.xlsx，或无 .xlsx 后缀时为 CSV 文件夹），"
        "可直接用 govkg validate 基准 --draft OUT 检查。机构名称与基准（--baseline 工作簿，"
        "否则存储）中的机构匹配；职能建议见「职能建议」表。 Read 三定 regulations (.docx, .txt,"
        " .html, .pdf with a text layer; the current 第X条 form and the pre-2018 一、主要职责"
        " form) and write a draft workbook (OUT.xlsx, or a folder of CSV when OUT has no"
        " .xlsx suffix) ready for `govkg validate BASELINE --draft OUT`. Agency names are"
        " matched to the baseline (--baseline WORKBOOK, else the store); function proposals"
        " are in the sheet 职能建议.",
    )
    mandate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    mandate.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="草稿：OUT.xlsx 或 CSV 文件夹 the draft: OUT.xlsx or a folder of CSV",
    )
    mandate.add_argument(
        "--government",
        metavar="CODE",
        help="所属政府（6 位行政区划代码）the government (6-digit division code) of the"
        " agencies the baseline does not know",
    )
    source = mandate.add_mutually_exclusive_group()
    source.add_argument(
        "--baseline",
        type=Path,
        metavar="WORKBOOK",
        help="基准工作簿（否则用存储）the baseline workbook (else the store)",
    )
    store_options(source)


def load_baseline(args: argparse.Namespace, settings: Settings) -> Any:
    from govkg.loaders.mandate.baseline import baseline_from_store, baseline_from_workbook

    if args.baseline is not None:
        return baseline_from_workbook(args.baseline)
    from govkg.loaders.mandate.baseline import Baseline
    from govkg.store import GraphStore

    store = GraphStore(settings.store)
    if not store.exists():
        return Baseline("")  # nothing loaded: a draft all the same, with no baseline checks
    return baseline_from_store(store.open_reader(), str(settings.store))


def run(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.loaders.mandate.drafting import skipped
    from govkg.loaders.mandate.importer import import_mandates

    if args.government is not None and not (
        len(args.government) == 6 and args.government.isdigit()
    ):
        raise InputError(
            Problem(
                "--government",
                f"「{args.government}」不是 6 位行政区划代码",
                f"'{args.government}' is not a 6-digit division code",
            )
        )
    baseline = load_baseline(args, settings)
    result = import_mandates(args.files, args.output, baseline, args.government)
    counts = result.counts()
    for mandate in result.mandates:
        print(
            f"已读取 read {mandate.file}: {mandate.agency}（{mandate.kind_stated or mandate.kind}"
            f"{'，' + mandate.rank if mandate.rank else ''}）"
        )
    print(
        f"已写出草稿 wrote the draft {result.output}: 职责 duties {counts['duties']}，"
        f"内设机构 units {counts['units']}，职责分工 divisions {counts['divisions']}，"
        f"数据职责 data duties {counts['data_duties']}，"
        f"权力事项 power items {counts['power_items']}，职责划转 transfers {counts['transfers']}"
    )
    if not baseline.source:
        print(
            "没有基准（未加载数据，也未给 --baseline） no baseline (nothing loaded, no --baseline)"
        )
    for agency, government in result.draft.unchecked.items():
        print(f"{agency}: {' '.join(skipped(government))}")
    print(
        f"职能建议待人工确认 proposals to be confirmed: {counts['to_confirm']}（见「职能建议」表"
        " see the sheet 职能建议）"
    )
    for agency, basis, name in result.draft.unmatched:
        print(f"未匹配的机构名称 unmatched name: {agency} {basis}：{name}")
    return 0
