"""Text made in one place and read as a file in another: a pipe with its producer.

pyoxigraph's loaders read a path without Python's help, so the mapping of a workbook
(Python) can run beside the loading (Rust). In a thread the two still take turns: the
loader holds the GIL most of the time, and a province's mapping then adds to its loading
instead of hiding behind it (docs/benchmarks.md#load). In a forked child the mapping has a
GIL of its own; forking costs a few milliseconds and copies nothing up front, so it is
used for large inputs only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator

from govkg.errors import InputError

# what a producer ends with: nothing, the input's fault, or a bug's traceback
Outcome = InputError | str | None


class ProducerFailed(RuntimeError):
    """The code making the text failed (a bug: the input was checked before)."""


@contextlib.contextmanager
def readable_path(chunks: Iterable[str], *, in_child: bool = False) -> Iterator[str]:
    """A path (``/dev/fd/N``) from which the UTF-8 text of ``chunks`` can be read while
    they are being made, in a thread or (``in_child``) in a forked child process. The
    reader must read to the end or stop early by leaving the block; the producer's
    failure is raised on leaving it: its InputError as it is (before any error of the
    reader, which may have read the text of unchecked input), any other as
    ProducerFailed.

    >>> with readable_path(["a\\n", "b\\n"]) as path:
    ...     open(path).read()
    'a\\nb\\n'
    >>> with readable_path(["c\\n"], in_child=True) as path:
    ...     open(path).read()
    'c\\n'
    """
    read_end, write_end = os.pipe()
    _widen(write_end)
    if in_child:
        finish = _fork_producer(chunks, read_end, write_end)
    else:
        finish = _thread_producer(chunks, write_end)
    failed = True
    try:
        yield f"/dev/fd/{read_end}"
        failed = False
    finally:
        os.close(read_end)  # a producer still writing now gets a broken pipe and stops
        outcome = finish()
        if isinstance(outcome, InputError):
            raise outcome
    if outcome and not failed:
        raise ProducerFailed(outcome)


def _widen(pipe: int) -> None:
    """A pipe of 1 MB instead of 64 kB: with the small one, producer and reader took
    turns (the producer blocked in a write while the reader drained it, then the reader
    waited while the producer made the next chunk), and a province's load took longer
    (docs/benchmarks.md#load)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux, or over the limit
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)


def _write_all(chunks: Iterable[str], write_end: int) -> Outcome:
    """Write every chunk; how the producer failed, if it did (a closed reader is no
    failure)."""
    try:
        # writes well under the pipe's size, so the producer goes on while it holds data
        with os.fdopen(write_end, "wb", buffering=1 << 16) as pipe:
            for chunk in chunks:
                pipe.write(chunk.encode())
    except BrokenPipeError:
        return None  # the reader stopped first; its error is the one to report
    except InputError as error:
        return error
    except BaseException:  # reported by the reading side
        return traceback.format_exc()
    return None


def _thread_producer(chunks: Iterable[str], write_end: int) -> Callable[[], Outcome]:
    outcome: list[Outcome] = [None]

    def run() -> None:
        outcome[0] = _write_all(chunks, write_end)

    maker = threading.Thread(target=run, name="govkg-producer", daemon=True)
    maker.start()

    def finish() -> Outcome:
        maker.join()
        return outcome[0]

    return finish


def _fork_producer(chunks: Iterable[str], read_end: int, write_end: int) -> Callable[[], Outcome]:
    report_read, report_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: produce, report, and leave without running the parent's exits
        code = 1
        try:
            os.close(read_end)
            os.close(report_read)
            outcome = _write_all(chunks, write_end)
            with os.fdopen(report_write, "wb") as report:
                pickle.dump(outcome, report)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    os.close(report_write)

    def finish() -> Outcome:
        with os.fdopen(report_read, "rb") as report:
            told = report.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not told:
            return f"the producing process ended with status {status}"
        return pickle.loads(told)  # noqa: S301 (our own child's report)

    return finish
