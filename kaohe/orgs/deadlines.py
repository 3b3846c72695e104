"""Deadlines of stored objects: their event log (``DeadlineEvent``) and the one clock.

Modules log what happens to an object (:func:`log`) and ask for its clock (:func:`clock_of`,
or :func:`clocks_of` for a page of objects, one query); the arithmetic is
:func:`kaohe.lib.deadlines.clock` on the deployment's calendar. A module whose object already
carries its few events in fields (an appeal: filed, answered) builds the events itself and
calls :func:`clock_for`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from kaohe.lib.deadlines import Clock, ClockEvent, EventKind, TimeLimit, clock
from kaohe.lib.workdays import WorkCalendar
from kaohe.orgs.calendar import work_calendar
from kaohe.orgs.models import DeadlineEvent


def log(obj: models.Model, kind: EventKind | str, at: dt.datetime | None = None, *, due: dt.datetime | None = None,
        note: str = "", user=None, name: str = "") -> DeadlineEvent:
    """Append one event to ``obj``'s deadline log (``name``: which clock, when it has several)."""
    return DeadlineEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, clock=name, kind=EventKind(kind),
        at=at or timezone.now(), due=due, note=note[:200],
        by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )


def events(obj: models.Model, name: str = "") -> list[ClockEvent]:
    rows = DeadlineEvent.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, clock=name)
    return [ClockEvent(kind, at, due) for kind, at, due in rows.values_list("kind", "at", "due")]


def events_of_many(model: type[models.Model], ids: Iterable[int], name: str = "") -> dict[int, list[ClockEvent]]:
    out: dict[int, list[ClockEvent]] = defaultdict(list)
    rows = DeadlineEvent.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=list(ids), clock=name)
    for oid, kind, at, due in rows.order_by("at", "id").values_list("object_id", "kind", "at", "due"):
        out[oid].append(ClockEvent(kind, at, due))
    return out


def clock_for(log_events: Iterable[ClockEvent], limit: TimeLimit, *, now: dt.datetime | None = None,
              calendar: WorkCalendar | None = None) -> Clock:
    """The clock of an event log on the deployment's calendar, as it stands ``now``."""
    return clock(log_events, limit, calendar or work_calendar(), now or timezone.now())


Fallback = Callable[[models.Model], list[ClockEvent]]


def clock_of(obj: models.Model, limit: TimeLimit, *, now: dt.datetime | None = None,
             calendar: WorkCalendar | None = None, name: str = "", fallback: Fallback | None = None) -> Clock:
    """``obj``'s clock from its logged events (or ``fallback(obj)`` when it has none: rows older than the log)."""
    logged = events(obj, name)
    return clock_for(logged or (fallback(obj) if fallback else []), limit, now=now, calendar=calendar)


def clocks_of(objects: Iterable[models.Model], limit: TimeLimit, *, now: dt.datetime | None = None,
              calendar: WorkCalendar | None = None, name: str = "", fallback: Fallback | None = None) -> dict[int, Clock]:
    """Clocks of many objects of one model: one query for the events, one for the calendar."""
    objects = list(objects)
    if not objects:
        return {}
    calendar = calendar or work_calendar()
    now = now or timezone.now()
    logs = events_of_many(type(objects[0]), [o.pk for o in objects], name)
    out = {}
    for o in objects:
        log_events = logs.get(o.pk) or (fallback(o) if fallback else [])
        out[o.pk] = clock(log_events, limit, calendar, now)
    return out
