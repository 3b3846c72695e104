"""What the fault tests share: a PostgreSQL database of their own (a copy of the migrated test
database: no migration run per test), a process that loads a small world into it, and the
benchmarks' machinery for the rest (benchmarks/_harness.py: the gunicorn server, the clients).

The processes are real — gunicorn, its workers, ``kaohe db_worker``, PostgreSQL backends — and the
faults too: SIGKILL, ``pg_terminate_backend``. Only this test's own database is touched (its
backends are chosen by ``datname``); the shared PostgreSQL server is never restarted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import _harness as harness
from tests.postgres import server_url

ROOT = Path(__file__).resolve().parents[2]
SECRET = "faults-secret-key-for-the-fault-tests-0123456789abcdef"

#: Loads the small world: 测试市 of tests/conftest.py, an API token and a signed-in session of the
#: city's office (printed as the last line, JSON).
WORLD = """
import json
from benchmarks._harness import session_cookie
from kaohe.orgs.models import ApiToken
from tests.conftest import build_org_world

w = build_org_world()
print(json.dumps({"token": ApiToken.issue(w.office, "faults")[1], "cookie": session_cookie(w.office)}))
"""


def sql(url: str, query: str, params: tuple = ()) -> list[tuple]:
    """Rows of ``query`` on the database at ``url`` (autocommit; its own connection)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(query, params)
        return cur.fetchall() if cur.description else []


def table_counts(url: str) -> dict[str, int]:
    """Rows of every table of the database (what "nothing partial was stored" is checked against)."""
    tables = [t for (t,) in sql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    return {t: sql(url, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}


def writing_backends(url: str, name: str) -> list[int]:
    """PostgreSQL backends of database ``name`` inside a transaction that has written (it holds a
    transaction id): a request or a task caught in the middle of its writes."""
    return [pid for (pid,) in sql(url, "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL "
                                       "AND pid <> pg_backend_pid()", (name,))]


class Clock:
    """Seconds of each step of a fault test, printed at the end (``pytest -s``): what takes the time."""

    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.steps: list[str] = []

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        self.steps.append(f"{what} {now - self.last:.1f} s")
        self.last = now

    def __str__(self) -> str:
        return f"{time.perf_counter() - self.started:.1f} s: " + ", ".join(self.steps)


def wait_for(predicate, seconds: float, what: str, step: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(step)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux /proc)."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


class FaultDatabase:
    """A database of its own on the shared server, with the environment of kaohe's processes on it."""

    def __init__(self, name: str, tmp_path: Path):
        self.name = name
        self.url = f"{server_url()}/{name}"
        self.admin = f"{server_url()}/postgres"
        self.env = harness.base_env(self.url, str(tmp_path / "var"), SECRET)
        self.env["PYTHONUNBUFFERED"] = "1"

    def python(self, code: str, timeout: float = 120) -> dict:
        """Run ``code`` in a kaohe process on this database (Django set up); its last line of output, as JSON."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL", "DJANGO_"))}
        env.update(self.env)
        done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def kaohe(self, *args: str, timeout: float = 120) -> str:
        """``kaohe ARGS`` on this database; its output."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL", "DJANGO_"))}
        env.update(self.env)
        done = subprocess.run([sys.executable, "-m", "kaohe.cli", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def world(self) -> dict:
        return self.python(WORLD)


@pytest.fixture
def fault_database(request, django_db_setup, django_db_blocker, tmp_path):
    """A fresh database ``kaohe_faults_<test>_<pid>``: a copy of the migrated test database (so the
    world loads in seconds), dropped at the end."""
    from django.conf import settings
    from django.db import connections

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a fault test needs PostgreSQL (marked postgres: it runs in the PostgreSQL partition)")
    template = settings.DATABASES["default"]["NAME"]
    short = request.node.name.removeprefix("test_")[:20]
    db = FaultDatabase(f"kaohe_faults_{short}_{os.getpid()}", tmp_path)
    with django_db_blocker.unblock():
        connections.close_all()  # a template database may have no other session
    sql(db.admin, f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
    sql(db.admin, f'CREATE DATABASE "{db.name}" TEMPLATE "{template}"')
    try:
        yield db
    finally:
        sql(db.admin, f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
