"""The scratch folder of a streamed validation (the rows filed by government, the
findings of the parts): in the system's temporary folder, named with the process id,
removed when done, when the process is interrupted or terminated (SIGINT, SIGTERM), and,
when it was killed outright (SIGKILL, a crash), by the next run that finds it: a folder
whose process is gone. A nation's rows take ~8 GB there."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import weakref
from pathlib import Path

from govkg.lifetime import process_alive

PREFIX = "govkg-parts-"


def _terminated(signum: int, _frame: object) -> None:
    # SIGTERM as an exit: the finally blocks and exit handlers run, the folder goes
    raise SystemExit(128 + signum)


def _exit_on_sigterm() -> None:
    """SIGTERM raises SystemExit in the main thread, if nobody handles it already."""
    main = threading.current_thread() is threading.main_thread()
    if main and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)


def remove_stale(root: Path) -> list[Path]:
    """Remove the scratch folders under ``root`` whose process is gone; those removed."""
    removed = []
    for folder in root.glob(f"{PREFIX}*-*"):
        pid = folder.name[len(PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and folder.is_dir() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _remove(folder: Path, owner: int) -> None:
    if os.getpid() == owner:  # never from a forked worker
        shutil.rmtree(folder, ignore_errors=True)


class Scratch:
    """A scratch folder, removed by ``close()``, at the latest when the process exits."""

    def __init__(self, root: Path | None = None) -> None:
        root = Path(root or tempfile.gettempdir())
        remove_stale(root)
        _exit_on_sigterm()
        self.folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
        self._finalizer = weakref.finalize(self, _remove, self.folder, os.getpid())

    def sub(self, name: str) -> Path:
        """A folder inside, made if need be."""
        path = self.folder / name
        path.mkdir(exist_ok=True)
        return path

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
