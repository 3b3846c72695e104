"""Data collection at scale on PostgreSQL: an Excel upload of 100,000 values, an API bulk
submit of 1,000,000 values, and the data-entry grid of 150 units × 40 indicators.

Creates its own database ``kaohe_bench_assessment`` (dropped at the end), migrates it,
bulk-loads 5,000 assessed units and three schemes, then measures, in process:

* ``excel``: ``excel.import_values`` on a filled template of 2,500 units × 40 indicators
  (read with openpyxl, every value parsed, validated against its rules and history,
  upserted and audited) — goal < 15 s;
* ``api``: ``POST /api/assessment/values`` through Django's test client with a bearer
  token, 5,000 units × 200 indicators (JSON parsed by pydantic, ownership checked,
  validated, COPY + one INSERT … ON CONFLICT, audited in chunks) — goal < 60 s;
* ``grid``: the grid page for 150 units × 40 indicators with last period beside each
  cell, server time (median of 5 requests) — goal < 300 ms.

The last line printed is a JSON object.

    python benchmarks/imports.py            # full size
    python benchmarks/imports.py --small    # a tenth, a quick run
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = os.environ.get("KAOHE_BENCH_DB", "kaohe_bench_assessment")  # one per parallel run
PG = os.environ.get("KAOHE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def scheme(year: int, code: str, prefix: str, n: int, ru: str) -> dict:
    leaves = [{"code": f"{prefix}{i:03d}", "name": f"指标{prefix}{i:03d}", "points": 1, "method": "efficacy",
               "unit_of_measure": "亿元", "responsible_unit": ru, "frequency": "monthly", "value_kind": "period",
               "rules": {"jump_pct": 50}} for i in range(n)]
    return {"name": f"基准{code}", "year": year, "code": code, "root": {"children": [{"code": "A", "name": "全部", "children": leaves}]}}


def setup(n_units: int, n_api_ind: int, excel_units: int) -> dict:
    from django.contrib.auth import get_user_model

    from kaohe.assessment import schemes, services
    from kaohe.assessment.models import DataValue, Period
    from kaohe.orgs.models import ApiToken, OrgUnit, PeerGroup, Person

    city = OrgUnit.objects.create(code="B", name="基准市", kind="city")
    rus = {code: OrgUnit.objects.create(code=code, name=name, kind="department", parent=city)
           for code, name in (("B-R1", "统计局"), ("B-R2", "商务局"), ("B-R3", "发改委"))}
    units = OrgUnit.objects.bulk_create([OrgUnit(code=f"U{i:05d}", name=f"单位{i:05d}", kind="town", parent=city, sort_order=i)
                                         for i in range(n_units)])
    groups = {}
    for code, members in (("ALL", units), ("HALF", units[:excel_units]), ("G150", units[:150])):
        g = PeerGroup.objects.create(year=2025, code=code, name=code)
        g.members.set(members)
        groups[code] = g
    User = get_user_model()
    users = {}
    for code, ru in rus.items():
        u = User.objects.create_user(username=f"bench-{code}", password="x")
        Person.objects.create(user=u, unit=ru, role="submitter")
        users[code] = u
    services.ensure_periods(city, 2025)
    versions = {}
    for code, prefix, n, ru, group in (("API", "a", n_api_ind, "B-R1", "ALL"), ("XLS", "x", 40, "B-R2", "HALF"), ("GRID", "g", 40, "B-R3", "G150")):
        v = schemes.import_scheme(scheme(2025, code, prefix, n, ru), code=code, peer_groups=[groups[group]], owner_unit=city)
        versions[code] = schemes.adopt(v)
    feb = Period.objects.get(owner_unit=city, year=2025, kind="month", number=2)
    mar = Period.objects.get(owner_unit=city, year=2025, kind="month", number=3)
    # History for the grid and the Excel upload: February values.
    rows = []
    for code, prefix, members in (("GRID", "g", units[:150]), ("XLS", "x", units[:excel_units])):
        for u in members:
            for i in range(40):
                rows.append(DataValue(version=versions[code], unit=u, indicator=f"{prefix}{i:03d}", period=feb, value=100 + i))
    DataValue.objects.bulk_create(rows, batch_size=5000)
    DataValue.objects.bulk_create([DataValue(version=versions["GRID"], unit=u, indicator=f"g{i:03d}", period=mar, value=101 + i)
                                   for u in units[:150] for i in range(40)], batch_size=5000)
    token = ApiToken.issue(users["B-R1"], "bench")[1]
    return {"units": units, "rus": rus, "users": users, "versions": versions, "mar": mar, "token": token}


def bench_excel(ctx: dict, excel_units: int) -> dict:
    import openpyxl

    from kaohe.assessment import excel

    version, period, ru = ctx["versions"]["XLS"], ctx["mar"], ctx["rus"]["B-R2"]
    wb = openpyxl.load_workbook(io.BytesIO(excel.template_workbook(version, period, ru)))
    ws = wb["数据"]
    for r in range(4, 4 + excel_units):
        for c in range(3, 43):
            ws.cell(r, c, 100 + c + (r % 7))
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()
    t = time.perf_counter()
    outcome = excel.import_values(data, "bench.xlsx", user=ctx["users"]["B-R2"], version=version, period=period, responsible_unit=ru)
    seconds = time.perf_counter() - t
    assert outcome.ok, [str(p) for p in outcome.problems[:5]]
    n = outcome.saved
    print(f"excel upload: {n:,} values in {seconds:.2f} s ({n / seconds:,.0f} rows/s), {len(data) / 1e6:.1f} MB file")
    return {"values": n, "seconds": round(seconds, 2), "rows_per_s": round(n / seconds)}


def bench_api(ctx: dict, n_ind: int) -> dict:
    from django.test import Client

    from kaohe.assessment.models import DataValue

    version = ctx["versions"]["API"]
    values = [{"unit": u.code, "indicator": f"a{i:03d}", "value": 50 + (j % 97) + i / 10}
              for j, u in enumerate(ctx["units"]) for i in range(n_ind)]
    body = json.dumps({"version": version.pk, "period": "2025-03", "values": values}).encode()
    del values
    # A warm server: the first request of a process imports the URL conf, catalogues, …
    Client().get("/api/assessment/schemes", HTTP_AUTHORIZATION=f"Bearer {ctx['token']}")
    t = time.perf_counter()
    r = Client().post("/api/assessment/values", data=body, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {ctx['token']}")
    seconds = time.perf_counter() - t
    assert r.status_code == 200, r.content[:500]
    n = r.json()["saved"]
    assert DataValue.objects.filter(version=version).count() == n
    print(f"api bulk submit: {n:,} values in {seconds:.2f} s ({n / seconds:,.0f} rows/s), {len(body) / 1e6:.0f} MB body")
    return {"values": n, "seconds": round(seconds, 2), "rows_per_s": round(n / seconds)}


def bench_grid(ctx: dict) -> dict:
    from django.test import Client
    from django.urls import reverse

    version, period, ru = ctx["versions"]["GRID"], ctx["mar"], ctx["rus"]["B-R3"]
    c = Client()
    c.force_login(ctx["users"]["B-R3"])
    url = reverse("assessment:grid", args=[version.pk, period.pk, ru.pk])
    times = []
    for _ in range(6):
        t = time.perf_counter()
        r = c.get(url)
        times.append(time.perf_counter() - t)
        assert r.status_code == 200
    ms = statistics.median(times[1:]) * 1000
    cells = r.content.count(b'class="g-in"')
    print(f"grid: {cells:,} cells rendered in {ms:.0f} ms (median of 5, server time)")
    return {"cells": cells, "ms": round(ms)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args()
    n_units, n_ind, excel_units = (500, 200, 250) if args.small else (5000, 200, 2500)
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
    os.environ.setdefault("KAOHE_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.settings")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        ctx = setup(n_units, n_ind, excel_units)
        print(f"setup: {time.perf_counter() - t:.1f} s")
        result = {"excel": bench_excel(ctx, excel_units), "api": bench_api(ctx, n_ind), "grid": bench_grid(ctx)}
        from django.db import connections

        connections.close_all()
    finally:
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    result["goals"] = {"excel_s": 15, "api_s": 60, "grid_ms": 300}
    result["met"] = (result["excel"]["seconds"] < 15 or args.small) and (result["api"]["seconds"] < 60 or args.small) and result["grid"]["ms"] < 300
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
