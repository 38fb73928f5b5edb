"""Write a synthetic mandate workbook (see ``govkg.synthetic``).

python bench/generate.py /tmp/wb --agencies 5000 [--format csv|xlsx] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from govkg.synthetic import generate_workbook


def main(argv: list[str] | None = None) -> int:
    """Parse the options, write the workbook, print its row counts and speed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder of CSV files, or the .xlsx file")
    parser.add_argument("--agencies", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("--headers", choices=("en", "zh"), default="en")
    parser.add_argument("--units", type=int, help="default: 10 per agency")
    parser.add_argument("--power-items", type=int, help="default: 200 per agency")
    parser.add_argument("--datasets", type=int, help="default: 20 per agency")
    parser.add_argument(
        "--violations", type=float, default=0.01, help="rate of planted rule instances"
    )
    parser.add_argument("--governments", type=int, help="default: one per 40 agencies")
    parser.add_argument("--catalogue", choices=("shared", "government"), default="shared")
    parser.add_argument(
        "--leads", type=float, default=1.0, help="lead agencies per led function (1-7)"
    )
    parser.add_argument(
        "--unit-leads", type=float, default=0.0, help="share of extra lead duties held by units"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate_workbook(
        args.out,
        agencies=args.agencies,
        seed=args.seed,
        units=args.units,
        power_items=args.power_items,
        datasets=args.datasets,
        format=args.format,
        headers=args.headers,
        violations=args.violations,
        governments=args.governments,
        catalogue=args.catalogue,
        leads=args.leads,
        unit_leads=args.unit_leads,
    )
    took = time.perf_counter() - started
    total = sum(counts.values())
    for table, n in counts.items():
        print(f"{table:12} {n:>10,}")
    print(f"{'total':12} {total:>10,} rows in {took:.1f} s ({total / took:,.0f} rows/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
