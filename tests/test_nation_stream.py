"""A nation's findings on disk: the streamed path writes each part's findings to a file,
the report is written from a merge of them (the parent never holds them all), the same
report as the whole path's byte for byte; the scratch folder goes whatever happens."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from govkg.loaders.workbook import read_workbook
from govkg.shapes.findings import Finding, sort_key
from govkg.shapes.store_validation import rule_book

from govkg.cli import main
from govkg.errors import InputError
from govkg.synthetic import generate_workbook
from govkg.validating import block_reader, finding_runs
from govkg.validating.report import Tally, json_report, write_report
from govkg.validating.scratch import PREFIX, Scratch, remove_stale
from govkg.validating.sources import validate_by_government, validate_sources
from tests.test_partition import BASE, SHAPES, _add_cross_government_rows, _append


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("counties") / "wb"
    generate_workbook(folder, violations=0.2, **SHAPES["counties"])
    _add_cross_government_rows(folder)
    return folder


@pytest.fixture
def scratch_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, this test's own (to see what is left in it)."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setenv("TMPDIR", str(root))
    monkeypatch.setattr("tempfile.tempdir", None)  # read TMPDIR again
    return root


def test_json_written_a_finding_at_a_time_is_json_report_byte_for_byte() -> None:
    r16 = Finding("R16", "info", "D1", ("D2",), {"zh": "职责\n相似", "en": "alike \"x\""},
                  score=0.4125, evidence=("数据共享", "统筹"))  # fmt: skip
    plain = Finding("R2", "violation", "F01", ("A1", "A2"), {"zh": "交叉", "en": "overlap"})
    drafted = Finding("R9", "warning", "A1", (), {"zh": "无", "en": "none"}, status="new")
    odd = Finding("R1", "violation", 'X"\\\x01\t😀', ("", "a\u2028b"), {}, score=1e-07)
    for findings in ([], [plain], [plain, r16], [drafted, r16], [odd, plain]):
        out = io.StringIO()
        write_report(out, iter(findings), rule_book(), fmt="json", tally=Tally.of(findings))
        assert out.getvalue() == json_report(findings)


@pytest.mark.parametrize(
    "options",
    [["--format", "json"], ["--format", "text"], ["--format", "text", "--lang", "en"]],
)
def test_streamed_report_equals_the_whole_paths(
    counties: Path,
    options: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    scratch_root: Path,
) -> None:
    """The report of the findings on disk (frames of 3 findings, merged from every part's
    run) is the whole path's, byte for byte; nothing is left in the temporary folder."""
    monkeypatch.setattr(finding_runs, "FRAME", 3)
    outputs = []
    for extra in ([], ["--by-government"]):
        out = tmp_path / f"report{len(outputs)}"
        assert main(["validate", str(counties), *options, "-o", str(out), *extra]) == 1
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b"R16" in outputs[0] and outputs[0].count(b"\n") > 200  # R16 among many
    assert list(scratch_root.iterdir()) == []


def test_a_frame_holds_little_text_however_large_the_findings(tmp_path: Path) -> None:
    """Frames end at FRAME findings or at FRAME_TEXT characters of text: findings with
    long messages (R7's at a nation's size) come a few at a time, in order."""
    long = [Finding("R7", "violation", f"code{n:03}", (f"I{n}",), {"zh": "名" * 400_000})
            for n in range(6)]  # fmt: skip
    short = [Finding("R7", "violation", f"small{n:03}", (), {}) for n in range(10)]
    runs = finding_runs.FindingRuns()
    for name, findings in (("long", long), ("short", short)):
        runs.add(tmp_path / name, finding_runs.write_run(tmp_path / name, findings))
    assert [f.as_dict() for f in runs] == [f.as_dict() for f in sorted(long + short, key=sort_key)]
    assert runs.peak_held <= 3 + len(short)  # 2-3 long ones (~1 MB of text) at a time


