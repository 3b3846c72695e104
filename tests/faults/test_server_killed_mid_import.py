"""The server process killed in the middle of an import: nothing of it is stored, and the server
recovers by itself.

A 2,000-project Excel file is posted to gunicorn (one worker) on a database of the test's own. When
PostgreSQL shows the worker's transaction holding written rows (the import is inside its
all-or-nothing transaction), the worker is killed with SIGKILL — no handler, no rollback by
Python. Then every table holds exactly the rows it held before (projects, milestones, audit
entries, everything), gunicorn has started a new worker, and the next requests — a read and a
small import — work.
"""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time

import pytest
from openpyxl import Workbook

from benchmarks import _harness as harness
from kaohe.projects import excel
from tests.faults.conftest import Clock, children, table_counts, wait_for, writing_backends

# Its own server processes: once, in the PostgreSQL partition; its database is a copy of the test database
# (transaction=True: no test transaction holds the template open while it is copied).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROWS = 2000


def projects_xlsx(n: int, prefix: str) -> bytes:
    head = [h for _key, h in excel.PROJECT_COLUMNS]
    base = {"项目名称": "智能装备产业园", "业主单位": "甲公司", "属地单位代码": "C-A", "行业": "高端装备", "项目类型": "产业",
            "项目级别": "市重大", "项目来源": "招商引资", "签约日期": "2025-12-01", "总投资（万元）": 150000, "计划年度": 2026,
            "年度计划投资（万元）": 30000, "挂包领导": "周副市长", "专班": "先进制造专班", "标签": "1145",
            "计划开工": "2026-03-01", "实际开工": "2026-03-05"}
    wb = Workbook()
    ws = wb.active
    ws.append(head)
    for i in range(n):
        row = {**base, "项目编号": f"{prefix}{i:05d}", "属地单位代码": "C-A" if i % 2 else "C-B"}
        ws.append([row.get(h) for h in head])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def multipart(data: bytes, filename: str) -> tuple[bytes, str]:
    boundary = "kaohe-faults-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").encode()
    return body + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_worker_killed_inside_an_import_leaves_no_row_and_the_server_recovers(fault_database):
    db, clock = fault_database, Clock()
    world = db.world()
    clock.lap("world")
    auth = {"Authorization": f"Bearer {world['token']}"}
    big, content_type = multipart(projects_xlsx(ROWS, "KILL"), "big.xlsx")
    before = table_counts(db.url)

    server = harness.start_server(db.env, workers=1)
    clock.lap("server")
    try:
        [worker] = children(server.process.pid)
        results = harness.Results()
        answers: list = []
        client = harness.Browser(server.port, results, timeout=120)
        poster = threading.Thread(target=lambda: answers.append(client.request(
            "import", "POST", "/api/projects/import", big, {**auth, "Content-Type": content_type})))
        poster.start()
        # Inside the import: the worker's transaction has written rows nobody else can see yet.
        wait_for(lambda: writing_backends(db.admin, db.name), 90, "the import to start writing")
        time.sleep(0.5)  # well inside: some hundreds of projects written
        assert table_counts(db.url) == before  # not committed, so not visible
        clock.lap("import to the kill")
        os.kill(worker, signal.SIGKILL)
        poster.join(60)

        assert answers == [None] and results.errors  # the client saw the connection end, not a success
        wait_for(lambda: not writing_backends(db.admin, db.name), 30, "PostgreSQL to roll the killed transaction back")
        after = table_counts(db.url)
        assert after == before, {t: (before[t], after[t]) for t in after if after[t] != before.get(t)}

        clock.lap("rolled back, counted")
        # gunicorn started a new worker; the next requests work, without restarting anything.
        new = wait_for(lambda: [p for p in children(server.process.pid) if p != worker], 60, "a new worker")
        assert worker not in new
        fresh = harness.Browser(server.port, results, timeout=60)
        assert fresh.get("health", "/api/health") is not None
        small, small_type = multipart(projects_xlsx(2, "OK"), "small.xlsx")
        status, body = fresh.request("import", "POST", "/api/projects/import", small, {**auth, "Content-Type": small_type})
        assert status == 200 and json.loads(body) == {"created": 2, "updated": 0}, body
        listed = fresh.get("list", "/api/projects/", headers=auth)
        assert listed is not None and b"OK00001" in listed[1]
        assert table_counts(db.url)["projects_project"] == before["projects_project"] + 2
        clock.lap("respawned, read, small import")
        print(f"\nkilled mid-import: {clock}")
    finally:
        server.stop()
