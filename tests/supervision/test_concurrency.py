"""Concurrent offices on PostgreSQL: task numbers (督〔年〕N号) and document numbers (督交〔年〕N号) stay
gap-free and unique when several people set up and assign tasks at the same moment. Real threads,
each with its own connection, started together at a barrier; on SQLite they run in turn."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from kaohe.supervision import services
from kaohe.supervision.models import Task, TaskDocument
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)


def test_numbers_without_gaps_under_concurrent_assignment(sv):
    threads, rounds = 6, 4
    pg = connection.vendor == "postgresql"
    barrier = threading.Barrier(threads if pg else 1)
    failures: list[str] = []

    def work(n: int) -> None:
        try:
            for r in range(rounds):
                barrier.wait(timeout=30)
                services.create_task("meeting", title=f"并发事项{n}-{r}", lead_unit=sv.district_a, user=sv.office, assign=True,
                                     now=at(2025, 9, 22, 10))
        except Exception as exc:  # noqa: BLE001 — reported below
            failures.append(f"{n}: {exc!r}")
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
        if not pg:  # SQLite's test database takes one writer at a time: the threads run in turn
            t.join()
    for t in pool:
        t.join()
    assert failures == []
    total = threads * rounds
    assert sorted(Task.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert sorted(TaskDocument.objects.filter(kind="assign").values_list("seq", flat=True)) == list(range(1, total + 1))
    assert TaskDocument.objects.values("number").distinct().count() == total
