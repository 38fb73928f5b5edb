"""Server start benchmark (not a test): how long ``govkg serve`` takes on a loaded store
until ``/findings`` answers (the worker reads the generation's findings with their
agencies and governments: from the sidecar, else from the findings graph), then one
more request (warm).

    python bench/server_start_bench.py STORE [--port 8766] [--timeout 1800]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=600) as answer:
            return answer.status, answer.read()
    except OSError:
        return 0, b""


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("store", type=Path)
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--timeout", type=float, default=1800)
    args = p.parse_args(argv)
    base = f"http://127.0.0.1:{args.port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "govkg.cli", "serve", "--store", str(args.store),
         "--port", str(args.port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    out: dict[str, float | int] = {}
    try:
        while time.perf_counter() - started < args.timeout:
            status, _ = get(f"{base}/openapi.json")
            if status == 200 and "up" not in out:
                out["up"] = time.perf_counter() - started
            if status == 200:
                status, body = get(f"{base}/findings?limit=1")
                if status == 200:
                    out["findings"] = time.perf_counter() - started
                    out["total"] = json.loads(body).get("total", -1)
                    break
            time.sleep(0.5)
        again = time.perf_counter()
        get(f"{base}/findings?limit=1&rule=R2")
        out["warm_request"] = time.perf_counter() - again
    finally:
        server.terminate()
        server.wait(30)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
