"""Month-end load on PostgreSQL: N simulated users against gunicorn on loopback.

Creates its own database (``kaohe_bench_monthend`` unless ``--database``; dropped at the end)
holding the demo city 示范市 (orgs, assessment, results: the 2026 scheme, its open November, ten
sealed monthly runs, publications), cloned from a template database that is migrated and loaded
once (``kaohe_bench_monthend_tpl_<key>``; the key digests the migrations, the demo loaders and
the engine, so a change to any of them builds a new one; ``--rebuild-template`` forces it,
``--no-template`` migrates and loads the run's own database as before). Then ``--users`` simulated users (default
200), each signed in through the real login form (CSRF, session), act for ``--seconds``
(default 300) with a random pause between actions (``--think``, mean seconds, default 30 — a
person reads a page or types a few values between two requests):

* **submitters** (half) at the bureaus that report monthly: open their grid for November and
  save 1–6 values at a time (the grid's JSON post with the CSRF header and the revision they
  last saw; a conflict takes the other's revision and tries later) — two or more submitters
  per bureau, so they do meet on the same cells;
* **offices** review: the period's review page and the data-entry overview;
* **leaders** open the cockpit, boards (any month, board, group, page) and unit profiles;
* **assessed units** their own profile and the boards;
* **the public** the 公示 pages (no login).

First a baseline in the same process: one user of each kind, one action at a time; then every
user signs in (a few at a time); then the load. Per kind it prints p50/p95/p99 of the server's
own time (``Server-Timing``: the client threads' CPU on two shared cores does not count), the
CPU the request's thread used (what the code costs, however busy the machine is) and the
latency at the client, the ratio of the load's server p95 to the
baseline's, errors (any unexpected status or a failed connection), and the **lost-update
audit**: every acknowledged write (a ``saved`` answer and the revision it names) must be one
stored revision and one value-change row with that value, no revision acknowledged twice, each
cell's stored value the last acknowledged one, and one audit entry per saving request.

Goals (2-core machine): 0 errors, 0 lost updates, saves p95 < 300 ms and board/profile/public
pages p95 < 150 ms server time. The last line printed is a JSON object.

    python benchmarks/monthend.py                       # 200 users, 5 minutes
    python benchmarks/monthend.py --users 50 --seconds 60
    python benchmarks/monthend.py --quick               # 8 users, 20 s: a smoke test
    python benchmarks/monthend.py --no-page-cache       # sealed runs' pages rendered every time
    python benchmarks/monthend.py --no-template         # migrate and load the demo into its own database
    KAOHE_BENCH_REDIS=redis://127.0.0.1:6379/0 python benchmarks/monthend.py   # the cache in Redis
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._harness import (  # noqa: E402
    Browser,
    Results,
    base_env,
    cloned_database,
    code_key,
    drop_database,
    fresh_database,
    percentile,
    run_threads,
    setup_django,
    start_server,
)

PASSWORD = "bench-Pass-2026!"
SECRET = "bench-secret-key-for-the-month-end-benchmark-0123456789"
GOALS = {"save": 300.0, "board": 150.0, "profile": 150.0, "public": 150.0}
DEMO_APPS = "assessment,results"  # `kaohe demo --only`: orgs, assessment and results
# What the template database is made of: a change to any of these builds a new one.
TEMPLATE_SOURCES = ("kaohe/*/migrations/*.py", "kaohe/*/demo.py", "kaohe/management/commands/demo.py", "kaohe/engine/**/*.py")
MIX = (("submitter", 0.5), ("office", 0.1), ("leader", 0.15), ("assessed", 0.1), ("public", 0.15))
CELL = re.compile(r'data-u="(\d+)" data-i="([^"]+)"[^>]*>\s*<input[^>]*?value="([^"]*)" data-rev="(\d+)"[^>]*>'
                  r'(?:<span class="g-msg"[^<]*</span>)?<span class="g-hist">[^<]*?\s(\S+)\s·')


# ---- the world ---------------------------------------------------------------------------


@dataclass
class World:
    """What the simulated users need: URLs, accounts, the cells each bureau may write."""

    version: int
    period: int
    cells: dict[int, list[tuple[int, str]]]  # responsible unit id → its (unit id, indicator) cells
    accounts: dict[str, list[tuple[str, int | None]]]  # kind → (username, responsible unit id)
    runs: list[int]
    boards: list[str]
    groups: list[str]
    units: list[str]
    publications: list[int]
    public_groups: dict[int, list[str]]
    own_unit: dict[str, str]  # assessed account → its unit's code


def build_demo(url: str, var_dir: str) -> None:
    """Migrate the database at ``url`` and load the demo into it (``kaohe demo``, in a process of
    its own: this one's Django is set up for the run's database)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KAOHE_", "DATABASE_URL", "DJANGO_"))}
    done = subprocess.run([sys.executable, "-m", "kaohe.cli", "demo", "--quiet", "--only", DEMO_APPS],
                          env={**env, **base_env(url, var_dir, SECRET)}, cwd=Path(__file__).resolve().parent.parent,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"loading the demo failed:\n{done.stderr[-3000:]}")


