"""The enterprise benchmark (benchmarks/enterprise.py) on a few hundred requests: it loads, sweeps,
serves the three board pages to one client and to eight, escalates — with no error, every figure
printed. Never a wall-clock assertion: the figures are the benchmark's to print."""

from __future__ import annotations

import pytest

from tests.benchmarks import run_benchmark

pytestmark = pytest.mark.postgres  # runs once, in the PostgreSQL partition (scripts/run_tests.py)


def test_a_few_hundred_requests_run_through_every_phase_without_an_error():
    figures, out = run_benchmark("enterprise.py", "--requests", "300", database="kaohe_bench_enterprise_test")
    assert figures["errors"] == 0, out
    assert figures["requests"] == 300 and figures["events"] > 300
    for key in ("sweep_s", "all_clocks_s", "figures_s", "baseline_sweep_s", "escalate_ms"):
        assert figures[key] is not None, key
    # the three pages were served to the one client and to the eight, the server's time and CPU read
    for kind in ("board", "list", "overdue"):
        assert figures["board_single_client_server_p95_ms"][kind] > 0, kind
        assert figures["board_server_p95_ms"][kind] > 0, kind
        assert figures["board_cpu_p95_ms"][kind] > 0, kind
