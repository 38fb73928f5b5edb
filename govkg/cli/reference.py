"""docs/cli.md, the command reference, written from the commands' own ``--help``.

Rewrite it after changing an option: ``python -m govkg.cli.reference > docs/cli.md``
(tests/test_cli_docs.py fails while it is stale).

>>> names = [name for name, _ in commands()]
>>> names[0], "govkg validate" in names, "govkg neo4j push" in names
('govkg', True, True)
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Iterator

from govkg.cli import build_parser

# help is wrapped at a fixed width, not the terminal's, so the page is the same everywhere
WIDTH = 100

HEADER = """# 命令参考 / Command reference

由各命令的 `--help` 生成，请勿手工修改；修改选项后运行
`python -m govkg.cli.reference > docs/cli.md`。
Generated from each command's `--help`; do not edit by hand. After changing an option, run
`python -m govkg.cli.reference > docs/cli.md` (`tests/test_cli_docs.py` fails while this
page is stale).
"""


def commands(
    parser: argparse.ArgumentParser | None = None, name: str = "govkg"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and sub-command with its parser, depth first, in the order defined."""
    parser = parser or build_parser()
    yield name, parser
    for action in parser._actions:  # argparse keeps sub-commands only here
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub_parser in action.choices.items():
                yield from commands(sub_parser, f"{name} {sub_name}")


def help_text(parser: argparse.ArgumentParser) -> str:
    """``parser``'s ``--help``, wrapped at ``WIDTH`` columns."""
    parser.formatter_class = functools.partial(parser.formatter_class, width=WIDTH)  # type: ignore[call-arg]
    return parser.format_help()


def reference_markdown() -> str:
    """The whole of docs/cli.md."""
    sections = [HEADER]
    for name, parser in commands():
        sections.append(f"\n## `{name}`\n\n```text\n{help_text(parser).rstrip()}\n```\n")
    return "".join(sections)


if __name__ == "__main__":
    print(reference_markdown(), end="")
