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
from tests.threads import done_and_refused, together

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


def test_one_extension_asked_and_decided_once_when_several_act_at_once(sv):
    import datetime as dt

    from kaohe.supervision.models import Extension, ExtensionStatus

    task = sv.make("十个工作日", limit_workdays=10, now=at(2025, 9, 15))
    services.sign_task(task, user=sv.assessed_a, now=at(2025, 9, 15, 11))
    # four asks at once: one pending extension, three told one is pending
    done, refused = done_and_refused(together([lambda i=i: services.request_extension(
        Task.objects.get(pk=task.pk), f"征收未完成{i}", dt.date(2025, 10, 10), user=sv.assessed_a, now=at(2025, 9, 20))
        for i in range(4)]), services.SupervisionError)
    assert len(done) == 1 and refused == ["已有一项延期申请待审批"] * 3
    assert Extension.objects.filter(task=task).count() == 1
    ext = done[0]
    # two offices decide at once, one approving and one refusing: one decision stands, the other is refused
    done, refused = done_and_refused(together([lambda i=i: services.decide_extension(
        Extension.objects.get(pk=ext.pk), approve=(i == 0), reason=f"意见{i}", user=sv.office, now=at(2025, 9, 22))
        for i in range(2)]), services.SupervisionError)
    assert len(done) == 1 and refused == ["该延期申请已审批"]
    ext.refresh_from_db()
    task.refresh_from_db()
    assert ext.status == done[0].status and ext.decision == done[0].decision
    assert task.extended_count == (1 if ext.status == ExtensionStatus.APPROVED else 0)
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds.count("ext_ask") == 1 and kinds.count("ext_ok") + kinds.count("ext_no") == 1, kinds
