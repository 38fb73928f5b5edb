"""Memory given back to the operating system: early, or all at once at the end.

glibc keeps the pages a large query freed; ``release_freed_memory`` returns them, so
that the next phase of a validation starts lower (docs/benchmarks.md#validation).

Freeing a province's in-memory store piece by piece takes seconds, which a command about
to end has no use for. The command line (``govkg.cli.run``) turns keeping on and leaves
with ``os._exit`` once its output is written; elsewhere (the API, tests, library use)
``keep_until_exit`` does nothing and everything is freed as usual.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from typing import NoReturn

_kept: list[object] = []
_keeping = [False]


def keep_until_exit(thing: object) -> None:
    """Hold ``thing`` until the process ends, if the process is a command that will
    leave without freeing it.

    >>> keep_until_exit(object())  # not a command: nothing is held
    >>> _kept
    []
    """
    if _keeping[0]:
        _kept.append(thing)


def start_keeping() -> None:
    _keeping[0] = True


def exit_without_freeing(status: int) -> NoReturn:
    """End the process with ``status`` once the standard streams are written, without
    freeing memory object by object."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone, a stream closed
            stream.flush()
    os._exit(status)


def release_freed_memory() -> None:
    """Return the heap's free pages to the operating system (glibc only; elsewhere
    nothing happens).

    >>> release_freed_memory()
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """In a worker process: be sent SIGTERM when the process ``parent`` ends (Linux;
    elsewhere nothing), and end on it, so that a command killed outright leaves no
    worker behind (a pool's worker would take the parent's SystemExit for its task's).
    Tested in tests/test_nation_stream.py."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it ended before: nobody will send the signal
        raise SystemExit(1)


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` is there (another user's counts: it cannot be signalled,
    but is not gone), so what it left behind is still its own."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
