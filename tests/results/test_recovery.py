"""A run whose computing process died is marked 失败 with the reason in words — never left 计算中 —
and the office starts it again from its page (kaohe.results.recovery). The process here is a real
one that has exited; tests/faults/test_worker_killed.py kills a real worker in the middle of a run."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from kaohe.orgs.models import ApiToken
from kaohe.results import recovery
from kaohe.results.models import RunStatus, RunTotal, ScoringRun
from kaohe.results.receivers import run_for_period
from kaohe.results.runs import Inputs, store_output
from tests.assessment.factories import adopted_version, periods, put

pytestmark = pytest.mark.django_db

VALUES = {("C-A", "fai"): "120", ("C-B", "fai"): "100", ("C-A", "gdp"): "300", ("C-B", "gdp"): "280",
          ("C-A", "jobs"): "900", ("C-B", "jobs"): "800"}


@pytest.fixture
def queued(org_world):
    """A run of 2025年3月 queued (its task not run: the on-commit callback is dropped)."""
    version = adopted_version(org_world)
    period = periods(2025)[3]
    assert put(org_world, version, period, VALUES).ok
    with TestCase.captureOnCommitCallbacks(execute=False):
        run = run_for_period(version, period, user=org_world.office, background=True)
    return run


def _dead_runner() -> str:
    """The runner id of a process that has run and exited (its process id is free)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}:1"


def _started_by(run: ScoringRun, runner: str, *, minutes_ago: float = 0, progress: int = 60) -> None:
    """The state a computing process leaves when it dies: running, its runner, its last progress."""
    ScoringRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, runner=runner, progress=progress,
                                                heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes_ago))
    run.refresh_from_db()


def test_a_run_whose_process_died_is_shown_failed_with_the_reason_on_its_page(queued, org_world, client_for):
    _started_by(queued, _dead_runner())
    body = client_for(org_world.office).get(reverse("results:run_detail", args=[queued.pk])).content.decode()
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED and queued.finished_at is not None
    assert "计算进程意外终止" in queued.error and "进度 60%" in queued.error and "没有保存任何结果" in queued.error
    assert "失败" in body and "计算进程意外终止" in body
    assert 'data-testid="start-again"' in body and "重新计分" in body
    assert not RunTotal.objects.filter(run=queued).exists()


def test_the_office_starts_a_failed_run_again_from_its_page(queued, org_world, client_for):
    _started_by(queued, _dead_runner())
    client = client_for(org_world.office)
    client.get(reverse("results:run_detail", args=[queued.pk]))
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.post(reverse("results:run_new"), {"version": queued.scheme_version_id, "period": queued.period_id})
    again = ScoringRun.objects.exclude(pk=queued.pk).get()
    assert r.status_code == 302 and again.status == RunStatus.DONE and RunTotal.objects.filter(run=again).count() == 2


