"""A workbook's tables read a block of rows at a time, in a forked reader process (the
CSV parsed, the cells checked for shape) while the process that asked files the blocks
before: the pass of validation by government on two cores
(govkg/validating/government_stream.py)."""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from govkg.errors import Problem
from govkg.lifetime import die_with_parent
from govkg.loaders.contract import TABLES, TABLES_BY_NAME
from govkg.loaders.workbook import TableRows, Workbook, iter_tables

BLOCK = 20_000  # rows read before they are written to the governments' files
READ_AHEAD = 16  # blocks the reader holds beyond the one being sent (~10 MB each): enough
# to read on through a flush of the files before (FLUSH_ROWS), where 4 made it wait


def read_blocks(path: str | Path, problems: list[Problem]) -> Iterator[TableRows]:
    """The tables of the workbook at ``path`` a block of rows at a time, read (the CSV
    parsed, the cells checked for shape) in a forked process while this one files the
    blocks before: the pass on two cores (a province's reading is half of its 15 s).
    The reader is a few blocks ahead at most (READ_AHEAD: its sends wait for the reads)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    reader = context.Process(target=_read_into, args=(path, send, os.getpid()), daemon=True)
    reader.start()
    send.close()
    try:
        while True:
            table, *fields = receive.recv()
            if table is None:
                read_problems, failure = fields
                problems.extend(read_problems)
                if failure:
                    raise RuntimeError(f"reading {path} failed: {failure}")
                return
            yield TableRows(TABLES_BY_NAME[table], *fields)
    finally:
        receive.close()
        if reader.is_alive():  # stopped early: the reader is not waited for
            reader.terminate()
        reader.join()


def _read_into(path: str | Path, send: Connection, parent: int) -> None:
    """In the reader: each block's rows sent as read, then the problems (and a failure).
    A thread sends them, so that the reading goes on while a send waits for govkg to
    take the block before (sent from this thread, each waited: the two processes took
    turns, at ~60 % of a core each)."""
    die_with_parent(parent)
    problems: list[Problem] = []
    failure = ""
    blocks: queue.Queue[tuple[Any, ...]] = queue.Queue(maxsize=READ_AHEAD)
    sender = threading.Thread(target=_send_each, args=(blocks, send), daemon=True)
    sender.start()
    try:
        for data in iter_tables(path, problems, block=BLOCK):
            blocks.put((data.table.name, data.sheet, data.file, data.rows, data.encoding))
            data.rows = []
    except Exception as error:  # not the input's problems: those are in problems
        failure = repr(error)
    blocks.put((None, problems, failure))
    sender.join()
    send.close()


def _send_each(blocks: queue.Queue[tuple[Any, ...]], send: Connection) -> None:
    while True:
        message = blocks.get()
        send.send(message)
        if message[0] is None:
            return


def workbook_blocks(workbook: Workbook) -> Iterator[TableRows]:
    """The tables of a workbook read already, whole, in the contract's order."""
    for table in TABLES:
        if table.name in workbook.tables:
            yield workbook.tables[table.name]