def test_the_parent_holds_a_frame_of_each_part_not_the_findings(
    counties: Path, monkeypatch: pytest.MonkeyPatch, scratch_root: Path
) -> None:
    """The workers write the findings; the parent, merging them, holds at most a frame
    of each part's run at a time (counted as they are read, not measured)."""
    monkeypatch.setattr(finding_runs, "FRAME", 2)
    found = validate_by_government(counties, BASE, book=rule_book(), part_rows=1)
    runs = found.runs
    assert len(runs) > 10 and all(p.is_file() for p in runs)
    every = list(found)
    assert len(every) == len(found) > 20 * len(runs)
    assert found.held == 0 and 0 < found.peak_held <= 2 * len(runs)
    assert found.tally.counts == Tally.of(every).counts
    out = io.StringIO()  # the report written as it is merged, as json.dumps writes it
    write_report(out, found, rule_book(), fmt="json", tally=found.tally)
    assert out.getvalue() == json_report(every)
    folder = found.scratch.folder
    assert folder.parent == scratch_root and not (folder / "rows").exists()  # rows: gone
    found.close()
    assert not folder.exists()


def test_scratch_removed_after_bad_input(tmp_path: Path, scratch_root: Path) -> None:
    folder = tmp_path / "wb"
    generate_workbook(folder, **SHAPES["counties"])
    _append(folder, "duties", [{"id": "X-D1", "holder": "NO-SUCH", "text": "无", "role": "牵头"}])
    with pytest.raises(InputError):
        validate_sources([folder], base_iri=BASE, by_government=True)
    assert list(scratch_root.iterdir()) == []


def test_stale_scratch_of_a_dead_process_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f"{PREFIX}{dead.stdout.strip()}-abc"
    live = tmp_path / f"{PREFIX}{os.getpid()}-abc"
    for folder in (stale, live):
        (folder / "rows").mkdir(parents=True)
    assert remove_stale(tmp_path) == [stale]
    assert not stale.exists() and live.exists()
    with Scratch(tmp_path) as scratch:
        assert scratch.folder.exists() and scratch.folder.name.startswith(f"{PREFIX}{os.getpid()}-")
    assert not scratch.folder.exists()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_scratch_removed_when_the_process_is_terminated(
    counties: Path, tmp_path: Path, signum: int
) -> None:
    """`govkg validate --by-government` stopped by SIGTERM or SIGINT while it works:
    it exits, its workers too, and its scratch folder is gone; killed outright
    (SIGKILL), its workers end too and the next run removes the folder."""
    root = tmp_path / "tmp"
    root.mkdir()
    govkg = Path(sys.executable).parent / "govkg"
    child = subprocess.Popen(
        [str(govkg), "validate", str(counties), "--by-government", "-o", os.devnull],
        env={**os.environ, "TMPDIR": str(root)},
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not list(root.glob(f"{PREFIX}*/findings/*.pickle")):  # the parts are running
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    workers = [int(pid) for pid in _children(child.pid)]
    assert workers
    child.send_signal(signum)
    assert child.wait(timeout=60) != 0
    deadline = time.monotonic() + 30
    while [pid for pid in workers if _running(pid)]:
        assert time.monotonic() < deadline, "workers left running"
        time.sleep(0.05)
    if signum == signal.SIGKILL:
        assert [p.name.split("-")[2] for p in root.iterdir()] == [str(child.pid)]
        Scratch(root).close()  # the next run
    assert list(root.iterdir()) == []


def _children(pid: int) -> list[str]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return found.stdout.split()


def _running(pid: int) -> bool:
    """Whether a process is there and not a zombie (nobody may reap an orphan here)."""
    found = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True)
    state = found.stdout.strip()
    return bool(state) and not state.startswith("Z")


def test_the_reader_sends_every_block_and_stops_with_the_pass(
    counties: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pass's reader (a forked process sending blocks from a thread) gives every row
    in order, a block at a time; when the pass stops after one block, it is gone too."""
    monkeypatch.setattr(block_reader, "BLOCK", 7)  # the fork inherits it
    problems: list = []
    read: dict[str, list] = {}
    for data in block_reader.read_blocks(counties, problems):
        assert 0 < len(data.rows) <= 7 or not data.rows
        read.setdefault(data.table.name, []).extend(data.rows)
    whole = read_workbook(counties)
    assert problems == []
    assert read == {name: whole.rows(name) for name in read} and len(read) == 9
    blocks = block_reader.read_blocks(counties, problems)
    next(blocks)
    blocks.close()  # the pass stopped: the reader, blocked in a send, is ended
    assert multiprocessing.active_children() == []
