"""The background worker killed in the middle of a scoring run: nothing of the run is stored, the run
does not stay 计算中 — it is marked 失败 with the reason in words, its task record too — and the
office's next run of the period is computed.

A run of 3,000 units × 30 indicators (90,000 indicator rows) is queued on a database of the test's
own and a real ``kaohe db_worker`` takes it. When the run is at its last step (storing its rows)
and PostgreSQL shows the worker's transaction holding written rows, the worker is killed with
SIGKILL. Then ``kaohe recover_runs`` (what cron runs; the pages do the same for the run they show)
marks it failed, and a new worker computes the run started again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.faults.conftest import ROOT, Clock, sql, wait_for, writing_backends

# Its own server processes: once, in the PostgreSQL partition; its database is a copy of the test database
# (transaction=True: no test transaction holds the template open while it is copied).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

QUEUE_A_RUN = """
import json, random
import polars as pl
from django.db import transaction
from kaohe.lib.periods import Period
from kaohe.results.runs import Inputs, create_run, start_run

units, indicators = [f"U{u:04d}" for u in range(3000)], [f"I{i:02d}" for i in range(30)]
scheme = {"name": "中断测试", "year": 2025, "root": {"code": "ROOT", "name": "综合", "children": [
    {"code": i, "name": f"指标{i}", "points": 10, "method": "rank_points", "params": {"step": 0.01}} for i in indicators]}}
rng = random.Random(7)
values = pl.DataFrame({"unit": [u for u in units for _ in indicators], "indicator": indicators * len(units),
                       "value": [rng.random() * 100 for _ in range(len(units) * len(indicators))]})
names = pl.DataFrame({"unit": units, "name": [f"单位{u}" for u in units], "group": ["G"] * len(units)})
with transaction.atomic():
    run = create_run(Inputs.from_frames(scheme, values, names, period="2025-03"), period=Period.parse("2025-03"),
                     scheme_code="KILL")
    start_run(run)  # enqueued for the worker when the transaction commits
print(json.dumps({"run": run.pk}))
"""


def _worker(db, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL", "DJANGO_"))}
    env.update(db.env)
    return subprocess.Popen([sys.executable, "-m", "kaohe.cli", "db_worker", "--queue-name", "*", "--interval", "0.2",
                             "--no-startup-delay", "--no-reload", *extra], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _run(db, pk: int) -> tuple:
    return sql(db.url, "SELECT status, progress, error, content_hash FROM results_scoringrun WHERE id = %s", (pk,))[0]


def _rows(db, pk: int) -> int:
    return sum(sql(db.url, f"SELECT count(*) FROM {t} WHERE run_id = %s", (pk,))[0][0]
               for t in ("results_runtotal", "results_runindicator", "results_runboard"))


def _task_status(db, pk: int) -> list[str]:
    return [s for (s,) in sql(db.url, "SELECT status FROM django_tasks_database_dbtaskresult "
                                      "WHERE task_path = 'kaohe.results.tasks.execute_run_task' AND args_kwargs->'args' = %s::jsonb",
                              (f"[{pk}]",))]


def test_a_worker_killed_while_storing_a_run_leaves_no_row_and_the_run_is_marked_failed(fault_database):
    db, clock = fault_database, Clock()
    pk = db.python(QUEUE_A_RUN)["run"]
    clock.lap("queue")
    worker = _worker(db)
    try:
        # At the last step (60 %: the engine is done, the rows are being written) with rows written.
        wait_for(lambda: _run(db, pk)[:2] == ("running", 60) and writing_backends(db.admin, db.name), 120,
                 "the worker to be storing the run's rows")
        clock.lap("worker to storing")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(30)
    wait_for(lambda: not writing_backends(db.admin, db.name), 30, "PostgreSQL to roll the killed transaction back")

    status, progress, _error, content_hash = _run(db, pk)
    assert (status, progress, content_hash) == ("running", 60, "")  # what the killed worker left: nothing else says so
    assert _rows(db, pk) == 0  # nothing partial: 90,000 rows were being written in one transaction
    assert _task_status(db, pk) == ["RUNNING"]

    clock.lap("rolled back, counted")
    out = db.kaohe("recover_runs")
    assert f"#{pk}" in out and "1 run(s) marked failed" in out
    status, _progress, error, content_hash = _run(db, pk)
    assert status == "failed" and content_hash == ""
    assert "计算进程意外终止" in error and "进度 60%" in error and "请重新启动计分" in error
    assert _task_status(db, pk) == ["FAILED"]

    # Started again (the run's page offers 重新计分; here a run of the period is queued anew, smaller to be
    # quick) and computed by a new worker.
    clock.lap("recovered")
    again = db.python(QUEUE_A_RUN.replace("range(3000)", "range(30)"))["run"]
    finisher = _worker(db, "--batch")
    assert finisher.wait(180) == 0, finisher.stderr.read()[-2000:]
    assert _run(db, again)[:2] == ("done", 100) and _rows(db, again) >= 30 + 30 * 30  # totals and indicator rows (and boards)
    assert _run(db, pk)[0] == "failed" and _rows(db, pk) == 0
    clock.lap("started again, computed")
    print(f"\nkilled mid-run: {clock}")