def load_world(users: int, demo: bool) -> World:
    """The demo (orgs, assessment, results; loaded here when ``demo``, else already in the
    database), and bench accounts: 2–4 submitters per bureau."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from kaohe.assessment import services
    from kaohe.assessment.models import Period, SchemeVersion
    from kaohe.management.commands.demo import run_demo
    from kaohe.orgs.models import OrgUnit, Person, Role
    from kaohe.results.models import Publication, RunTotal, ScoringRun

    if demo:
        run_demo(verbose=False, only=["orgs", *DEMO_APPS.split(",")])
    version = SchemeVersion.objects.select_related("scheme__owner_unit").get(
        scheme__owner_unit__code="SFS", scheme__year=2026, status="adopted")
    city = version.scheme.owner_unit
    period = Period.objects.get(owner_unit=city, year=2026, kind="month", number=11)
    assessed = [u.pk for u in services.assessed_units(version)]
    cells: dict[int, list[tuple[int, str]]] = {}
    for ru in services.responsible_units(version, period):
        codes = [s.code for s in services.due_indicators(version, period, ru)]
        if codes:
            cells[ru.pk] = [(u, c) for u in assessed for c in codes]
    counts = {kind: max(1, round(users * share)) for kind, share in MIX}
    User = get_user_model()
    digest = make_password(PASSWORD)  # hashed once: every bench account has the same password
    accounts: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    rus = sorted(cells)
    people = []
    for i in range(max(2 * len(rus), min(4 * len(rus), counts["submitter"]))):
        ru = rus[i % len(rus)]
        people.append((f"bench_sub_{i:03d}", ru, Role.SUBMITTER, "submitter"))
    for i in range(min(6, counts["office"])):
        people.append((f"bench_office_{i}", city.pk, Role.OFFICE, "office"))
    for i in range(min(6, counts["leader"])):
        people.append((f"bench_leader_{i}", city.pk, Role.LEADER, "leader"))
    made = User.objects.bulk_create([User(username=name, password=digest) for name, *_rest in people])
    Person.objects.bulk_create([Person(user=u, unit_id=unit, role=role, display_name=name)
                                for u, (name, unit, role, _k) in zip(made, people, strict=True)])
    for name, unit, _role, kind in people:
        accounts[kind].append((name, unit if kind == "submitter" else None))
    districts = dict(Person.objects.filter(role=Role.ASSESSED, unit__parent=city).values_list("user__username", "unit__code"))
    for username in districts:
        User.objects.filter(username=username).update(password=digest)
        accounts["assessed"].append((username, None))
    runs = list(ScoringRun.objects.filter(owner_unit=city, year=2026, kind="month", status="done").values_list("pk", flat=True))
    run = ScoringRun.objects.get(pk=runs[0])
    pubs = list(Publication.objects.filter(run__owner_unit=city).values_list("pk", "run_id"))
    return World(
        version=version.pk, period=period.pk, cells=cells, accounts=dict(accounts), runs=runs,
        boards=[b["code"] for b in run.scheme_meta.get("boards", [])],
        groups=sorted(set(RunTotal.objects.filter(run=run).values_list("group", flat=True))),
        units=sorted(OrgUnit.objects.filter(pk__in=assessed).values_list("code", flat=True)),
        publications=[p for p, _r in pubs],
        public_groups={p: sorted(set(RunTotal.objects.filter(run_id=r).values_list("group", flat=True))) for p, r in pubs},
        own_unit=districts,
    )


# ---- the simulated users -----------------------------------------------------------------


@dataclass
class Ledger:
    """Every save request and what it acknowledged (thread-safe)."""

    acks: list[tuple[int, str, int, str]] = field(default_factory=list)  # (unit, indicator, revision, value)
    ambiguous: int = 0  # writes of answers whose "saved" cells include an unchanged one (counted, not matched)
    saving_requests: int = 0
    conflicts: int = 0
    refused: Counter = field(default_factory=Counter)  # validation messages (not errors: the grid shows them)
    lock: threading.Lock = field(default_factory=threading.Lock)


class User:
    def __init__(self, world: World, kind: str, account: tuple[str, int | None] | None, port: int,
                 results: Results, ledger: Ledger, seed: int):
        self.world, self.kind, self.account = world, kind, account
        self.browser = Browser(port, results)
        self.ledger, self.rng = ledger, random.Random(seed)
        self.seen: dict[tuple[int, str], tuple[str, int, str]] = {}  # cell → (value, revision, last period)
        self.counter = self.actions = 0
        self.signed_in = False

    def login(self) -> bool:
        if self.account is None:
            return True
        if self.browser.get("login", "/login/") is None:
            return False
        answer = self.browser.post_form("login", "/login/", {"username": self.account[0], "password": PASSWORD, "next": "/"},
                                        expect=(302,))
        return answer is not None

    def act(self) -> None:
        getattr(self, f"act_{self.kind}")()
        self.actions += 1

    # submitters ---------------------------------------------------------------------------

    @property
    def grid_url(self) -> str:
        w = self.world
        return f"/assessment/data/{w.version}/{w.period}/{self.account[1]}/"

    def open_grid(self) -> None:
        answer = self.browser.get("grid", self.grid_url)
        if answer is None:
            return
        for u, i, value, rev, last in CELL.findall(answer[1].decode()):
            self.seen[(int(u), html.unescape(i))] = (value, int(rev), last)

    def new_value(self, cell: tuple[int, str]) -> str:
        """A plausible new value: a little above what is stored (or last period's), never the same twice."""
        value, _rev, last = self.seen.get(cell, ("", 0, "—"))
        try:
            base = Decimal(value or last.replace(",", ""))
        except ArithmeticError:
            base = Decimal(50)
        self.counter += 1
        if base == base.to_integral_value() and "." not in (value or last):
            return str(int(base) + self.counter % 7 + 1)
        return str((base * Decimal(1 + self.rng.random() * 0.02)).quantize(Decimal("0.01")) + Decimal(self.counter % 97 + 1) / 10000)

    def act_submitter(self) -> None:
        if not self.seen or self.rng.random() < 0.15:
            self.open_grid()
            return
        cells = self.world.cells[self.account[1]]
        # Colleagues of one bureau work the same few rows: conflicts do happen.
        chosen = self.rng.sample(cells[: max(12, len(cells) // 8)], k=min(len(cells), self.rng.randint(1, 6)))
        items = []
        for cell in chosen:
            value = self.new_value(cell)
            items.append({"unit": cell[0], "indicator": cell[1], "value": value, "revision": self.seen.get(cell, ("", 0, ""))[1]})
        w = self.world
        answer = self.browser.post_json("save", f"/assessment/data/{w.version}/{w.period}/{self.account[1]}/save/", {"items": items})
        if answer is None:
            return
        reply = json.loads(answer[1])
        sent = {(it["unit"], it["indicator"]): it["value"] for it in items}
        saved = [r for r in reply["results"] if r["status"] == "saved"]
        with self.ledger.lock:
            if reply["saved"]:
                self.ledger.saving_requests += 1
            if reply["saved"] == len(saved):
                self.ledger.acks.extend((r["unit"], r["indicator"], r["revision"], sent[(r["unit"], r["indicator"])]) for r in saved)
            else:  # some "saved" cell was unchanged: which ones is unknown, only how many were written
                self.ledger.ambiguous += reply["saved"]
            for r in reply["results"]:
                if r["status"] == "conflict":
                    self.ledger.conflicts += 1
                elif r["status"] == "error":
                    self.ledger.refused[" ".join(r["messages"])[:60]] += 1
        for r in reply["results"]:
            key = (r["unit"], r["indicator"])
            old = self.seen.get(key, ("", 0, "—"))
            if r["status"] == "saved":
                self.seen[key] = (sent[key], r["revision"], old[2])
            elif r["status"] == "conflict":
                self.seen[key] = (r["theirs"] or "", r["revision"], old[2])

    # readers ------------------------------------------------------------------------------

    def board_url(self) -> str:
        w, rng = self.world, self.rng
        return f"/results/boards/{rng.choice(w.runs)}/{rng.choice(w.boards)}/?group={rng.choice(w.groups)}"

    def act_office(self) -> None:
        w = self.world
        if self.rng.random() < 0.7 or not self.actions:
            self.browser.get("review", f"/assessment/review/{w.version}/{w.period}/")
        else:
            self.browser.get("review", f"/assessment/data/?version={w.version}")

    def act_leader(self) -> None:
        roll, w = self.rng.random(), self.world
        if roll < 0.25 or not self.actions:  # the leader's home page first
            self.browser.get("cockpit", "/results/cockpit/")
        elif roll < 0.65:
            self.browser.get("board", self.board_url())
        else:
            self.browser.get("profile", f"/results/units/{self.rng.choice(w.units)}/?run={self.rng.choice(w.runs)}")

    def act_assessed(self) -> None:
        if self.rng.random() < 0.6 or not self.actions:
            code = self.world.own_unit[self.account[0]]
            self.browser.get("profile", f"/results/units/{code}/?run={self.rng.choice(self.world.runs)}")
        else:
            self.browser.get("board", self.board_url())

    def act_public(self) -> None:
        w = self.world
        if self.rng.random() < 0.2:
            self.browser.get("public", "/public/")
        else:
            pub = self.rng.choice(w.publications)
            self.browser.get("public", f"/public/{pub}/?group={self.rng.choice(w.public_groups[pub])}")


def population(world: World, n: int) -> list[tuple[str, tuple[str, int | None] | None]]:
    """``n`` (kind, account) pairs in the mix; accounts shared round-robin (each user its own session)."""
    out = []
    for kind, share in MIX:
        k = max(1, round(n * share))
        pool = world.accounts.get(kind, [])
        out += [(kind, pool[i % len(pool)] if kind != "public" else None) for i in range(k)]
    return out[: max(n, len(MIX))]


def baseline(world: World, port: int, ledger: Ledger, actions: int) -> Results:
    """One user of each kind alone, one action after another (no pause): the server's own
    time without contention."""
    results = Results()
    for n, (kind, _share) in enumerate(MIX):
        account = world.accounts[kind][0] if kind != "public" else None
        user = User(world, kind, account, port, results, ledger, seed=1000 + n)
        if user.login():
            for _ in range(actions):
                user.act()
        user.browser.close()
    return results


def sign_in(world: World, port: int, ledger: Ledger, users: int, parallel: int) -> tuple[list[User], Results]:
    """Everyone signs in through the login form first, ``parallel`` at a time (the morning's
    logins are spread out; password hashing is the costliest request there is)."""
    results = Results()
    people = [User(world, kind, account, port, results, ledger, seed=n) for n, (kind, account) in enumerate(population(world, users))]
    queue, lock = list(people), threading.Lock()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                user = queue.pop()
            user.signed_in = user.login()

    run_threads([worker] * parallel)
    return [u for u in people if u.signed_in], results


def load(people: list[User], results: Results, seconds: float, think: float) -> float:
    """Every signed-in user acts until the time is up, pausing ``think`` seconds on average."""
    deadline = time.time() + seconds

    def life(user: User) -> None:
        user.browser.results = results
        time.sleep(user.rng.random() * min(think, seconds / 4))  # not all at the same instant
        while time.time() < deadline:
            user.act()
            time.sleep(min(max(0.0, deadline - time.time()), user.rng.expovariate(1 / think)))
        user.browser.close()

    return run_threads([lambda u=u: life(u) for u in people])


# ---- the lost-update audit -----------------------------------------------------------------


def audit(world: World, ledger: Ledger, before: dict, started_at) -> dict:
    """Acknowledged writes against stored revisions, value-change rows and audit entries.

    Lost: an acknowledged revision acknowledged twice, an acknowledged write with no
    value-change row of that revision and value, a cell whose revisions since the start are not
    one row each (before+1 … stored), a cell stored behind its last acknowledged write (or at it
    with another value), fewer audit entries than saving requests. A write whose answer never
    arrived (the client timed out) is stored and counted apart, not lost."""
    from django.contrib.contenttypes.models import ContentType

    from kaohe.assessment.models import DataValue, ValueChange
    from kaohe.audit.models import AuditEntry

    acks = ledger.acks
    last_ack: dict[tuple[int, str], tuple[int, str]] = {}
    for u, i, rev, value in acks:
        last_ack[(u, i)] = max(last_ack.get((u, i), (0, "")), (rev, value))
    repeated = sum(n - 1 for n in Counter((u, i, rev) for u, i, rev, _v in acks).values() if n > 1)
    stored = {(u, i): (rev, val) for u, i, rev, val in DataValue.objects.filter(
        version_id=world.version, period_id=world.period).values_list("unit_id", "indicator", "revision", "value")}
    rows = list(ValueChange.objects.filter(version_id=world.version, period_id=world.period, at__gte=started_at)
                .values_list("unit_id", "indicator", "revision", "new"))
    changes = {(u, i, rev): new for u, i, rev, new in rows}
    missing = sum(1 for u, i, rev, value in acks if (u, i, rev) not in changes or changes[(u, i, rev)] != Decimal(value))
    revisions: dict[tuple[int, str], list[int]] = defaultdict(list)
    for u, i, rev, _new in rows:
        revisions[(u, i)].append(rev)
    broken = sum(1 for cell, revs in revisions.items()
                 if sorted(revs) != list(range(before.get(cell, 0) + 1, stored.get(cell, (0, None))[0] + 1)))
    increments = sum(stored[c][0] - before.get(c, 0) for c in stored if stored[c][0] != before.get(c, 0))
    behind = sum(1 for cell, (rev, value) in last_ack.items()
                 if cell not in stored or stored[cell][0] < rev or (stored[cell][0] == rev and stored[cell][1] != Decimal(value)))
    entries = AuditEntry.objects.filter(at__gte=started_at, object_type=ContentType.objects.get_for_model(DataValue)).count()
    unacknowledged = len(rows) - len(acks) - ledger.ambiguous
    lost = (repeated + missing + broken + behind + max(0, -unacknowledged) + max(0, ledger.saving_requests - entries)
            + abs(increments - len(rows)))
    return {"acknowledged_writes": len(acks), "ambiguous": ledger.ambiguous, "stored_revisions": increments,
            "value_change_rows": len(rows), "audit_entries": entries, "saving_requests": ledger.saving_requests,
            "unacknowledged_writes": max(0, unacknowledged), "repeated_revisions": repeated, "acks_without_row": missing,
            "broken_chains": broken, "cells_behind_last_ack": behind, "conflicts": ledger.conflicts,
            "refused": sum(ledger.refused.values()), "lost_updates": lost}


def snapshot(world: World) -> dict:
    from kaohe.assessment.models import DataValue

    return {(u, i): rev for u, i, rev in DataValue.objects.filter(version_id=world.version, period_id=world.period)
            .values_list("unit_id", "indicator", "revision")}


# ---- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--think", type=float, default=30.0, help="mean pause between a user's actions (s)")
    parser.add_argument("--no-page-cache", action="store_true", help="render sealed runs' pages every time (KAOHE_PAGE_CACHE=false)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (one request at a time each)")
    parser.add_argument("--baseline-actions", type=int, default=25)
    parser.add_argument("--quick", action="store_true", help="8 users for 20 s, think 1 s: a smoke test")
    parser.add_argument("--database", default="kaohe_bench_monthend")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--template", default="kaohe_bench_monthend_tpl", help="the template databases' name prefix")
    parser.add_argument("--rebuild-template", action="store_true", help="build the template database afresh")
    parser.add_argument("--no-template", action="store_true", help="migrate and load the run's own database instead")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.seconds, args.think, args.baseline_actions = min(args.users, 8), min(args.seconds, 20), 1.0, 6
    var_dir = Path("/tmp") / f"kaohe-bench-monthend-{os.getpid()}"
    t0 = time.perf_counter()
    if args.no_template:
        url, made = fresh_database(args.database), "migrated and loaded"
    else:
        key = code_key(TEMPLATE_SOURCES, DEMO_APPS)
        url, built = cloned_database(args.database, args.template, key, lambda u: build_demo(u, str(var_dir)),
                                     rebuild=args.rebuild_template)
        made = f"{'built template' if built else 'cloned template'} {args.template}_{key}"
    env = {**base_env(url, str(var_dir), SECRET), "KAOHE_TASKS_IMMEDIATE": "true"}
    if args.no_page_cache:
        env["KAOHE_PAGE_CACHE"] = "false"
    redis = os.environ.get("KAOHE_BENCH_REDIS", "")
    if redis:
        env.update({"KAOHE_REDIS_URL": redis, "KAOHE_CACHE_PREFIX": f"{args.database}-{os.getpid()}"})
    server, out = None, {}
    try:
        setup_django(env)
        from django.core.management import call_command
        from django.utils import timezone

        call_command("migrate", verbosity=0)  # nothing to do on a clone: the key covers the migrations
        world = load_world(args.users, demo=args.no_template)
        setup = round(time.perf_counter() - t0, 1)
        print(f"{made}, added {sum(len(v) for v in world.accounts.values())} accounts in {setup:.1f} s; "
              f"{len(world.cells)} bureaus report monthly ({sum(len(v) for v in world.cells.values())} cells); "
              f"{len(world.runs)} sealed monthly runs, {len(world.publications)} publications", flush=True)
        server = start_server(env, workers=args.workers)
        started_at, before = timezone.now(), snapshot(world)
        ledger = Ledger()
        base = baseline(world, server.port, ledger, args.baseline_actions)
        print("\n".join(base.table("baseline, one user of each kind alone:")), flush=True)
        t0 = time.perf_counter()
        people, logins = sign_in(world, server.port, ledger, args.users, parallel=args.workers)
        print("\n".join(logins.table(f"{len(people)} of {args.users} users signed in, {args.workers} at a time, "
                                     f"in {time.perf_counter() - t0:.1f} s:")), flush=True)
        results = Results()
        wall = load(people, results, args.seconds, args.think)
        done = sum(len(v) for v in results.client.values())
        print("\n".join(results.table(f"{len(people)} users for {args.seconds:.0f} s (think {args.think:g} s): {done} requests, "
                                      f"{done / wall:.1f}/s; load average {os.getloadavg()[0]:.1f}")))
        results.client["login"], results.server["login"], results.cpu["login"] = (
            logins.client["login"], logins.server["login"], logins.cpu["login"])
        results.errors[:0] = logins.errors
        ratios = {k: round(percentile(results.server[k], 95) / max(percentile(base.server[k], 95), 0.1), 2)
                  for k in results.kinds() if base.server.get(k)}
        print("server p95 against the baseline: " + ", ".join(f"{k} ×{r}" for k, r in ratios.items()))
        errors = base.errors + results.errors
        print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
        found = audit(world, ledger, before, started_at)
        print("lost-update audit: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in found.items()))
        if ledger.refused:
            print("refused by validation (shown in the grid, not errors): " + "; ".join(f"{m} ×{n}" for m, n in ledger.refused.most_common(3)))
        goals = {k: percentile(results.server[k], 95) < limit for k, limit in GOALS.items() if results.server.get(k)}
        print("goals (server p95): " + ", ".join(f"{k} < {GOALS[k]:.0f} ms {'✓' if ok else '✗'}" for k, ok in goals.items()))
        out = {"benchmark": "monthend", "users": args.users, "page_cache": not args.no_page_cache, "redis": bool(redis), "seconds": args.seconds, "think": args.think, "workers": args.workers,
               "setup_seconds": setup, "template": not args.no_template,
               "requests": done, "rps": round(done / wall, 1), "errors": len(errors), **found,
               "kinds": results.as_dict(), "baseline": base.as_dict(), "ratio_p95_vs_baseline": ratios,
               "goals": {k: GOALS[k] for k in goals}, "ok": not errors and not found["lost_updates"] and all(goals.values())}
        print(json.dumps(out, ensure_ascii=False))
        return 0
    finally:
        if server is not None:
            server.stop()
        if not args.keep:
            drop_database(args.database)


if __name__ == "__main__":
    sys.exit(main())
