"""What the benchmarks share: their own PostgreSQL database, a gunicorn server on loopback,
threaded HTTP clients with sessions and CSRF, percentiles and the server's own time.

Not a benchmark itself (``make bench`` runs ``benchmarks/[!_]*.py``). The server time of a
request is read from its ``Server-Timing`` header (``KAOHE_SERVER_TIMING=true``, set by
``server_env``): the worker's own time, which the client threads' CPU on a small machine does
not inflate the way the latency at the client is inflated.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("KAOHE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


# ---- the database --------------------------------------------------------------------------


def admin_sql(sql: str) -> None:
    """Run ``sql`` on the server's ``postgres`` database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def fresh_database(name: str) -> str:
    """Drop and create the benchmark's own database; returns its URL."""
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {name}")
    return f"{PG}/{name}"


def code_key(patterns: Iterable[str], *extra: str) -> str:
    """A short digest of the files matching ``patterns`` (globs under the repository: paths and
    contents) and of ``extra``: what a template database was built from."""
    digest = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in ROOT.glob(pattern) if p.is_file()}):
        digest.update(f"{path.relative_to(ROOT)}\0".encode() + path.read_bytes() + b"\0")
    for item in extra:
        digest.update(f"{item}\0".encode())
    return digest.hexdigest()[:12]


def _databases(conn, prefix: str) -> dict[str, str]:
    """Databases named ``prefix_…`` and their comments."""
    rows = conn.execute("SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database "
                        "WHERE starts_with(datname, %s)", [f"{prefix}_"]).fetchall()
    return dict(rows)


def _drop_template(conn, name: str) -> None:
    conn.execute(f"ALTER DATABASE {name} WITH IS_TEMPLATE false ALLOW_CONNECTIONS true")
    conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def cloned_database(name: str, prefix: str, key: str, build: Callable[[str], None], *, rebuild: bool = False
                    ) -> tuple[str, bool]:
    """``name`` created afresh as a copy of the template database ``{prefix}_{key}``, which
    ``build(url)`` fills first when it does not exist (or ``rebuild``); returns the URL and
    whether the template was built now.

    ``key`` is a digest of what the template is made from (``code_key``): a change gives a new
    name, so a stale template is never cloned. The template is built under another name and
    renamed when complete (a build that died leaves nothing a clone could pick up), then
    marked ``IS_TEMPLATE`` and closed to connections (nobody can change it by accident).
    Everything runs under an advisory lock on ``prefix``: two runs at once build it once.
    Templates of this prefix built from this checkout (the comment names it) with another key
    are dropped; other checkouts' templates are left alone."""
    import psycopg

    template, owner = f"{prefix}_{key}", f"kaohe benchmark template from {ROOT}"
    built = False
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
        existing = _databases(conn, prefix)
        if rebuild and template in existing:
            _drop_template(conn, template)
            del existing[template]
        if template not in existing:
            building = f"{template}_new"
            conn.execute(f"DROP DATABASE IF EXISTS {building} WITH (FORCE)")  # a build that died (we hold the lock)
            conn.execute(f"CREATE DATABASE {building}")
            conn.execute(f"COMMENT ON DATABASE {building} IS '{owner}'")
            build(f"{PG}/{building}")
            conn.execute(f"ALTER DATABASE {building} RENAME TO {template}")
            conn.execute(f"ALTER DATABASE {template} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false")
            built = True
            for stale, comment in existing.items():
                if stale not in (template, building) and comment == owner:
                    _drop_template(conn, stale)
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        # FILE_COPY: a copy of the files after a checkpoint, much faster than WAL-logging every page.
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
    return f"{PG}/{name}", built


def drop_database(name: str) -> None:
    from django.db import connections

    connections.close_all()
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def base_env(database_url: str, var_dir: str, secret: str) -> dict[str, str]:
    """Settings of a benchmark's server and of the process that loads its data."""
    return {
        "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "kaohe.settings", "KAOHE_SECRET_KEY": secret,
        "KAOHE_ENV": "development", "KAOHE_DEBUG": "false", "KAOHE_VAR_DIR": var_dir, "KAOHE_LOG_LEVEL": "WARNING",
        "KAOHE_SERVER_TIMING": "true",
    }


def session_cookie(user) -> str:
    """A signed-in session for ``user`` stored directly (no password hashing), as a Cookie header."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


# ---- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def start_server(env: dict[str, str], *, workers: int = 2, threads: int = 1, timeout: float = 90) -> Server:
    """gunicorn on 127.0.0.1 (its own process group), waiting until ``/api/health`` answers.

    One request at a time per worker by default (``threads=1``): on two shared cores a
    worker's threads would only wait for each other's GIL.
    """
    from django.db import connections

    connections.close_all()  # the server's workers must not inherit the loader's connection
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "kaohe.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers), "-k", "gthread",
         "--threads", str(threads), "--log-level", "warning", "--timeout", "120", "--keep-alive", "5"],
        cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
    server = Server(process, port)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise SystemExit("the server did not start")


# ---- figures -------------------------------------------------------------------------------


def percentile(values: Iterable[float], p: float) -> float:
    """The nearest-rank percentile (0 for no values)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    """n, p50, p95, p99 (ms, one decimal)."""
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1)}


TIMING = re.compile(r"app;dur=([0-9.]+)(?:, cpu;dur=([0-9.]+))?")


