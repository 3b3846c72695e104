"""The month-end benchmark (benchmarks/monthend.py) in its quick mode: a handful of users on
PostgreSQL behind gunicorn — no error and no lost update. Never a wall-clock assertion: the
figures are the benchmark's to print."""

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


def test_a_quick_month_end_run_has_no_error_and_loses_no_acknowledged_write():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL", "DJANGO_"))}
    env["KAOHE_BENCH_POSTGRES"] = server_url()
    done = subprocess.run(
        [sys.executable, "benchmarks/monthend.py", "--quick", "--users", "7", "--seconds", "12",
         "--database", f"kaohe_bench_monthend_test_{os.getpid()}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0, done.stdout
    assert figures["lost_updates"] == 0, done.stdout
    # The audit looked at real writes: every acknowledged write is one revision, one value-change row.
    assert figures["acknowledged_writes"] > 0
    assert figures["stored_revisions"] == figures["acknowledged_writes"] + figures["ambiguous"]
    assert figures["value_change_rows"] == figures["stored_revisions"]
    assert figures["audit_entries"] == figures["saving_requests"] > 0
    # Every kind of user was simulated (the baseline: each kind alone), the server's own time measured.
    for kind in ("login", "grid", "save", "review", "cockpit", "board", "profile", "public"):
        assert figures["baseline"][kind]["server"]["n"] > 0, kind
    assert figures["kinds"]["save"]["server"]["n"] > 0
