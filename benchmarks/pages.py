"""Board and unit-profile pages at city-of-cities scale, on PostgreSQL, under concurrent clients.

Creates its own database ``kaohe_bench_results`` (dropped at the end), migrates it, bulk-loads
3,000 units × 24 monthly scoring runs (rows generated with COPY, not via the engine: 72k totals,
360k board rows, 576k indicator rows), starts a real server (gunicorn, 127.0.0.1) and drives it
with 20 concurrent clients, each making a bounded number of requests to board pages (a random
run, board, group and page) and unit profiles (a random unit and run) with a signed-in session,
plus the public page (cached). Prints p50/p95/p99 per page kind and errors; the last line is a
JSON object. Goal: p95 < 150 ms.

    python benchmarks/pages.py              # 3,000 units × 24 runs, 20 clients × 40 requests
    python benchmarks/pages.py --small      # 300 units × 6 runs, a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._harness import (  # noqa: E402
    base_env,
    drive,
    drop_database,
    fresh_database,
    percentile,
    session_cookie,
    setup_django,
    start_server,
)

DB_NAME = "kaohe_bench_results"
BOARDS = [("ZX", "争先榜"), ("LH", "龙虎榜"), ("SM", "赛马榜"), ("HL", "活力榜"), ("XN", "效能榜")]
INDICATORS_PER_BOARD = 2
GROUPS = ["G1", "G2", "G3", "G4"]


def scheme_meta() -> dict:
    indicators, boards = {}, []
    for code, name in BOARDS:
        inds = [f"{code.lower()}{i}" for i in range(1, INDICATORS_PER_BOARD + 1)]
        for ind in inds:
            indicators[ind] = {"name": f"{name}指标{ind[-1]}", "points": 10, "direction": "higher", "unit": "", "method": "rank_points",
                               "category": code, "bands": {"green": 0.85, "yellow": 0.6}, "category_name": name}
        boards.append({"code": code, "name": name, "indicators": inds})
    return {"name": "基准考核方案", "indicators": indicators, "boards": boards,
            "categories": [{"code": c, "name": n, "full_marks": 10.0 * INDICATORS_PER_BOARD} for c, n in BOARDS],
            "tiers": {"by": "quota", "levels": [{"name": "第一等次"}, {"name": "第二等次"}, {"name": "第三等次"}]}, "precision": 2}


def load_data(n_units: int, n_runs: int, seed: int = 7) -> dict:
    """Bulk rows straight into the tables (COPY); returns what the load phase needs."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from kaohe.orgs.models import OrgUnit, PeerGroup, Person, Role, UnitKind
    from kaohe.results.models import ScoringRun
    from kaohe.results.runs import sha256

    rng = random.Random(seed)
    city = OrgUnit.objects.create(code="BENCH", name="基准市", kind=UnitKind.CITY)
    units = OrgUnit.objects.bulk_create([
        OrgUnit(code=f"U{i:05d}", name=f"单位{i:05d}", kind=UnitKind.TOWN, parent=city, sort_order=i) for i in range(n_units)
    ])
    groups = {u.code: GROUPS[i % len(GROUPS)] for i, u in enumerate(units)}
    for g in GROUPS:
        pg = PeerGroup.objects.create(year=2025, code=g, name=f"第{g[1]}组")
        pg.members.set([u for u in units if groups[u.code] == g])
    User = get_user_model()
    office = User.objects.create_user("bench_office", password="bench-pass-123")
    Person.objects.create(user=office, unit=city, role=Role.OFFICE)
    assessed = User.objects.create_user("bench_unit", password="bench-pass-123")
    Person.objects.create(user=assessed, unit=units[0], role=Role.ASSESSED)
    meta = scheme_meta()
    indicators = list(meta["indicators"])
    blob = zlib.compress(b'{"meta":{},"scheme":{},"period":null,"values":{"columns":[],"rows":[]},"units":{"columns":[],"rows":[]},"targets":{"columns":[],"rows":[]}}')
    runs = []
    for k in range(n_runs):
        year, month = 2024 + k // 12, k % 12 + 1
        runs.append(ScoringRun.objects.create(
            scheme_code="BENCH", scheme_name="基准考核方案", owner_unit=city, year=year, kind="month", number=month,
            label=f"{year}年{month}月", status="done", progress=100, inputs=blob, inputs_hash=sha256(blob),
            scheme_meta=meta, content_hash=sha256(f"bench{k}")))
    ids = {u.code: u.pk for u in units}
    strength = {u.code: rng.random() for u in units}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for run in runs:
            scores = {}
            for code in ids:
                strength[code] = min(max(strength[code] + rng.gauss(0, 0.05), 0), 1)
                scores[code] = {ind: round(10 * min(max(strength[code] + rng.gauss(0, 0.2), 0), 1), 2) for ind in indicators}
            totals = {c: round(sum(s.values()), 2) for c, s in scores.items()}
            rank_total, rank_board, rank_ind = {}, {}, {}
            for g in GROUPS:
                members = [c for c in ids if groups[c] == g]
                for c, r in _ranks(members, totals).items():
                    rank_total[c] = r
                for code, _n in BOARDS:
                    board_scores = {c: sum(scores[c][i] for i in meta["boards"][[b for b, _ in BOARDS].index(code)]["indicators"]) for c in members}
                    for c, r in _ranks(members, board_scores).items():
                        rank_board[(code, c)] = (r, board_scores[c])
                for ind in indicators:
                    for c, r in _ranks(members, {m: scores[m][ind] for m in members}).items():
                        rank_ind[(ind, c)] = r
            n = len(members)
            with raw.copy('COPY results_runtotal (run_id, unit_id, unit_code, unit_name, "group", total, rank, tier, vetoed, bonus, deduction, '
                          "categories, n_indicators, first_places, top3, full_marks, assessed, reason) FROM STDIN") as copy:
                for c in ids:
                    cats = {b: round(sum(scores[c][i] for i in meta["boards"][j]["indicators"]), 2) for j, (b, _n) in enumerate(BOARDS)}
                    r = rank_total[c]
                    tier = "第一等次" if r <= n // 3 else "第二等次" if r <= 2 * n // 3 else "第三等次"
                    firsts = sum(1 for i in indicators if rank_ind[(i, c)] == 1)
                    top3 = sum(1 for i in indicators if rank_ind[(i, c)] <= 3)
                    full = sum(1 for i in indicators if scores[c][i] >= 10)
                    copy.write_row((run.pk, ids[c], c, f"单位{c[1:]}", groups[c], totals[c], r, tier, False, 0.0, 0.0,
                                    json.dumps(cats, ensure_ascii=False), len(indicators), firsts, top3, full, True, ""))
            with raw.copy('COPY results_runboard (run_id, board, unit_id, unit_code, unit_name, "group", score, rank) FROM STDIN') as copy:
                for (b, c), (r, s) in rank_board.items():
                    copy.write_row((run.pk, b, ids[c], c, f"单位{c[1:]}", groups[c], round(s, 2), r))
            with raw.copy('COPY results_runindicator (run_id, unit_id, unit_code, "group", indicator, value, score, rank, full_marks) FROM STDIN') as copy:
                for c in ids:
                    for i in indicators:
                        copy.write_row((run.pk, ids[c], c, groups[c], i, round(scores[c][i] * 1.7, 2), scores[c][i], rank_ind[(i, c)], 10.0))
        cursor.execute("ANALYZE")
    return {"runs": [r.pk for r in runs], "units": list(ids), "office": office, "assessed": assessed,
            "load_seconds": time.perf_counter() - started}


