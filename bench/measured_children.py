"""What the validation benchmarks share (not a test): the generated workbooks they read,
children run and measured with ``os.wait4``, and rules switched off inside a child.

Data goes under /tmp/validate_bench.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(tempfile.gettempdir()) / "validate_bench"
RULES = ROOT / "shapes" / "rules.ttl"
BASE = "https://id.govkg.org/"


def workbook(agencies: int, violations: float = 0.01) -> Path:
    out = WORK / f"wb-{agencies}"
    if not (out / "agencies.csv").exists():
        from govkg.synthetic import generate_workbook

        generate_workbook(out, agencies=agencies, violations=violations)
    return out


def run_child(args: list[str], timeout: float) -> dict:
    """Run a child printing one JSON line; that line plus wall, CPU and peak RSS (MB)."""
    out = WORK / "child.out"
    with out.open("wb") as f:
        result = popen_measured(args, timeout, f)
    text = out.read_text().strip()
    if text and "timeout" not in result:
        result.update(json.loads(text.splitlines()[-1]))
    return result


def popen_measured(args: list[str], timeout: float, stdout: object = None) -> dict:
    """Spawn, wait with os.wait4 (rusage of that child alone)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"timeout": timeout}
        time.sleep(0.05)
    return {
        "wall": time.perf_counter() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "status": os.waitstatus_to_exitcode(status),
    }


def drop_rules(drop: list[str]) -> None:
    """Switch rules off in this process (their shapes lose their targets): for measuring
    the rest when one rule's query is too slow to wait for."""
    import re

    from govkg.shapes import findings, validation

    text = RULES.read_text(encoding="utf-8")
    for rid in drop:
        start = text.index(f"gks:{rid} a")
        end = text.find("\ngks:", start + 1)
        end = len(text) if end < 0 else end
        block = re.sub(r"\n    sh:target\w+ [^;]+;", "", text[start:end])
        text = text[:start] + block + text[end:]
    findings.rules_ttl = validation.rules_ttl = lambda: text  # type: ignore[assignment]
