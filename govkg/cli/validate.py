"""The body of ``govkg validate`` (the command in govkg/cli/__init__.py only calls this)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from govkg.errors import InputError, Problem
from govkg.settings import Settings
from govkg.shapes.findings import Finding, RuleBook, conforms
from govkg.validating.finding_runs import FindingRuns
from govkg.validating.report import write_report as write_report_to
from govkg.validating.report import xlsx_report
from govkg.validating.sources import Outcome, validate_disk_store, validate_sources


def outcome_of(args: argparse.Namespace, settings: Settings) -> Outcome:
    sources: list[Path] = list(args.sources)
    if args.draft is not None:
        from govkg.validating.draft import validate_draft

        if not sources:
            from govkg.validating.draft_store import validate_draft_in_store

            # the baseline is the store (--store, else the default store)
            return validate_draft_in_store(
                settings.store, args.draft, base_iri=settings.base_iri, rules=args.rule
            )
        return validate_draft(
            sources,
            args.draft,
            base_iri=settings.base_iri,
            engine=args.engine,
            rules=args.rule,
            cache_dir=settings.findings_cache,
        )
    if sources:
        return validate_sources(
            sources,
            base_iri=settings.base_iri,
            engine=args.engine,
            rules=args.rule,
            by_government=args.by_government,
        )
    return validate_disk_store(
        settings.store, base_iri=settings.base_iri, engine=args.engine, rules=args.rule
    )


def check_report_options(args: argparse.Namespace) -> None:
    """Refuse report options that cannot work, before anything is validated."""
    if args.format == "xlsx" and args.output is None:
        raise InputError(
            Problem("-o", "xlsx 格式须用 -o 指定输出文件", "--format xlsx needs -o FILE")
        )


def write_report(
    args: argparse.Namespace, findings: list[Finding] | FindingRuns, book: RuleBook
) -> int:
    """The report in ``--format`` to ``-o`` or standard output; 0 (conforms) or 1
    (violations), the exit status of ``govkg validate``. Findings on disk (a nation's)
    are written a finding at a time."""
    tally = findings.tally if isinstance(findings, FindingRuns) else None
    if args.format == "xlsx":
        xlsx_report(args.output, list(findings), book, args.lang)
    elif args.output is None:
        write_report_to(sys.stdout, findings, book, fmt=args.format, lang=args.lang, tally=tally)
    else:
        with args.output.open("w", encoding="utf-8") as out:
            write_report_to(out, findings, book, fmt=args.format, lang=args.lang, tally=tally)
    return 0 if (tally.conforms if tally else conforms(findings)) else 1


def run_validate(args: argparse.Namespace, settings: Settings) -> int:
    """Validate, write the report, and return 0 (conforms) or 1 (violations)."""
    check_report_options(args)
    if args.draft is not None and not args.sources and not args.rule and args.format == "json":
        return _streamed_draft_report(args, settings)
    outcome = outcome_of(args, settings)
    try:
        return write_report(args, outcome.findings, outcome.book)
    finally:
        if isinstance(outcome.findings, FindingRuns):
            outcome.findings.close()


def _streamed_draft_report(args: argparse.Namespace, settings: Settings) -> int:
    """A draft against the store as JSON, written as it is made: a province's hundreds of
    thousands of unchanged findings are copied from the generation's sidecar."""
    from govkg.validating.draft_store import draft_report_in_store

    report = draft_report_in_store(settings.store, args.draft, base_iri=settings.base_iri)
    out = args.output.open("w", encoding="utf-8") if args.output is not None else sys.stdout
    try:
        for chunk in report.json_chunks():
            out.write(chunk)
    finally:
        if out is not sys.stdout:
            out.close()
    return 0 if report.conforms() else 1
