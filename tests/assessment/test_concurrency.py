"""Concurrent writers of values on PostgreSQL: no lost update, no repeated revision, no deadlock.

Real threads, each with its own connection (``transaction=True``), started together at a
barrier. Every acknowledged change is one revision and one value-change row (修改记录), the
revisions of a cell run 1, 2, 3 … without a gap or a repeat, and a write based on an
outdated revision is a conflict reported with both values — never a silent overwrite.
SQLite's test database serialises writers (the threads then run in turn), so these tests
prove something only on PostgreSQL; they run in both partitions.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kaohe.assessment.models import DataValue, ValueChange
from kaohe.audit.models import AuditEntry
from kaohe.orgs.models import ApiToken
from tests.assessment.factories import adopted_version, periods

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 12


def _run(workers: list, rounds: int = ROUNDS) -> list[str]:
    """Run ``worker(round)`` for each worker in its own thread, all starting each round together."""
    barrier = threading.Barrier(len(workers))
    failures: list[str] = []
    pg = connection.vendor == "postgresql"

    def loop(work):
        try:
            for n in range(rounds):
                if pg:
                    barrier.wait(timeout=60)
                work(n)
        except threading.BrokenBarrierError:
            pass
        except Exception as exc:  # noqa: BLE001 — reported by the caller's assertion
            failures.append(repr(exc))
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=loop, args=(w,)) for w in workers]
    for t in threads:
        t.start()
        if not pg:
            t.join(timeout=120)
    for t in threads:
        t.join(timeout=120)
    return failures


@pytest.fixture
def world(org_world):
    version = adopted_version(org_world)
    march = periods(2025)[3]
    return org_world, version, march


def _history(version, period, unit, indicator) -> list[int]:
    return list(ValueChange.objects.filter(version=version, period=period, unit=unit, indicator=indicator)
                .order_by("revision").values_list("revision", flat=True))


def test_editors_of_one_grid_cell_never_overwrite_each_other_silently(world):
    """Four editors (two submitters' sessions, the office twice) save one cell with the revision
    they last saw: each round exactly one wins, the others get a conflict naming both values."""
    w, version, march = world
    url = reverse("assessment:grid_save", args=[version.pk, march.pk, w.stats_bureau.pk])
    clients = []
    for user in (w.submitter, w.submitter, w.office, w.office):
        c = Client()
        c.force_login(user)
        clients.append(c)
    acks: list[tuple[int, str]] = []  # (revision, value) of every "saved" reply that changed the cell
    conflicts: list[dict] = []
    lock = threading.Lock()

    def editor(i):
        seen = {"revision": 0}

        def work(n):
            value = f"{100 + n}.{i}"
            body = {"items": [{"unit": w.district_a.pk, "indicator": "fai", "value": value, "revision": seen["revision"]}]}
            r = clients[i].post(url, json.dumps(body), content_type="application/json")
            assert r.status_code == 200, r.content[:300]
            res = r.json()["results"][0]
            with lock:
                if res["status"] == "saved":
                    acks.append((res["revision"], value))
                    seen["revision"] = res["revision"]
                elif res["status"] == "conflict":
                    assert Decimal(res["yours"]) == Decimal(value) and res["theirs"] is not None, res
                    conflicts.append(res)
                    seen["revision"] = res["revision"]
                else:
                    raise AssertionError(res)
        return work

    assert _run([editor(i) for i in range(4)]) == []
    row = DataValue.objects.get(version=version, period=march, unit=w.district_a, indicator="fai")
    revisions = sorted(r for r, _v in acks)
    # every acknowledged write is one revision: 1 … n, none repeated, the last one stored
    assert revisions == list(range(1, len(acks) + 1)), Counter(revisions).most_common(3)
    assert row.revision == len(acks) and row.value == Decimal(dict(acks)[row.revision])
    assert _history(version, march, w.district_a, "fai") == revisions
    # each round has one winner at least; every loser was told
    assert len(acks) + len(conflicts) == 4 * ROUNDS and len(acks) >= ROUNDS


def test_api_writers_of_one_cell_get_one_revision_and_one_audit_entry_each(world):
    """Writers without a revision (a system pushing figures): last writer wins, but every
    acknowledged write is its own revision, value-change row and audit entry."""
    w, version, march = world
    token = ApiToken.issue(w.submitter, "t")[1]
    acks: list[int] = []
    lock = threading.Lock()
    before = AuditEntry.objects.count()

    def writer(i):
        def work(n):
            body = {"version": version.pk, "period": "2025-03",
                    "values": [{"unit": "C-A", "indicator": "fai", "value": 1000 + 10 * n + i}]}
            r = Client().post("/api/assessment/values", json.dumps(body), content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {token}")
            assert r.status_code == 200, r.content[:300]
            with lock:
                acks.append(r.json()["saved"])
        return work

    assert _run([writer(i) for i in range(4)]) == []
    assert acks.count(1) == 4 * ROUNDS
    row = DataValue.objects.get(version=version, period=march, unit=w.district_a, indicator="fai")
    assert row.revision == 4 * ROUNDS
    assert _history(version, march, w.district_a, "fai") == list(range(1, 4 * ROUNDS + 1))
    assert AuditEntry.objects.count() - before == 4 * ROUNDS


def test_an_api_write_based_on_an_outdated_revision_is_a_409_with_both_values(world):
    w, version, march = world
    token = ApiToken.issue(w.submitter, "t")[1]

    def push(value, revision=None):
        item = {"unit": "C-A", "indicator": "fai", "value": value}
        if revision is not None:
            item["revision"] = revision
        body = {"version": version.pk, "period": "2025-03", "values": [item]}
        return Client().post("/api/assessment/values", json.dumps(body), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {token}")

    assert push(10).status_code == 200
    assert push(11, revision=1).status_code == 200
    r = push(12, revision=1)
    assert r.status_code == 409
    conflict = r.json()["conflicts"][0]
    assert (conflict["unit"], conflict["indicator"], conflict["yours"], conflict["theirs"], conflict["revision"]) == \
        ("C-A", "fai", "12", "11", 2)
    assert DataValue.objects.get(version=version, period=march, unit=w.district_a, indicator="fai").value == 11


def test_overlapping_bulk_submissions_in_different_orders_never_deadlock(world):
    """The office pushes every cell of both districts from four threads, each in its own order:
    all requests succeed (no "deadlock detected"), every cell ends with one revision per write."""
    w, version, march = world
    token = ApiToken.issue(w.office, "t")[1]
    cells = [(u, ind) for u in ("C-A", "C-B") for ind in ("fai", "gdp", "jobs", "trade", "export")]
    statuses: list[int] = []
    lock = threading.Lock()

    def pusher(i):
        rng = random.Random(i)

        def work(n):
            order = cells[:]
            rng.shuffle(order)
            values = [{"unit": u, "indicator": ind, "value": 10 + n} for u, ind in order]
            body = {"version": version.pk, "period": "2025-03", "values": values}
            r = Client().post("/api/assessment/values", json.dumps(body), content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {token}")
            with lock:
                statuses.append(r.status_code)
            assert r.status_code == 200, r.content[:300]
        return work

    assert _run([pusher(i) for i in range(4)], rounds=8) == []
    assert statuses == [200] * 32
    for unit, ind in cells:
        row = DataValue.objects.get(version=version, period=march, unit__code=unit, indicator=ind)
        history = list(ValueChange.objects.filter(version=version, period=march, unit_id=row.unit_id, indicator=ind)
                       .order_by("revision").values_list("revision", flat=True))
        assert history == list(range(1, row.revision + 1)), (unit, ind)
