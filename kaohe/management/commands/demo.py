"""``kaohe demo``: load the demo city 示范市 (idempotent), optionally serve it.

Runs, in order, ``load(ctx)`` of each of ``DEMO_MODULES`` that exists. Each
loader skips what is already there, so running the command twice changes
nothing; ``--reset`` empties the database first.
"""

from __future__ import annotations

import time
from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kaohe.lib.env import EnvError, envint

DEMO_MODULES = [
    "kaohe.orgs.demo",
    "kaohe.assessment.demo",
    "kaohe.results.demo",
    "kaohe.projects.demo",
    "kaohe.supervision.demo",
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
                            help="migrate, load if missing, print the logins and serve on 127.0.0.1:$KAOHE_PORT (8000)")
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
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)

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


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
