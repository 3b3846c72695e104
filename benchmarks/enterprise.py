"""Enterprise requests at scale on PostgreSQL: 100,000 requests with 1,000,000 clock events.

Creates its own database ``kaohe_bench_enterprise`` (dropped at the end), migrates it, loads 5,000
enterprises in 12 districts × 5 streets and 100,000 requests received over 2026 (1–3 办理轮次 each:
2 events for the 事不过夜 clock, 4 per round for the sign-off and resolution clocks — 10 on average;
15 % still open), the events written with COPY. Then it measures

* **the clock sweep** (``services.sweep``, the daily task): every open request's three clocks from
  its event log on the 调休 calendar, cached due moments refreshed, the overdue counted (escalation
  itself is timed apart, per request, since it writes a supervision task each);
* **the full recomputation**: the clocks of all 100,000 requests from all 1,000,000 events (what the
  year's figures and a corrected calendar need), and the 效能榜 figures for the 12 districts;
* the **board pages** (办理看板, the open list, the overdue list) under 8 concurrent clients against
  a real server (gunicorn, 2 workers), as the city office: p50/p95 server time from gunicorn's
  access log and at the client;
* a **baseline**: the same clocks one request at a time (``services.clocks``, one query per request,
  as a naive page would), on a sample, scaled to all requests — the ratio is printed.

Goals: sweep < 10 s on a 2-core machine, board pages p95 < 200 ms. The last line printed is a JSON object.

    python benchmarks/enterprise.py            # 100,000 requests, 1,000,000 events
    python benchmarks/enterprise.py --small    # 10,000 requests, a quick run
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "kaohe_bench_enterprise"
PG = os.environ.get("KAOHE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 10, 15, 0, tzinfo=TZ)
SECRET = "bench-secret-key-for-enterprise-benchmark-only-0123456789"


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))]


BOARD_PATHS = {
    "board": lambda rng: "/enterprise/board/" + (f"?type={rng.choice(['policy', 'land', 'finance'])}" if rng.random() < 0.3 else ""),
    "list": lambda rng: f"/enterprise/requests/?status=open&page={rng.randint(1, 20)}",
    "overdue": lambda rng: "/enterprise/requests/?status=open&clock=red",
}


def drive(port: int, cookie: str, threads: int, per_thread: int, seed: int) -> dict:
    """``threads`` clients, each ``per_thread`` GETs of the board pages in turn; client times in ms."""
    results: dict[str, list[float]] = {k: [] for k in BOARD_PATHS}
    errors: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        rng = random.Random(seed + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        kinds = list(BOARD_PATHS)
        for i in range(per_thread):
            kind = kinds[(i + n) % len(kinds)]
            path = BOARD_PATHS[kind](rng)
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                (results[kind] if response.status == 200 else errors).append(elapsed if response.status == 200 else f"{path}: {response.status}")
        conn.close()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return {"times": results, "errors": errors}


def measure_pages(env: dict) -> dict:
    """The board pages under 8 concurrent clients (gunicorn, 2 workers), as the city office."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client

    from kaohe.orgs.models import OrgUnit, Person, Role

    user = get_user_model().objects.create_user("bench_office", password="bench-pass-123")
    Person.objects.create(user=user, unit=OrgUnit.objects.get(code="B"), role=Role.OFFICE, display_name="基准考核办")
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    connections.close_all()
    port = free_port()
    log = Path(env["KAOHE_VAR_DIR"]) / "access.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "kaohe.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--timeout", "120", "--log-level", "warning", "--access-logfile", str(log), "--access-logformat", "%(U)s %(q)s %(s)s %(D)s"],
        env={**os.environ, **env}, cwd=str(ROOT), start_new_session=True)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        drive(port, cookie, 2, 3, 1)  # warm both workers
        time.sleep(0.5)
        start = len(log.read_text().splitlines()) if log.exists() else 0
        threads, per_thread = 8, 15
        t0 = time.perf_counter()
        got = drive(port, cookie, threads, per_thread, 7)
        wall = time.perf_counter() - t0
        time.sleep(1.0)
        server_ms: dict[str, list[float]] = {k: [] for k in BOARD_PATHS}
        for line in log.read_text().splitlines()[start:]:
            path, query, _status, micros = (line.split(" ") + ["", "", ""])[:4]
            kind = "board" if path.startswith("/enterprise/board") else ("overdue" if "clock=red" in query else "list")
            server_ms[kind].append(int(micros) / 1000)
        out = {"wall_s": round(wall, 1), "errors": len(got["errors"])}
        for kind in BOARD_PATHS:
            out[kind] = {"n": len(got["times"][kind]), "server_p50_ms": round(percentile(server_ms[kind], 50), 1),
                         "server_p95_ms": round(percentile(server_ms[kind], 95), 1),
                         "client_p95_ms": round(percentile(got["times"][kind], 95), 1)}
            print(f"{kind:8s} page: {out[kind]['n']} requests, server p50 {out[kind]['server_p50_ms']} ms, p95 "
                  f"{out[kind]['server_p95_ms']} ms; client p95 {out[kind]['client_p95_ms']} ms (queueing for 2 workers included)")
        print(f"{threads} clients × {per_thread} requests in {wall:.1f} s, errors {len(got['errors'])} {got['errors'][:3]}")
        return out
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def load(n_requests: int, rng: random.Random) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from kaohe.enterprise import config
    from kaohe.enterprise.models import Enterprise, EnterpriseRequest, Status
    from kaohe.enterprise.services import RESOLVE, RESPONSE, SIGN
    from kaohe.lib.creditcode import complete
    from kaohe.orgs import calendar as orgs_calendar
    from kaohe.orgs.models import OrgUnit

    for year in orgs_calendar.shipped_years():
        orgs_calendar.import_shipped(year)
    cal = orgs_calendar.work_calendar()
    city = OrgUnit.objects.create(code="B", name="基准市", kind="city")
    districts = [OrgUnit.objects.create(code=f"B-{i:02d}", name=f"第{i}区", kind="district", parent=city, sort_order=i)
                 for i in range(1, 13)]
    towns = [OrgUnit.objects.create(code=f"{d.code}-{j}", name=f"{d.name}{j}街道", kind="street", parent=d)
             for d in districts for j in range(1, 6)]
    ents = Enterprise.objects.bulk_create([
        Enterprise(credit_code=complete(f"91320100MA{i:07d}"), name=f"基准企业{i}", unit=towns[i % len(towns)],
                   link_key=f"bench-{i}") for i in range(5000)], batch_size=2000)
    tiers = {t: config.tier_limit(t) for t in config.get("tiers")}
    days = [d for d in (dt.date(2026, 1, 5) + dt.timedelta(days=k) for k in range(309)) if cal.is_workday(d)]
    rows, plans = [], []
    types = ["policy", "land", "finance", "permits", "talent", "utilities", "other"]
    for i in range(n_requests):
        ent = ents[rng.randrange(len(ents))]
        recv = cal.at(rng.choice(days), dt.time(8, 30)) + dt.timedelta(minutes=rng.randrange(600))
        rtype = rng.choice(types)
        tier = config.default_tier(rtype, "normal")
        rounds = rng.choices([1, 2, 3], weights=[25, 50, 25])[0]
        still_open = rng.random() < 0.15 or recv > NOW - dt.timedelta(days=3)
        plans.append((recv, tier, rounds, still_open))
        rows.append(EnterpriseRequest(
            number=f"B{i:07d}", enterprise=ent, rtype=rtype, tier=tier, channel="office", title="基准诉求",
            first_unit_id=ent.unit_id, handler_unit_id=ent.unit.parent_id, received_at=recv, round=rounds,
            status=Status.HANDLING if still_open else Status.CLOSED, closed_at=None if still_open else recv,
            satisfaction="" if still_open else "satisfied"))
    t0 = time.perf_counter()
    rows = EnterpriseRequest.objects.bulk_create(rows, batch_size=5000)
    requests_s = time.perf_counter() - t0
    ct = ContentType.objects.get_for_model(EnterpriseRequest)
    hour = 3600
    t0 = time.perf_counter()
    n_events = 0
    with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY orgs_deadlineevent (content_type_id, object_id, clock, kind, at, note) FROM STDIN") as copy:
        for r, (recv, tier, rounds, still_open) in zip(rows, plans, strict=True):
            def put(name, kind, at, pk=r.pk):
                copy.write_row((ct.pk, pk, name, kind, at, ""))

            put(RESPONSE, "start", recv)
            put(RESPONSE, "stop", cal.add_working_seconds(recv, rng.uniform(0.2, 9) * hour))
            start = recv
            limit = tiers[tier]
            for k in range(rounds):
                last = k == rounds - 1
                put(RESOLVE, "start", start)
                put(SIGN, "start", start)
                put(SIGN, "stop", cal.add_working_seconds(start, rng.uniform(0.5, 9) * hour))
                if last and still_open:
                    n_events += 3
                    break
                due = limit.due_from(start, cal)
                late = rng.random() < 0.1
                span = max(cal.working_seconds(start, due), hour)
                reply = cal.add_working_seconds(start, span * (rng.uniform(1.05, 2) if late else rng.uniform(0.2, 0.95)))
                put(RESOLVE, "stop", reply)
                n_events += 4
                start = cal.add_working_seconds(reply, rng.uniform(1, 16) * hour)
            n_events += 2
    events_s = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"requests": len(rows), "events": n_events, "load_requests_s": requests_s, "load_events_s": events_s}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    n = 10_000 if args.small else 100_000
    env = {
        "DATABASE_URL": f"{PG}/{DB_NAME}", "KAOHE_SECRET_KEY": SECRET, "KAOHE_ENV": "development", "KAOHE_DEBUG": "false",
        "KAOHE_VAR_DIR": str(ROOT / "var" / "bench-enterprise"), "DJANGO_SETTINGS_MODULE": "kaohe.settings",
        "KAOHE_LOG_LEVEL": "WARNING",
    }
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    try:
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from django.urls import reverse

        reverse("enterprise:workbench")  # load the URLconf now, not in the middle of the timed part
        rng = random.Random(2026)
        loaded = load(n, rng)
        print(f"loaded {loaded['requests']:,} requests ({loaded['load_requests_s']:.1f} s) and {loaded['events']:,} clock "
              f"events by COPY ({loaded['load_events_s']:.1f} s)")

        from kaohe.enterprise import services
        from kaohe.enterprise.figures import compute
        from kaohe.enterprise.models import EnterpriseRequest
        from kaohe.enterprise.sources import unit_rollup

        sweeps = []
        for _ in range(3):
            result = services.sweep(now=NOW, escalate_overdue=False)
            sweeps.append(result.seconds)
        print(f"clock sweep of {result.open:,} open requests: {min(sweeps):.2f} s (best of 3, median "
              f"{statistics.median(sweeps):.2f} s; the first, writing every cached due moment, {sweeps[0]:.2f} s); "
              f"overdue {result.overdue:,}")

        rows = list(EnterpriseRequest.objects.only("pk", "tier"))
        t0 = time.perf_counter()
        clocks = services.clocks_of_many(rows, now=NOW)
        full_s = time.perf_counter() - t0
        overdue = sum(1 for c in clocks.values() if c[services.RESOLVE] and c[services.RESOLVE].overdue)
        print(f"all clocks of {len(rows):,} requests from their events: {full_s:.2f} s ({overdue:,} overdue or late)")

        t0 = time.perf_counter()
        figures = compute(2026, NOW.date(), unit_rollup([f"B-{i:02d}" for i in range(1, 13)]))
        figures_s = time.perf_counter() - t0
        rate = statistics.mean(v["enterprise_requests_rate"][0] for v in figures.values())
        print(f"效能榜 figures for 12 districts, year to date: {figures_s:.2f} s (mean 按期办结率 {rate:.1f}%)")

        sample = rows[:: max(1, len(rows) // 500)]
        t0 = time.perf_counter()
        for r in sample:
            services.clocks(r, now=NOW)
        naive_each = (time.perf_counter() - t0) / len(sample)
        naive_open = naive_each * result.open
        naive_all = naive_each * len(rows)
        print(f"baseline, one request at a time ({len(sample)} sampled, {naive_each * 1000:.2f} ms each): "
              f"sweep ≈ {naive_open:.1f} s (×{naive_open / min(sweeps):.1f} slower), all ≈ {naive_all:.1f} s "
              f"(×{naive_all / full_s:.1f} slower)")

        pages = measure_pages(env)

        late = list(EnterpriseRequest.objects.filter(status="handling", escalated_at__isnull=True)
                    .select_related("enterprise", "first_unit", "handler_unit")[:100])
        t0 = time.perf_counter()
        for r in late:
            services.escalate(r, now=NOW, automatic=True)
        esc_each = (time.perf_counter() - t0) / max(1, len(late))
        print(f"escalation to 督办 (supervision task + step + audit): {esc_each * 1000:.1f} ms per request")
        print(json.dumps({"requests": loaded["requests"], "events": loaded["events"], "open": result.open,
                          "sweep_s": round(min(sweeps), 3), "first_sweep_s": round(sweeps[0], 3), "all_clocks_s": round(full_s, 3), "figures_s": round(figures_s, 3),
                          "baseline_sweep_s": round(naive_open, 1), "ratio_sweep": round(naive_open / min(sweeps), 1),
                          "escalate_ms": round(esc_each * 1000, 1), "goal_sweep_s": 10,
                          "board_server_p95_ms": {k: pages[k]["server_p95_ms"] for k in BOARD_PATHS},
                          "board_client_p95_ms": {k: pages[k]["client_p95_ms"] for k in BOARD_PATHS}, "goal_p95_ms": 200}))
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")


if __name__ == "__main__":
    main()