def _ranks(members: list[str], values: dict[str, float]) -> dict[str, int]:
    ordered = sorted(members, key=lambda c: -values[c])
    out, prev, rank = {}, None, 0
    for i, c in enumerate(ordered, start=1):
        if values[c] != prev:
            rank, prev = i, values[c]
        out[c] = rank
    return out


def publish_one(run_id: int) -> int:
    from django.db import transaction

    from kaohe.results.models import ScoringRun
    from kaohe.results.services import publish

    with transaction.atomic():  # publish locks the register (select_for_update)
        return publish(ScoringRun.objects.get(pk=run_id)).pk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=24)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=40, help="requests per client")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.small:
        args.units, args.runs, args.requests = 300, 6, 15
    var_dir = Path("/tmp") / f"kaohe-bench-results-{os.getpid()}"
    env = base_env(fresh_database(DB_NAME), str(var_dir), "bench-secret-key-for-results-pages-benchmark-0123456789")
    server = None
    try:
        setup_django(env)
        from django.core.management import call_command

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_seconds = time.perf_counter() - t0
        data = load_data(args.units, args.runs)
        print(f"loaded {args.units} units × {len(data['runs'])} runs in {data['load_seconds']:.1f} s (migrate {migrate_seconds:.1f} s)", flush=True)
        pub_id = publish_one(data["runs"][-1])
        office_cookie = session_cookie(data["office"])
        unit_cookie = session_cookie(data["assessed"])
        # One request at a time per worker process (2 cores here): the server time is then the
        # request's own time, not time spent waiting for the GIL behind other threads.
        workers = int(os.environ.get("KAOHE_BENCH_WORKERS", "3"))
        threads = int(os.environ.get("KAOHE_BENCH_THREADS", "1"))
        server = start_server(env, workers=workers, threads=threads)
        rng = random.Random(11)
        plans = []
        for _c in range(args.clients):
            plan = []
            for _ in range(args.requests):
                run = rng.choice(data["runs"])
                roll = rng.random()
                if roll < 0.45:
                    board = rng.choice(BOARDS)[0]
                    group = rng.choice(GROUPS)
                    page = rng.randint(1, max(1, args.units // len(GROUPS) // 50))
                    plan.append(("board", f"/results/boards/{run}/{board}/?group={group}&page={page}", office_cookie))
                elif roll < 0.9:
                    unit = rng.choice(data["units"])
                    plan.append(("profile", f"/results/units/{unit}/?run={run}", office_cookie))
                elif roll < 0.95:
                    plan.append(("profile", f"/results/units/{data['units'][0]}/?run={run}", unit_cookie))
                else:
                    plan.append(("public", f"/public/{pub_id}/?group={rng.choice(GROUPS)}", ""))
            plans.append(plan)
        # Warm each worker (imports, template loading) before measuring.
        drive(server.port, [[p for plan in plans[:4] for p in plan[:3]]])
        single = drive(server.port, plans[:1])  # one client alone: the baseline
        started = time.perf_counter()
        results = drive(server.port, plans)
        wall = time.perf_counter() - started
        print("\n".join(results.table(f"{args.clients} clients:")))
        base = {k: percentile(v, 95) for k, v in single.server.items()}
        print("server p95 against one client alone: " + ", ".join(
            f"{k} ×{percentile(results.server[k], 95) / max(base.get(k, 0), 0.1):.1f}" for k in results.kinds() if base.get(k)))
        pages = results.client["board"] + results.client["profile"]
        server_pages = results.server["board"] + results.server["profile"]
        summary = results.as_dict()
        errors = results.errors
        done = sum(len(v) for v in results.client.values())

        def pct(values, p):
            return round(percentile(values, p), 1)

        out = {
            "units": args.units, "runs": len(data["runs"]), "clients": args.clients, "requests": done + len(errors),
            "errors": len(errors), "seconds": round(wall, 1), "rps": round(done / wall, 1) if wall else 0,
            "p50_ms": pct(pages, 50), "p95_ms": pct(pages, 95), "p99_ms": pct(pages, 99), "mean_ms": round(statistics.fmean(pages), 1) if pages else 0,
            "board": summary.get("board"), "profile": summary.get("profile"), "public": summary.get("public"),
            "server_p50_ms": pct(server_pages, 50), "server_p95_ms": pct(server_pages, 95), "server_p99_ms": pct(server_pages, 99),
            "server_public_p95_ms": pct(results.server["public"], 95),
            "goal_p95_ms": 150, "workers": workers, "threads": threads, "load_seconds": round(data["load_seconds"], 1),
            "load_average": round(os.getloadavg()[0], 1),
        }
        for e in errors[:5]:
            print("error:", e)
        print(json.dumps(out, ensure_ascii=False))
        return 0
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            drop_database(DB_NAME)


if __name__ == "__main__":
    sys.exit(main())
