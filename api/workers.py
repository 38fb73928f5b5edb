"""Worker processes that run the work a request may not finish in time.

pyoxigraph cannot cancel a running query, so every SPARQL query, every validation and
every write runs in a child process; when its time is up the child is killed (SIGKILL)
and replaced, and the request is answered 503. The children are started with ``spawn``
(forking a process that runs an event loop and threads is unsafe).

Two pools: ``readers`` (one process per core) open the store read-only, generation by
generation; ``writer`` is one process, so every load and update of the server goes
through the store's one writer. A killed writer leaves the store as it was (the store is
copy-on-write, see govkg/store/__init__.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from govkg.api.errors import ApiError
from govkg.loaders.archives import limits_in_force

from govkg.store import GraphStore

_CONTEXT = multiprocessing.get_context("spawn")
STARTUP_TIMEOUT = 120.0  # seconds for a new worker process to import and say it is ready


@dataclass
class Task:
    """What a worker does: ``kind`` names a function of govkg.api.tasks."""

    kind: str
    args: dict[str, Any]


class Worker:
    """One child process and the pipe to it."""

    def __init__(self, store: str) -> None:
        from govkg.api.tasks import worker_main

        self.store = store
        self.conn, child = _CONTEXT.Pipe()
        # a spawned child starts from the defaults: it is handed the limits in force
        self.process = _CONTEXT.Process(
            target=worker_main, args=(child, store, limits_in_force()), daemon=True
        )
        self.process.start()
        child.close()
        self.ready = False

    def call(self, task: Task, timeout: float | None) -> Any:
        """Send the task and wait; raise TimeoutError (the child is then killed).

        The time limit starts once the child has started (imports are not counted)."""
        if not self.ready:
            if not self.conn.poll(STARTUP_TIMEOUT):
                self.kill()
                raise EOFError
            self.conn.recv()  # ("ready",)
            self.ready = True
        self.conn.send(task)
        if not self.conn.poll(timeout):
            self.kill()
            raise TimeoutError
        return _unwrap(self.conn.recv())

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(Exception):
            self.conn.close()
        # A writer killed mid-load leaves a half-built generation: tidy it now rather
        # than at the next write (a no-op when another writer holds the lock).
        with contextlib.suppress(Exception):
            GraphStore(self.store).remove_leftovers()


def _unwrap(reply: tuple[Any, ...]) -> Any:
    if reply[0] == "ok":
        return reply[1]
    _, status, zh, en, problems = reply
    raise ApiError(status, zh, en, problems)


RETRY_AFTER = 5  # seconds, told to a client answered 503 because the workers are busy


def _busy(zh: str, en: str) -> ApiError:
    return ApiError(503, zh, en, headers={"Retry-After": str(RETRY_AFTER)})


class Pool:
    """``size`` workers; a request waits for a free one, then for its answer.

    With ``per_client``, one client (its address) may have at most that many tasks
    running or waiting, and with ``queue_wait`` a task waits at most that long for a
    free worker: past either it is answered 503 with Retry-After at once, so that one
    client's slow queries hold neither all the workers nor the others' requests."""

    def __init__(
        self,
        store: str,
        size: int,
        name: str,
        *,
        per_client: int | None = None,
        queue_wait: float | None = None,
    ) -> None:
        self.store = store
        self.size = size
        self.name = name
        self.per_client = per_client
        self.queue_wait = queue_wait
        self._in_flight: dict[str, int] = {}
        self._idle: asyncio.Queue[Worker] | None = None
        self._threads: ThreadPoolExecutor | None = None
        self._workers: list[Worker] = []
        self._lock = threading.Lock()

    def _queue(self) -> asyncio.Queue[Worker]:
        if self._idle is None:
            self._threads = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix=self.name)
            self._idle = asyncio.Queue()
            for _ in range(self.size):
                worker = Worker(self.store)
                self._workers.append(worker)
                self._idle.put_nowait(worker)
        return self._idle

    async def run(self, task: Task, timeout: float | None, *, client: str = "") -> Any:
        """Run a task in a free worker; ApiError 503 when it takes longer than ``timeout``
        (or the pool is busy, see the class)."""
        if self.per_client is not None and self._in_flight.get(client, 0) >= self.per_client:
            raise _busy(
                f"同一客户端同时最多 {self.per_client} 个查询"
                "（GOVKG_QUERIES_PER_CLIENT），请稍后再试",
                f"at most {self.per_client} queries at a time per client "
                "(GOVKG_QUERIES_PER_CLIENT); try again later",
            )
        self._in_flight[client] = self._in_flight.get(client, 0) + 1
        try:
            return await self._run(task, timeout)
        finally:
            self._in_flight[client] -= 1
            if not self._in_flight[client]:
                del self._in_flight[client]

    async def _run(self, task: Task, timeout: float | None) -> Any:
        idle = self._queue()
        try:
            worker = await asyncio.wait_for(idle.get(), self.queue_wait)
        except TimeoutError:
            raise _busy(
                f"查询进程都在忙（已等 {self.queue_wait:g} 秒），请稍后再试",
                f"every query worker is busy (waited {self.queue_wait:g} s); try again later",
            ) from None
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._threads, worker.call, task, timeout)
        except TimeoutError:
            raise ApiError(
                503,
                f"超过时间上限（{timeout:g} 秒），已中止",
                f"stopped: it took longer than the time limit of {timeout:g} s",
            ) from None
        except (EOFError, OSError, BrokenPipeError):
            worker.kill()
            raise ApiError(
                500, "工作进程意外退出", "the worker process ended unexpectedly"
            ) from None
        finally:
            idle.put_nowait(worker if worker.alive() else self._replace(worker))

    def start(self) -> None:
        """Start the workers now rather than at the first request."""
        self._queue()

    def _replace(self, dead: Worker) -> Worker:
        with self._lock:
            if dead in self._workers:
                self._workers.remove(dead)
            dead.kill()
            fresh = Worker(self.store)
            self._workers.append(fresh)
            return fresh

    def close(self) -> None:
        """Stop the workers; the pool starts afresh if used again."""
        for worker in self._workers:
            with contextlib.suppress(Exception):
                worker.conn.send(None)
            worker.kill()
        self._workers.clear()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
        self._idle = self._threads = None
