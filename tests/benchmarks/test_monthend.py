"""The month-end benchmark (benchmarks/monthend.py) in its quick mode: a handful of users on
PostgreSQL behind gunicorn — no error and no lost update. Never a wall-clock assertion: the
figures are the benchmark's to print."""

from __future__ import annotations

import pytest

from tests.benchmarks import run_benchmark

pytestmark = pytest.mark.postgres  # runs once, in the PostgreSQL partition (scripts/run_tests.py)


def test_a_quick_month_end_run_has_no_error_and_loses_no_acknowledged_write():
    figures, out = run_benchmark("monthend.py", "--quick", "--users", "7", "--seconds", "12",
                                 database="kaohe_bench_monthend_test")
    assert figures["errors"] == 0, out
    assert figures["lost_updates"] == 0, out
    # The audit looked at real writes: every acknowledged write is one revision, one value-change row.
    assert figures["acknowledged_writes"] > 0
    assert figures["stored_revisions"] == figures["acknowledged_writes"] + figures["ambiguous"]
    assert figures["value_change_rows"] == figures["stored_revisions"]
    assert figures["audit_entries"] == figures["saving_requests"] > 0
    # Every kind of user was simulated (the baseline: each kind alone), the server's own time measured.
    for kind in ("login", "grid", "save", "review", "cockpit", "board", "profile", "public"):
        assert figures["baseline"][kind]["server"]["n"] > 0, kind
    assert figures["kinds"]["save"]["server"]["n"] > 0