@dataclass
class Results:
    """Per kind of request: the latency at the client, the server's own time and the CPU its
    thread used (ms); errors."""

    client: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, client_ms: float, server_ms: float | None, cpu_ms: float | None = None) -> None:
        with self.lock:
            self.client[kind].append(client_ms)
            if server_ms is not None:
                self.server[kind].append(server_ms)
            if cpu_ms is not None:
                self.cpu[kind].append(cpu_ms)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def kinds(self) -> list[str]:
        return sorted(set(self.client) | set(self.server))

    def table(self, title: str = "") -> list[str]:
        """Lines: per kind, the server's p50/p95/p99, its CPU p50/p95 and the client's p50/p95/p99."""
        lines = [title] if title else []
        lines.append(f"  {'':10s} {'':7s}  {'server p50   p95    p99':>28s}   {'cpu p50   p95':>15s}   {'client p50    p95     p99 (ms)':>30s}")
        for kind in self.kinds():
            s, u, c = summary(self.server.get(kind, [])), summary(self.cpu.get(kind, [])), summary(self.client.get(kind, []))
            lines.append(f"  {kind:10s} n={c['n']:5d}  {s['p50_ms']:10.1f} {s['p95_ms']:7.1f} {s['p99_ms']:7.1f}   "
                         f"{u['p50_ms']:7.1f} {u['p95_ms']:7.1f}   {c['p50_ms']:10.1f} {c['p95_ms']:7.1f} {c['p99_ms']:7.1f}")
        return lines

    def as_dict(self) -> dict:
        return {kind: {"server": summary(self.server.get(kind, [])), "cpu": summary(self.cpu.get(kind, [])),
                       "client": summary(self.client.get(kind, []))} for kind in self.kinds()}


# ---- clients -------------------------------------------------------------------------------


class Browser:
    """One simulated user: a keep-alive connection, a cookie jar, the CSRF token; each request
    timed at the client and by the server (``Server-Timing``) and filed under its kind.

    A connection idle for longer than ``IDLE`` seconds is opened afresh, as a browser does: the
    server closes idle keep-alive connections (gunicorn: after ``--keep-alive``, 2 s by default),
    and a request sent into one being closed would fail for no fault of the server's."""

    IDLE = 1.0

    def __init__(self, port: int, results: Results, cookie: str = "", timeout: float = 60):
        self.port, self.results, self.timeout = port, results, timeout
        self.cookies: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in cookie.split(";"))):
            name, _eq, value = part.partition("=")
            self.cookies[name] = value
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.used = 0.0

    def close(self) -> None:
        self.conn.close()

    @property
    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def request(self, kind: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                expect: tuple[int, ...] = (200,)) -> tuple[int, bytes] | None:
        """The status and body, or None after an error (recorded under ``kind``)."""
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        if started - self.used > self.IDLE:  # the server has closed an idle keep-alive connection by now
            self.conn.close()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.results.error(f"{kind} {method} {path}: {exc.__class__.__name__}")
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            return None
        self.used = time.perf_counter()
        elapsed = (self.used - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.status not in expect:
            self.results.error(f"{kind} {method} {path}: HTTP {response.status}")
            return None
        timing = TIMING.search(response.headers.get("Server-Timing", ""))
        self.results.add(kind, elapsed, float(timing.group(1)) if timing else None,
                         float(timing.group(2)) if timing and timing.group(2) else None)
        return response.status, data

    def get(self, kind: str, path: str, **kw) -> tuple[int, bytes] | None:
        return self.request(kind, "GET", path, **kw)

    def post_form(self, kind: str, path: str, fields: dict, **kw) -> tuple[int, bytes] | None:
        body = urlencode({"csrfmiddlewaretoken": self.csrf, **fields}).encode()
        return self.request(kind, "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                       "Referer": f"http://127.0.0.1:{self.port}{path}"}, **kw)

    def post_json(self, kind: str, path: str, payload: dict, **kw) -> tuple[int, bytes] | None:
        return self.request(kind, "POST", path, json.dumps(payload).encode(),
                            {"Content-Type": "application/json", "X-CSRFToken": self.csrf}, **kw)


def run_threads(targets: list[Callable[[], None]]) -> float:
    """Start one thread per target together, wait for all; the wall-clock seconds."""
    threads = [threading.Thread(target=t) for t in targets]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


def drive(port: int, plans: list[list[tuple[str, str, str]]], results: Results | None = None) -> Results:
    """One client thread per plan, each GETting its ``(kind, path, cookie)`` list in order over
    one keep-alive connection; a non-200 answer is an error."""
    results = results or Results()

    def client(plan):
        browsers: dict[str, Browser] = {}
        for kind, path, cookie in plan:
            browser = browsers.get(cookie) or browsers.setdefault(cookie, Browser(port, results, cookie))
            browser.get(kind, path)
        for b in browsers.values():
            b.close()

    run_threads([lambda plan=plan: client(plan) for plan in plans])
    return results


def plans(n_clients: int, per_client: int, seed: int, pick: Callable[[random.Random, int], tuple[str, str, str]]
          ) -> list[list[tuple[str, str, str]]]:
    """``n_clients`` request lists of ``per_client`` entries, ``pick(rng, i)`` each (client n seeded ``seed + n``)."""
    out = []
    for n in range(n_clients):
        rng = random.Random(seed + n)
        out.append([pick(rng, i) for i in range(per_client)])
    return out
