"""Runs whose computing process died (计算进程中断): found and marked failed, never left "计算中".

A run being computed records who computes it (``runner``: host, process id and the process's
start time) and when it last reported progress (``heartbeat_at``). A run still "running" is
**abandoned** when

- its process is gone: on the same host, the process id no longer exists, is a zombie, or is
  now another process (a different start time: the id was reused) — a worker killed by the
  kernel's OOM killer, ``kill -9``, a restart of the machine or the container; or
- its runner is on another host (which this process cannot look into) and it has not
  reported progress for ``KAOHE_RUN_LEASE_MINUTES`` (30 by default; a run of the largest
  city takes seconds, see docs/deploy.md);
- it is still queued (排队中) but the worker's record of its task has ended, or was taken
  longer than the lease ago: the worker died between taking the task and starting the run.

An abandoned run is marked 失败 with the reason in words, and its queued task with it; nothing
of it was stored (its rows are written in one transaction, see ``store_output``), so the office
simply starts the period's run again (the run's page offers it). The sweep runs when someone
looks at the run (its page, its progress, the run list, the API) and from cron
(``kaohe recover_runs``).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.results.models import RunStatus, ScoringRun


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks since boot) of ``pid`` from /proc; None where there is no /proc
    entry (the process is gone, or this is not Linux)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    after = text.rsplit(")", 1)[1].split()  # the command name may hold spaces and parentheses
    return after[0], after[19]


@cache
def runner_id() -> str:
    """``host:pid:start`` of this process (the start time tells a reused process id apart)."""
    pid = os.getpid()
    stat = _proc_stat(pid)
    return f"{socket.gethostname()}:{pid}:{stat[1] if stat else ''}"


def _forget_runner_after_fork() -> None:
    runner_id.cache_clear()


if hasattr(os, "register_at_fork"):  # gunicorn forks its workers from the master: each is its own runner
    os.register_at_fork(after_in_child=_forget_runner_after_fork)


def process_alive(runner: str) -> bool | None:
    """Whether the process named by ``runner`` still runs; None when it is on another host."""
    host, _sep, rest = runner.partition(":")
    pid_text, _sep, started = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    stat = _proc_stat(pid)
    if stat is None:
        return os.path.isdir("/proc/self") is False  # no /proc at all: the signal said it exists
    state, start = stat
    if state in ("Z", "X"):  # killed, waiting for its parent to collect it
        return False
    return not started or start == started


def _task_record(run_id: int):
    """The database worker's record of the run's task, if there is one (none with tasks run inline)."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return None
    from django_tasks_db.models import DBTaskResult

    from kaohe.results.tasks import execute_run_task

    for record in (DBTaskResult.objects.filter(task_path=execute_run_task.module_path, args_kwargs__args__0=run_id)
                   .order_by("-enqueued_at")):
        if (record.args_kwargs or {}).get("args") == [run_id]:
            return record
    return None


def _queued_reason(run: ScoringRun, now: dt.datetime) -> str:
    """A queued run whose task a worker took and then ended, or took and never started: its
    worker died between taking the task and starting the run (or the task failed before it)."""
    from django_tasks.base import TaskResultStatus

    record = _task_record(run.pk)
    if record is None or record.status == TaskResultStatus.READY:
        return ""  # still waiting for a worker: queued is the truth
    if record.status != TaskResultStatus.RUNNING:
        ended = {TaskResultStatus.FAILED: _("任务失败"), TaskResultStatus.SUCCESSFUL: _("任务已完成")}
        return _("后台计算任务已结束（%(status)s），但计分没有开始，没有保存任何结果。请重新启动计分。") % {
            "status": ended.get(record.status, _("任务已结束"))}
    lease = dt.timedelta(minutes=settings.KAOHE_RUN_LEASE_MINUTES)
    if record.started_at and now - record.started_at > lease:
        return _("后台计算任务已领取超过 %(minutes)s 分钟，但计分没有开始，视为中断，没有保存任何结果。请重新启动计分。") % {
            "minutes": settings.KAOHE_RUN_LEASE_MINUTES}
    return ""


def abandoned_reason(run: ScoringRun, now: dt.datetime | None = None) -> str:
    """Why ``run`` (running, or queued with its task taken) is abandoned, in words; "" while it may
    still be computing or waiting for a worker."""
    if run.status == RunStatus.QUEUED:
        return _queued_reason(run, now or timezone.now())
    if run.status != RunStatus.RUNNING:
        return ""
    alive = process_alive(run.runner) if run.runner else None
    since = timezone.localtime(run.heartbeat_at).strftime("%Y-%m-%d %H:%M:%S") if run.heartbeat_at else ""
    if alive is False:
        return _("计算进程意外终止（进程 %(runner)s，最后报告进度于 %(since)s，进度 %(progress)s%%），计分没有完成，"
                 "没有保存任何结果。请重新启动计分。") % {
            "runner": run.runner.rsplit(":", 1)[0], "since": since or "—", "progress": run.progress}
    if alive is None:
        lease = dt.timedelta(minutes=settings.KAOHE_RUN_LEASE_MINUTES)
        last = run.heartbeat_at or run.created_at
        if (now or timezone.now()) - last > lease:
            return _("计算进程超过 %(minutes)s 分钟没有报告进度（最后一次于 %(since)s，进度 %(progress)s%%），"
                     "视为中断，计分没有完成，没有保存任何结果。请重新启动计分。") % {
                "minutes": settings.KAOHE_RUN_LEASE_MINUTES, "since": since or "—", "progress": run.progress}
    return ""


def recover_abandoned(runs: Iterable[ScoringRun] | None = None) -> list[ScoringRun]:
    """Mark every abandoned run among ``runs`` (default: all running runs) failed with its reason;
    returns them (refreshed). A run that finished or moved on meanwhile is left as it is: the update
    only applies to the run still running under the runner that was judged dead."""
    if runs is None:
        runs = ScoringRun.objects.filter(status__in=(RunStatus.RUNNING, RunStatus.QUEUED)).only(
            "pk", "status", "runner", "heartbeat_at", "created_at", "progress")
    now = timezone.now()
    failed = []
    for run in runs:
        reason = abandoned_reason(run, now)
        if not reason:
            continue
        changed = ScoringRun.objects.filter(pk=run.pk, status=run.status, runner=run.runner).update(
            status=RunStatus.FAILED, error=reason, finished_at=now)
        if changed:
            _fail_task(run.pk, reason)
            run.refresh_from_db()
            failed.append(run)
    return failed


def recover_if_abandoned(run: ScoringRun) -> ScoringRun:
    """``run`` itself, marked failed first if its process died (for the pages that show one run)."""
    if run.status in (RunStatus.RUNNING, RunStatus.QUEUED):
        recover_abandoned([run])
    return run


def _fail_task(run_id: int, reason: str) -> None:
    """The run's task record of the database worker (if it has one) is failed too, so it does not
    stay "running" in the task list either."""
    from django_tasks.base import TaskResultStatus

    record = _task_record(run_id)
    if record is not None and record.status == TaskResultStatus.RUNNING:
        record.set_failed(RunAbandonedError(reason))


class RunAbandonedError(RuntimeError):
    """The process computing a run died; the run was marked failed."""
