"""办理看板: the counts of the office's board, from the due moments stored on each request.

Every step and the daily sweep refresh ``EnterpriseRequest.due_at`` from the event log
(``services._refresh_dues``, ``services.sweep``), so the board counts in the database without
reading a single clock event:

- **red** (已超期) — open, not paused (挂起), past its due moment;
- **yellow** (今日到期) — open, not paused, due by the end of today's working day;
- **green** (正常) — the rest of the open requests, and every paused one (its clock stands still,
  waiting on the enterprise).

Red is exactly the live clock's 超期 (a paused clock is never overdue: pausing is refused past the
limit). Two queries whatever the number of requests: one GROUP BY over the open requests (by type,
unit, status and colour — the 在办超期 count is its red total), one over the others by status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from kaohe.enterprise.models import OPEN_STATUSES, RequestType
from kaohe.lib.workdays import WorkCalendar

COLOURS = ("red", "yellow", "green")
DONE_SECONDS = 60
GENERATION_KEY = "enterprise:board:generation"


def today_end(now: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """The end of today's working day (of the next one, on a day off): the 今日到期 bound."""
    return calendar.end_of_day(calendar.next_workday(calendar.local(now).date(), include=True))


def colour(now: dt.datetime, end_of_today: dt.datetime) -> Case:
    """The board's colour of an open request, as a database expression (see the module)."""
    return Case(When(paused_at__isnull=False, then=Value("green")), When(due_at__lt=now, then=Value("red")),
                When(due_at__lte=end_of_today, then=Value("yellow")), default=Value("green"), output_field=CharField())


def colour_q(name: str, now: dt.datetime, calendar: WorkCalendar) -> Q:
    """The open requests of one colour, as a filter on rows already narrowed to the open ones (the
    list's ``?clock=red``, the board's overdue rows): the same rule as :func:`colour`, written as
    conditions so that red reads the due-moment index. The open-status condition is the caller's,
    given once: PostgreSQL multiplies a repeated one and then misjudges how many rows match."""
    if name == "red":
        return Q(paused_at__isnull=True, due_at__lt=now)
    end_of_today = today_end(now, calendar)
    if name == "yellow":
        return Q(paused_at__isnull=True, due_at__gte=now, due_at__lte=end_of_today)
    return Q(paused_at__isnull=False) | Q(due_at__isnull=True) | Q(due_at__gt=end_of_today)


@dataclass
class BoardCounts:
    """The board's figures (件): open requests by type × colour and by unit × status and colour;
    every request by status; the open requests past due."""

    by_type: dict[str, Counter] = field(default_factory=lambda: {t: Counter() for t in RequestType.values})
    by_unit: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_status: Counter = field(default_factory=Counter)

    @property
    def overdue(self) -> int:
        return sum(c["red"] for c in self.by_type.values())


def counts(rows: QuerySet, now: dt.datetime, calendar: WorkCalendar) -> BoardCounts:
    """The board's counts of ``rows`` (the requests the user sees, filtered) at ``now``; two queries.

    A request is counted under its handling unit, or under its first-contact unit until it is routed."""
    out = BoardCounts()
    grouped = (rows.filter(status__in=OPEN_STATUSES).annotate(colour=colour(now, today_end(now, calendar)))
               .values_list("rtype", "handler_unit_id", "first_unit_id", "status", "colour").annotate(n=Count("*"))
               .order_by())
    for rtype, unit_id, first_id, status, c, n in grouped:
        out.by_type.setdefault(rtype, Counter())[c] += n
        unit = out.by_unit[unit_id or first_id]
        unit[status] += n
        unit[c] += n
        out.by_status[status] += n
    out.by_status.update(done_counts(rows))
    return out


def done_counts(rows: QuerySet) -> dict[str, int]:
    """{status: n} of the requests in ``rows`` that are no longer open (已答复待回访, 已办结), cached
    for :data:`DONE_SECONDS` per generation and SQL of ``rows`` (see the module)."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # nobody's rows (rows.none())
        return {}
    digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    key = f"enterprise:board:done:{cache.get(GENERATION_KEY) or 0}:{digest}"
    found = cache.get(key)
    if found is None:
        # COUNT(*) lets PostgreSQL answer from the (status, due_at) index alone (COUNT(id) reads the table)
        found = dict(rows.exclude(status__in=OPEN_STATUSES).values_list("status").annotate(n=Count("*")).order_by())
        cache.set(key, found, DONE_SECONDS)
    return found


def touch() -> None:
    """A request was saved or deleted: the cached counts are computed afresh, now and once the
    transaction commits (a board read in between would otherwise keep the old counts)."""

    def bump() -> None:
        cache.set(GENERATION_KEY, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)
