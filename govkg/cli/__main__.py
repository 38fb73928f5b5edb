"""``python -m govkg.cli``: the ``govkg`` command."""

from govkg.cli import run

run()
