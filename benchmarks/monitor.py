"""Benchmark of the monitor's computation (``kaohe.monitor.compute.evaluate``) against a plain
Python version of its core (growth derived where missing, city growth weighted by each unit's
base, 位次 with ties, gap in points, share of the city).

Synthetic: ``--units`` units (default 2,000: every county of a few provinces) × 36 monthly
releases (3 years, no January), published growth for most, missing for a tenth (derived).
Checks that both give the same ranks and gaps, prints the figures and, as the last line, a JSON
object with ``seconds``, ``baseline_seconds`` and ``speedup``.

    python benchmarks/monitor.py            # 2,000 units
    python benchmarks/monitor.py --units 200
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kaohe.monitor import compute as c  # noqa: E402


def data(units: int, seed: int = 7) -> list[tuple]:
    rng = random.Random(seed)
    rows = []
    for u in range(units):
        size = rng.uniform(10, 500)
        for year in (2024, 2025, 2026):
            for month in range(2, 13):
                amount = round(size * month / 12 * (1.05 ** (year - 2024)) * rng.uniform(0.95, 1.05), 2)
                growth = None if rng.random() < 0.1 else round(rng.gauss(5, 3), 1)
                rows.append((f"U{u:05d}", year, month, amount, growth))
    return rows


def baseline(rows: list[tuple]) -> dict[tuple, tuple]:
    """{(unit, year, month): (growth rank, gap_pp)} the straightforward way."""
    amount = {(u, y, m): a for u, y, m, a, _g in rows}
    growth = {}
    for u, y, m, a, g in rows:
        if g is None and amount.get((u, y - 1, m)):
            g = (a / amount[(u, y - 1, m)] - 1) * 100
        growth[(u, y, m)] = g
    by_release = defaultdict(list)
    for u, y, m in growth:
        by_release[(y, m)].append(u)
    out = {}
    for (y, m), units in by_release.items():
        have = [u for u in units if growth[(u, y, m)] is not None]
        total = sum(amount[(u, y, m)] for u in units)
        if len(have) == len(units):
            base = sum(amount[(u, y, m)] / (1 + growth[(u, y, m)] / 100) for u in units)
            city = (total / base - 1) * 100
        else:
            city = sum(growth[(u, y, m)] for u in have) / len(have)
        rounded = {u: round(growth[(u, y, m)], 1) for u in have}
        for u in have:
            rank = 1 + sum(1 for v in rounded.values() if v > rounded[u])
            out[(u, y, m)] = (rank, round(rounded[u] - round(city, 1), 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    args = parser.parse_args()
    rows = data(args.units)
    spec = c.Spec("x", "测试指标", "亿元")
    figures = c.frame(rows, c.FIGURES_SCHEMA)
    started = time.perf_counter()
    result = c.evaluate(spec, figures)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    expected = baseline(rows)
    baseline_seconds = time.perf_counter() - started
    got = {(u, y, m): (r, round(g, 1)) for u, y, m, r, g in result.select("unit", "year", "month", "growth_rank", "gap_pp")
           .drop_nulls().iter_rows()}
    mismatched = [k for k, v in expected.items() if got.get(k) != v]
    print(f"{args.units} units × 33 releases = {len(rows):,} figures")
    print(f"kaohe.monitor.compute.evaluate: {seconds:.3f} s; plain Python: {baseline_seconds:.3f} s; "
          f"same ranks and gaps: {len(expected) - len(mismatched):,}/{len(expected):,}")
    if mismatched:
        raise SystemExit(f"mismatch, e.g. {mismatched[0]}: {expected[mismatched[0]]} vs {got.get(mismatched[0])}")
    print(json.dumps({"seconds": round(seconds, 3), "baseline_seconds": round(baseline_seconds, 3),
                      "speedup": round(baseline_seconds / seconds, 1), "figures": len(rows)}))


if __name__ == "__main__":
    main()
