"""A load killed at any moment leaves the store as it was (copy-on-write generations).

The load to kill, and the second writer it refuses, run in processes of their own (only a
process can be killed, or hold the store's lock against another); the loads before and
after it run in this one (``run_govkg``: the same command, without a process start)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_govkg, run_govkg_process, write_csv_workbook
from tests.test_load import same_graphs, store_graphs


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workbook whose load lasts long enough to be killed while reading or storing."""
    return big_workbook(tmp_path_factory.mktemp("big"), 150_000)


def big_workbook(folder: Path, items: int) -> Path:
    agencies = [["id", "name", "kind", "government", "level"]]
    agencies += [[f"A{i:03d}", f"测试局{i}", "政府组成部门", "329900", "市"] for i in range(100)]
    power = [["id", "base_code", "name", "type", "agency", "source", "materials"]]
    power += [
        [
            f"P{i:07d}",
            f"{i % 5000:012d}",
            f"事项{i}",
            "行政许可",
            f"A{i % 100:03d}",
            "编办" if i % 2 else "政务服务",
            "申请书;身份证明;营业执照",
        ]
        for i in range(items)
    ]
    return write_csv_workbook(folder, {"agencies": agencies, "power_items": power})


def start_load(source: Path, store: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "govkg.cli", "load", str(source), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert process.poll() is None, "the load ended before the moment to kill it"
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.mark.parametrize("moment", ["while reading", "while storing"])
def test_killed_load_leaves_the_store_as_it_was(
    moment: str, small_city: Path, big: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    assert run_govkg("load", small_city, "--store", store).returncode == 0
    before = store_graphs(store)
    load = start_load(big, store)
    if moment == "while reading":
        wait_for(lambda: any(store.glob("tmp-*/*.nt")), load)
    else:
        wait_for(lambda: (store / "gen-000002").exists(), load)
        time.sleep(0.3)  # well inside the bulk load
    os.kill(load.pid, signal.SIGKILL)
    load.wait()
    assert same_graphs(store_graphs(store), before)
    # The next writer clears what the killed one left, and works.
    done = run_govkg("load", small_city, "--store", store)
    assert done.returncode == 0, done.stderr
    # the half-built one is gone; the one the load replaced stays until the next switch
    assert sorted(p.name for p in store.glob("gen-*")) == ["gen-000001", "gen-000002"]
    assert os.readlink(store / "current") == "gen-000002"
    assert not list(store.glob("tmp-*"))


def test_second_writer_is_refused_while_one_loads(
    small_city: Path, big: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    load = start_load(big, store)
    try:
        wait_for(lambda: any(store.glob("tmp-*")), load)
        done = run_govkg_process("load", small_city, "--store", store)
        assert done.returncode == 2
        assert "另一个加载" in done.stderr and "another load" in done.stderr
    finally:
        load.kill()
        load.wait()
