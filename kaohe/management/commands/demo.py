"""``kaohe demo``: load the demo city 示范市 (idempotent), optionally serve it.

Runs, in order, ``load(ctx)`` of each of ``DEMO_MODULES`` that exists. Each
loader skips what is already there, so running the command twice changes
nothing; ``--reset`` empties the database first.

``--serve`` runs the background worker (``kaohe db_worker``, django-tasks' database
backend) as a child process beside the development server, and stops it with the
server: scoring runs, re-scoring after an accepted appeal and the daily warnings are
queued tasks, and without a worker they would stay 排队中 for ever. In production the
two run as separate services (docs/deploy.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kaohe.lib.env import EnvError, envint

DEMO_MODULES = [
    "kaohe.orgs.demo",
    "kaohe.projects.demo",  # before assessment: the 2026 龙虎榜 indicators are computed from its figures
    "kaohe.supervision.demo",  # before assessment: the 2026 效能榜 takes its 督办 figures from it (before enterprise: its escalations add tasks)
    "kaohe.enterprise.demo",  # before assessment: the 2026 效能榜 企业诉求 indicators are computed from its figures
    "kaohe.commitments.demo",  # before assessment: the 2026 效能榜 takes 兑现率/节点按期完成率 from its items
    "kaohe.attraction.demo",  # after projects (links its 招商引资 major projects), before assessment (赛马榜 figures)
    "kaohe.assessment.demo",
    "kaohe.results.demo",
    "kaohe.monitor.demo",  # after assessment: the monitor reads the figures the scheme collected
    "kaohe.reports.demo",  # last: its bulletins are written from the results and the projects figures
]


def demo_loaders(only: list[str] | None = None) -> list[tuple[str, object]]:
    """(module name, load function) of each demo module that exists (of the apps in ``only``)."""
    found = []
    for name in DEMO_MODULES:
        if only and name.split(".")[1] not in only:
            continue
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        found.append((name, module.load))
    return found


def run_demo(*, verbose: bool = True, logger=print, only: list[str] | None = None) -> float:
    """Load every app's demo data; returns the seconds it took."""
    from kaohe.orgs.demo import DemoContext

    started = time.perf_counter()
    ctx = DemoContext(verbose=verbose, logger=logger)
    for name, load in demo_loaders(only):
        step = time.perf_counter()
        load(ctx)
        ctx.log(f"{name}: {time.perf_counter() - step:.1f} s")
    return time.perf_counter() - started


class Command(BaseCommand):
    help = "加载演示城市“示范市”（可重复运行）；--serve 同时启动服务。Load the demo city 示范市; --serve also runs the server."

    def add_arguments(self, parser):
        parser.add_argument("--serve", action="store_true",
                            help="migrate, load if missing, print the logins and serve on 127.0.0.1:$KAOHE_PORT (8000) with the background worker (db_worker) beside it")
        parser.add_argument("--reset", action="store_true", help="empty the database, then load the demo again")
        parser.add_argument("--quiet", action="store_true", help="print only the logins")
        parser.add_argument("--only", metavar="APP[,APP]",
                            help="load only these apps' demo data (orgs is always loaded first), e.g. --only orgs")

    def handle(self, *args, serve: bool = False, reset: bool = False, quiet: bool = False, only: str | None = None,
               **options):
        try:
            port = envint("KAOHE_PORT", 8000, minimum=1)
        except EnvError as exc:
            raise CommandError(str(exc)) from None
        if port > 65535:
            raise CommandError(f"KAOHE_PORT={port}: must be at most 65535")
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            self.stdout.write("清空数据库 / emptying the database …")
            call_command("flush", interactive=False, verbosity=0)
        apps = None
        if only:
            apps = ["orgs", *[a.strip() for a in only.split(",") if a.strip()]]
            known = {name.split(".")[1] for name in DEMO_MODULES}
            unknown = sorted(set(apps) - known)
            if unknown:
                raise CommandError(f"--only: unknown app(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        seconds = run_demo(verbose=not quiet, logger=self.stdout.write, only=apps)
        self.stdout.write(f"演示数据就绪 / demo data ready ({seconds:.1f} s, {connection.vendor})")
        self.print_logins(port if serve else None)
        if serve:
            self.serve(port)

    def serve(self, port: int) -> None:
        """The development server with the background worker beside it; both stop together."""
        worker = start_worker()
        if worker is not None:
            self.stdout.write(f"后台任务进程已启动 / background worker started (pid {worker.pid})")
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker is not None:
                stop_worker(worker)
                self.stdout.write("后台任务进程已停止 / background worker stopped")

    def print_logins(self, port: int | None) -> None:
        from kaohe.orgs.demo import login_table

        if port is not None:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(f"  kaohe 考核 — http://127.0.0.1:{port}/"))
        self.stdout.write("")
        rows = [("角色 / role", "用户名 / username", "密码 / password"), *login_table()]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        for i, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(cell, widths[j]) for j, cell in enumerate(row)))
            if i == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write("")


def worker_command() -> list[str] | None:
    """The ``db_worker`` command line for the configured task backend; None when tasks run inline
    (``KAOHE_TASKS_IMMEDIATE=true``), where there is nothing to work off."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        return None
    return [sys.executable, "-m", "kaohe.cli", "db_worker", "--queue-name", "*", "--interval", "1",
            "--no-reload", "--no-startup-delay"]


def start_worker() -> subprocess.Popen | None:
    """Start ``kaohe db_worker`` as a child with this process's environment (same database)."""
    command = worker_command()
    if command is None:
        return None
    # Its own session: Ctrl+C in the terminal reaches the server only; the worker then gets one
    # SIGTERM from stop_worker and finishes its task (a second signal would abort the task).
    return subprocess.Popen(command, env=os.environ.copy(), start_new_session=True,
                            preexec_fn=_die_with_parent if _PRCTL else None)


def stop_worker(worker: subprocess.Popen, grace: float = 10.0) -> None:
    """Ask the worker to stop (SIGTERM: it finishes the task at hand), then kill it after ``grace`` s."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _exit_on_sigterm(signum, frame) -> None:
    # SIGTERM (systemd, a test, ``kill``) leaves through ``finally`` like Ctrl+C does, so the
    # worker is stopped with the server.
    raise SystemExit(0)


def _load_prctl():
    """Linux's prctl, to have the kernel stop the worker if the server dies without cleaning up
    (``kill -9``, or runserver's ``os._exit`` when the port is taken). None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True).prctl if name else None


_PRCTL = _load_prctl()
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
