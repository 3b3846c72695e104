"""kaohe's PostgreSQL connections killed under load: every answer is clean and kaohe recovers by
itself, without a restart.

gunicorn (two workers) on a database of the test's own; three clients read the JSON API and a
page for a few seconds while another thread terminates every backend of that database
(``pg_terminate_backend``, chosen by ``datname``: no other database's connection) several times a
second — between requests (a kept connection, ``CONN_MAX_AGE``, found dead by
``CONN_HEALTH_CHECKS``) and in the middle of them. Each answer is a success or a clean error: JSON
with a message on /api/ paths, kaohe's error page elsewhere, never a traceback and never a dropped
connection. Afterwards every request succeeds on the same worker processes.
"""

from __future__ import annotations

import http.client
import json
import threading
import time

import pytest

from benchmarks import _harness as harness
from tests.faults.conftest import Clock, children, sql

# Its own server processes: once, in the PostgreSQL partition; its database is a copy of the test database
# (transaction=True: no test transaction holds the template open while it is copied).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SECONDS = 6
PATHS = ("/api/projects/", "/api/orgs/units", "/projects/")


def _kill_backends(db) -> int:
    return len(sql(db.admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                             "AND pid <> pg_backend_pid()", (db.name,)))


def test_connections_terminated_under_load_give_clean_errors_and_kaohe_recovers_without_a_restart(fault_database):
    db, clock = fault_database, Clock()
    world = db.world()
    clock.lap("world")
    headers = {"Authorization": f"Bearer {world['token']}"}
    server = harness.start_server(db.env, workers=2)
    clock.lap("server")
    try:
        workers = sorted(children(server.process.pid))
        answers: list[tuple[str, int, str, bytes]] = []
        results = harness.Results()
        stop = threading.Event()
        killed = [0]

        def client(n: int) -> None:
            browser = harness.Browser(server.port, results, cookie=world["cookie"], timeout=60)
            i = n
            while not stop.is_set():
                path = PATHS[i % len(PATHS)]
                i += 1
                try:
                    browser.conn.request("GET", path, headers={"Host": "127.0.0.1", **headers, "Cookie": world["cookie"]})
                    r = browser.conn.getresponse()
                    answers.append((path, r.status, r.headers.get("Content-Type", "") + "|" + r.headers.get("Retry-After", ""),
                                    r.read()))
                except (OSError, http.client.HTTPException) as exc:  # a dropped connection: a failure, counted
                    answers.append((path, -1, "", repr(exc).encode()))
                    browser.conn.close()

        def killer() -> None:
            while not stop.is_set():
                killed[0] += _kill_backends(db)
                time.sleep(0.15)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(3)] + [threading.Thread(target=killer)]
        for t in threads:
            t.start()
        time.sleep(SECONDS)
        stop.set()
        for t in threads:
            t.join(60)

        clock.lap("load")
        assert killed[0] >= 10 and len(answers) >= 30, (killed[0], len(answers))
        errors = [(p, s) for p, s, _c, _b in answers if s != 200]
        for path, status, headers_seen, body in answers:
            text = body.decode("utf-8", "replace")
            content_type, retry_after = headers_seen.split("|")
            assert "Traceback" not in text and "psycopg" not in text and "OperationalError" not in text, (path, text[:300])
            if status == 200:
                continue
            # A cut connection is "try again" (503 with Retry-After), not an internal error; -1: the connection dropped.
            assert status == 503 and retry_after, (path, status, text[:200])
            if path.startswith("/api/"):
                assert content_type.startswith("application/json"), (path, content_type, text[:200])
                assert "try again" in json.loads(body)["detail"], text
            else:
                assert content_type.startswith("text/html") and "数据库连接暂时中断" in text, (path, text[:300])
        print(f"\n{killed[0]} backends terminated; {len(answers)} answers, {len(errors)} clean errors: "
              f"{sorted(set(errors))}")

        # Recovered: every request succeeds, on the same worker processes (nothing restarted).
        after = harness.Browser(server.port, results, cookie=world["cookie"], timeout=60)
        for _ in range(5):
            for path in PATHS:
                assert after.get("after", path, headers=headers) is not None, results.errors[-3:]
        assert sorted(children(server.process.pid)) == workers
        clock.lap("after")
        print(f"connections killed: {clock}")
    finally:
        server.stop()
