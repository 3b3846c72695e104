"""The benchmarks' smoke tests: each runs a benchmark script small, as a subprocess of its own on
the PostgreSQL partition's server, and reads the JSON line it prints last."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.postgres import server_url

ROOT = Path(__file__).resolve().parents[2]


def run_benchmark(script: str, *args: str, database: str) -> tuple[dict, str]:
    """Run ``benchmarks/<script>`` with ``args`` in a database of its own (``database`` + this
    process's id); its figures (the last line, JSON) and everything it printed. The environment is
    the test run's without kaohe's own settings: the benchmark makes its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL", "DJANGO_"))}
    env["KAOHE_BENCH_POSTGRES"] = server_url()
    done = subprocess.run([sys.executable, f"benchmarks/{script}", *args, "--database", f"{database}_{os.getpid()}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stdout
