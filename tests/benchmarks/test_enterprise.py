"""The enterprise benchmark (benchmarks/enterprise.py) on a few hundred requests: it loads, sweeps,
serves the three board pages to one client and to eight, escalates — with no error, every figure
printed. Never a wall-clock assertion: the figures are the benchmark's to print."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.postgres import server_url

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.postgres  # runs once, in the PostgreSQL partition (scripts/run_tests.py)


def test_a_few_hundred_requests_run_through_every_phase_without_an_error():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL", "DJANGO_"))}
    env["KAOHE_BENCH_POSTGRES"] = server_url()
    done = subprocess.run(
        [sys.executable, "benchmarks/enterprise.py", "--requests", "300",
         "--database", f"kaohe_bench_enterprise_test_{os.getpid()}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0, done.stdout
    assert figures["requests"] == 300 and figures["events"] > 300
    for key in ("sweep_s", "all_clocks_s", "figures_s", "baseline_sweep_s", "escalate_ms"):
        assert figures[key] is not None, key
    # the three pages were served to the one client and to the eight, the server's time and CPU read
    for kind in ("board", "list", "overdue"):
        assert figures["board_single_client_server_p95_ms"][kind] > 0, kind
        assert figures["board_server_p95_ms"][kind] > 0, kind
        assert figures["board_cpu_p95_ms"][kind] > 0, kind
