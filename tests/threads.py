"""Real threads for the concurrency tests: one way to release several writers at once.

Each job runs in its own thread with its own database connection (the test must use
``django_db(transaction=True)`` so the rows are committed and visible to the others). On PostgreSQL
the threads wait at a barrier and go together; SQLite's test database refuses concurrent writers,
so there they run one after another — the same assertions then prove the rule without the race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def together(jobs: list[Callable[[], object]], timeout: float = 120) -> list[object]:
    """Each job's return value, or the exception it raised, in the order of ``jobs``."""
    pg = connection.vendor == "postgresql"
    barrier = threading.Barrier(len(jobs) if pg else 1)
    outcomes: list[object] = [None] * len(jobs)

    def run(i: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=60)
            outcomes[i] = job()
        except Exception as exc:  # noqa: BLE001 — handed back to the test, which looks at each
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
        if not pg:
            t.join(timeout)
    for t in threads:
        t.join(timeout)
    return outcomes


def done_and_refused(outcomes: list[object], refusal: type[Exception]) -> tuple[list, list[str]]:
    """Split :func:`together`'s outcomes into the results and the refusals' messages; any other
    exception is raised again, so a crash fails the test under its own name."""
    done, refused = [], []
    for out in outcomes:
        if isinstance(out, refusal):
            refused.append(str(out))
        elif isinstance(out, BaseException):
            raise out
        else:
            done.append(out)
    return done, refused
