"""Benchmark of the /ui/draft page against a store (issue 13 item 5; not part of the suite).

The app (its real worker processes) over a loaded store: POST /ui/draft with a draft
workbook, once to warm the worker (the store and its generation's sidecar opened), then
``--runs`` times, each timed to the page's last byte; then the report's download (GET of
the page's link) when the link is one (before, the page carried the xlsx itself as a
data: URL). Prints one JSON line.

    python bench/draft_page_bench.py --store STORE --draft DRAFT_DIR [--runs 3]

DRAFT_DIR is a folder of <table>.csv (bench/validate_bench.py draft makes one: draft-N).
Reports go to a scratch folder, not beside the store.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--store", type=Path, required=True)
    p.add_argument("--draft", type=Path, required=True)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)

    from fastapi.testclient import TestClient
    from govkg.api.main import create_app

    sys.path.insert(0, str(ROOT))
    from govkg.settings import Settings
    from tests.test_web_draft_report import zipped

    body = zipped(args.draft)
    out: dict = {"store": str(args.store), "load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="govkg-draft-page-bench-") as scratch:
        env = {"GOVKG_DRAFT_REPORTS": scratch}  # read by the settings of the version benched
        settings = Settings.from_env(env, store=args.store)
        with TestClient(create_app(settings)) as client:

            def check() -> tuple[float, str]:
                started = time.perf_counter()
                sent = client.post("/ui/draft", files={"draft": ("draft.zip", body)})
                took = time.perf_counter() - started
                assert sent.status_code == 200, sent.text[:2000]
                return took, sent.text

            out["first"], _html = check()
            times = []
            for _ in range(args.runs):
                took, html = check()
                times.append(took)
            out["warm"] = [round(t, 2) for t in times]
            out["warm_median"] = round(statistics.median(times), 2)
            out["page_bytes"] = len(html.encode())
            out["tally"] = dict(re.findall(r'<dd id="tally-(\w+)">(\d+)</dd>', html))
            (link,) = re.findall(r'id="download-xlsx"[^>]*href="([^"]+)"', html)
            if not link.startswith("data:"):
                started = time.perf_counter()
                got = client.get(link)
                out["download"] = round(time.perf_counter() - started, 2)
                assert got.status_code == 200, got.text[:2000]
                out["xlsx_bytes"] = len(got.content)
    out["load_after"] = os.getloadavg()
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
