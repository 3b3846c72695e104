"""``kaohe demo --serve`` runs the background worker beside the server, as real processes on SQLite.

The server and the worker are started exactly as ``make demo`` starts them; a scoring run is queued
from a third process (as the web page queues it), and the test waits — bounded, polling the database
file — until the worker has computed it. Then the server is stopped and the worker must be gone too.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 240  # migrate + the orgs demo on a fresh SQLite file, on a busy 2-core machine
RUN_SECONDS = 120

QUEUE_A_RUN = """
import polars as pl
from django.db import transaction
from kaohe.lib.periods import Period
from kaohe.results.runs import Inputs, create_run, start_run

scheme = {"name": "后台计分测试", "year": 2025, "root": {"code": "ROOT", "name": "综合", "children": [
    {"code": "GDP", "name": "地区生产总值增速", "points": 10, "method": "rank_points", "params": {"step": 2}}]}}
values = pl.DataFrame({"unit": ["A", "B"], "indicator": ["GDP", "GDP"], "value": [8.0, 6.0]})
units = pl.DataFrame({"unit": ["A", "B"], "name": ["甲区", "乙区"], "group": ["G", "G"]})
with transaction.atomic():
    run = create_run(Inputs.from_frames(scheme, values, units), period=Period.parse("2025-03"),
                     scheme_code="WORKER")
    start_run(run)  # enqueued for the worker when the transaction commits
print("RUN", run.pk)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL"))}
    # KAOHE_ENV unset = development: the database task backend, as in `make demo`.
    env.update({"KAOHE_VAR_DIR": str(tmp_path), "KAOHE_PORT": str(port), "KAOHE_DEBUG": "false",
                "DJANGO_SETTINGS_MODULE": "kaohe.settings", "PYTHONUNBUFFERED": "1"})
    return env


def _wait_for(predicate, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}; demo output:\n{log.read_text()[-3000:]}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_run_queued_in_demo_mode_is_computed_by_the_worker_which_stops_with_the_server(tmp_path):
    port = _free_port()
    env = _env(tmp_path, port)
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen([sys.executable, "-m", "kaohe.cli", "demo", "--serve", "--quiet", "--only", "orgs"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker_pid = None
    try:
        match = _wait_for(lambda: re.search(r"background worker started \(pid (\d+)\)", log.read_text()),
                          STARTUP_SECONDS, "the worker to start", log)
        worker_pid = int(match.group(1))
        queued = subprocess.run([sys.executable, "-m", "kaohe.cli", "shell", "-c", QUEUE_A_RUN], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert queued.returncode == 0, queued.stderr
        run_id = int(re.search(r"RUN (\d+)", queued.stdout).group(1))

        def status():
            with sqlite3.connect(tmp_path / "kaohe.sqlite3", timeout=20) as db:
                row = db.execute("SELECT status, progress, content_hash FROM results_scoringrun WHERE id = ?",
                                 (run_id,)).fetchone()
            return row if row and row[0] in ("done", "failed") else None

        final = _wait_for(status, RUN_SECONDS, f"run {run_id} to be computed by the worker", log)
        assert final[0] == "done" and final[1] == 100 and len(final[2]) == 64, final
        assert demo.poll() is None  # the server is still serving
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
    assert "background worker stopped" in log.read_text()
    assert worker_pid is not None
    _wait_for(lambda: not _alive(worker_pid), 15, f"worker {worker_pid} to exit", log)