def test_the_progress_fragment_and_the_api_say_failed_and_no_longer_running(queued, org_world, client_for):
    _started_by(queued, _dead_runner())
    fragment = client_for(org_world.office).get(reverse("results:run_progress", args=[queued.pk]), HTTP_HX_REQUEST="true")
    assert "失败" in fragment.content.decode() and fragment["HX-Refresh"] == "true"  # the page reloads: 重新计分
    token = ApiToken.issue(org_world.office, "recovery")[1]
    progress = Client().get(f"/api/results/runs/{queued.pk}/progress", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert progress["status"] == "failed" and progress["running"] is False and "计算进程意外终止" in progress["error"]


def test_the_run_list_shows_a_dead_run_failed(queued, org_world, client_for):
    _started_by(queued, _dead_runner())
    client_for(org_world.office).get(reverse("results:run_list"))
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED


def test_a_run_computing_in_a_live_process_stays_running(queued, org_world, client_for):
    _started_by(queued, recovery.runner_id(), minutes_ago=600)  # this very process: alive, however long it takes
    client_for(org_world.office).get(reverse("results:run_detail", args=[queued.pk]))
    queued.refresh_from_db()
    assert queued.status == RunStatus.RUNNING and not queued.error


def test_a_reused_process_id_is_not_taken_for_the_runner(queued):
    pid, started = recovery.runner_id().split(":")[1:]
    _started_by(queued, f"{socket.gethostname()}:{pid}:{int(started or 0) + 1}")  # same id, another start time
    assert recovery.recover_abandoned() == [queued]


def test_a_run_on_another_host_is_failed_only_after_its_lease_without_progress(queued, settings):
    settings.KAOHE_RUN_LEASE_MINUTES = 30
    _started_by(queued, "another-host:4242:99", minutes_ago=29)
    assert recovery.recover_abandoned() == []
    _started_by(queued, "another-host:4242:99", minutes_ago=31)
    [failed] = recovery.recover_abandoned()
    assert failed.status == RunStatus.FAILED and "超过 30 分钟没有报告进度" in failed.error


def test_recover_runs_marks_the_dead_runs_failed_from_cron(queued, capsys):
    _started_by(queued, _dead_runner())
    call_command("recover_runs")
    out = capsys.readouterr().out
    assert f"#{queued.pk}" in out and "1 run(s) marked failed" in out
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED


def test_a_run_failed_meanwhile_is_not_sealed_by_its_late_process(queued):
    """The process was only slow: when it comes to store its rows, the run it no longer owns stays failed."""
    from kaohe.results.runs import engine_score, output_from_result

    _started_by(queued, recovery.runner_id())
    runner_view = ScoringRun.objects.get(pk=queued.pk)
    ScoringRun.objects.filter(pk=queued.pk).update(status=RunStatus.FAILED, error="已判定中断")
    inputs = Inputs.from_bytes(runner_view.inputs)
    with pytest.raises(recovery.RunAbandonedError, match="已被标记为中断失败"):
        store_output(runner_view, inputs, output_from_result(engine_score(inputs)))
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED and not queued.content_hash and not RunTotal.objects.filter(run=queued).exists()


def _task(run: ScoringRun, status: str, *, started_minutes_ago: float = 0):
    """The database worker's record of the run's task, as a worker leaves it."""
    from django_tasks_db.models import DBTaskResult

    from kaohe.results.tasks import execute_run_task

    now = timezone.now()
    return DBTaskResult.objects.create(
        task_path=execute_run_task.module_path, args_kwargs={"args": [run.pk], "kwargs": {}}, backend_name="default",
        run_after=now, status=status, started_at=now - dt.timedelta(minutes=started_minutes_ago),
        exception_class_path="", traceback="")


def test_a_queued_run_whose_task_ended_without_starting_it_is_failed(queued, org_world, client_for):
    """The worker took the task and died (or the task failed) before the run began: not 排队中 forever."""
    _task(queued, "FAILED")
    body = client_for(org_world.office).get(reverse("results:run_detail", args=[queued.pk])).content.decode()
    queued.refresh_from_db()
    assert queued.status == RunStatus.FAILED and "后台计算任务已结束（任务失败）" in queued.error
    assert "重新计分" in body


def test_a_queued_run_whose_task_was_taken_long_ago_is_failed_and_one_waiting_is_not(queued, settings):
    settings.KAOHE_RUN_LEASE_MINUTES = 30
    record = _task(queued, "READY")
    assert recovery.recover_abandoned() == []  # waiting for a worker: queued is the truth
    record.status = "RUNNING"
    record.save()
    assert recovery.recover_abandoned() == []  # just taken
    type(record).objects.filter(pk=record.pk).update(started_at=timezone.now() - dt.timedelta(minutes=31))
    [failed] = recovery.recover_abandoned()
    assert "领取超过 30 分钟" in failed.error
    record.refresh_from_db()
    assert record.status == "FAILED"
