"""The pipe between the workbook's mapping and pyoxigraph's loader (govkg/pipes.py)."""

from __future__ import annotations

import pytest

from govkg.errors import InputError, Problem
from govkg.pipes import ProducerFailed, readable_path
from govkg.store import oxigraph as oxi


def broken_chunks():
    yield "<http://e/a> <http://e/p> <http://e/b> .\n"
    raise ValueError("mapping bug")


@pytest.mark.parametrize("in_child", [False, True])
def test_text_arrives_whole(in_child: bool) -> None:
    chunks = [f'<http://e/s{i}> <http://e/p> "{i}" .\n' * 3 for i in range(5000)]
    store = oxi.memory_store()
    with readable_path(chunks, in_child=in_child) as path:
        oxi.bulk_load(store, format="nt", graph="http://e/g", path=path, trusted=True)
    assert len(store) == 5000


@pytest.mark.parametrize("in_child", [False, True])
def test_a_failing_producer_is_reported(in_child: bool) -> None:
    with (
        pytest.raises(ProducerFailed, match="mapping bug"),
        readable_path(broken_chunks(), in_child=in_child) as path,
        open(path, "rb") as f,
    ):
        f.read()


@pytest.mark.parametrize("in_child", [False, True])
def test_a_reader_stopping_early_does_not_hang(in_child: bool) -> None:
    endless = ("x" * 1000 + "\n" for _ in range(10**7))
    with pytest.raises(KeyError), readable_path(endless, in_child=in_child) as path:
        with open(path, "rb") as f:
            f.read(10)
        raise KeyError("the reader's own error")


def refused_input():
    yield "<http://e/a> <http://e/p> <http://e/b> .\n"
    raise InputError(Problem("wb.xlsx", "错", "wrong", table="机构", row=2, column="层级"))


@pytest.mark.parametrize("in_child", [False, True])
def test_the_producers_input_error_is_raised_as_it_is(in_child: bool) -> None:
    with (
        pytest.raises(InputError) as caught,
        readable_path(refused_input(), in_child=in_child) as path,
        open(path, "rb") as f,
    ):
        f.read()
    assert caught.value.problems == [
        Problem("wb.xlsx", "错", "wrong", table="机构", row=2, column="层级")
    ]
