"""docs/cli.md is the commands' own --help, regenerated: it cannot go stale unseen."""

from __future__ import annotations

from govkg.cli import COMMANDS
from govkg.cli.reference import commands, reference_markdown

from .conftest import REPO


def test_the_command_reference_is_the_help_of_today() -> None:
    written = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == reference_markdown(), (
        "docs/cli.md is stale: run `python -m govkg.cli.reference > docs/cli.md`"
    )


def test_every_command_and_option_is_in_the_reference() -> None:
    page = reference_markdown()
    names = {name for name, _ in commands()}
    assert {f"govkg {name}" for name in COMMANDS} <= names
    for name, parser in commands():
        assert f"## `{name}`" in page
        for action in parser._actions:
            for flag in action.option_strings:
                assert flag in page, (name, flag)
