"""工作日历: which days are working days, and working time between two moments.

A :class:`WorkCalendar` is Monday–Friday plus the deployment's overrides: the public holidays
(放假, a weekday that is off) and the make-up working days (调休上班, a Saturday or Sunday that
is worked) of the State Council's yearly notice. It knows no Django; the deployment's calendar
is stored in ``kaohe.orgs`` (``WorkCalendarDay``) and built into one of these by
``kaohe.orgs.calendar.work_calendar()``.

Working time is counted inside the daily working hours (:class:`WorkHours`, by default
08:30–12:00 and 13:30–17:30, 7.5 hours a day) on working days only. Datetimes must be
timezone-aware; they are read in the calendar's time zone (Asia/Shanghai by default), and
results come back in it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from zoneinfo import ZoneInfo

DEFAULT_HOURS = "08:30-12:00,13:30-17:30"


class CalendarError(ValueError):
    """A calendar or working-hours definition we refuse to guess about."""


def _parse_time(text: str, where: str) -> dt.time:
    try:
        hours, minutes = text.strip().split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise CalendarError(f"{where}: “{text}” is not a time of day such as 08:30") from None


@dataclass(frozen=True)
class WorkHours:
    """The daily working hours: ordered, non-overlapping spans (上午、下午)."""

    spans: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))

    def __post_init__(self) -> None:
        if not self.spans:
            raise CalendarError("working hours: at least one span such as 08:30-17:30 is needed")
        previous = dt.time.min
        for i, (start, end) in enumerate(self.spans):
            if not start < end:
                raise CalendarError(f"working hours, span {i + 1}: {start:%H:%M} is not before {end:%H:%M}")
            if i and start < previous:
                raise CalendarError(f"working hours, span {i + 1}: starts at {start:%H:%M}, before the previous span ends")
            previous = end

    @classmethod
    def parse(cls, text: str) -> WorkHours:
        """``"08:30-12:00,13:30-17:30"`` → two spans."""
        spans = []
        for i, part in enumerate(p for p in text.split(",") if p.strip()):
            if "-" not in part:
                raise CalendarError(f"working hours, span {i + 1}: “{part.strip()}” should read like 08:30-12:00")
            start, end = part.split("-", 1)
            where = f"working hours, span {i + 1}"
            spans.append((_parse_time(start, where), _parse_time(end, where)))
        return cls(tuple(spans))

    @property
    def start(self) -> dt.time:
        return self.spans[0][0]

    @property
    def end(self) -> dt.time:
        """The end of the working day (下班), the default daily cut-off."""
        return self.spans[-1][1]

    @cached_property
    def seconds_per_day(self) -> int:
        return sum(_seconds(end) - _seconds(start) for start, end in self.spans)


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


@dataclass(frozen=True)
class WorkCalendar:
    """Monday–Friday working days, overridden day by day (``True`` = worked, ``False`` = off)."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    notes: Mapping[dt.date, str] = field(default_factory=dict)
    hours: WorkHours = field(default_factory=WorkHours)
    tz: str = "Asia/Shanghai"
    #: Years whose official holiday list has been loaded; other years are Monday–Friday only.
    years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))
        object.__setattr__(self, "notes", MappingProxyType(dict(self.notes)))
        object.__setattr__(self, "years", frozenset(self.years) | {d.year for d in self.overrides})
        # The overrides that change a day (a weekday off, a weekend worked), sorted: long spans are
        # counted by arithmetic plus these, not day by day.
        changes = sorted((d, worked) for d, worked in self.overrides.items() if worked != (d.weekday() < 5))
        object.__setattr__(self, "_change_days", [d for d, _w in changes])
        object.__setattr__(self, "_change_worked", [w for _d, w in changes])

    @classmethod
    def from_days(cls, days: Iterable[tuple[dt.date, bool, str]], **kwargs) -> WorkCalendar:
        overrides, notes = {}, {}
        for day, worked, note in days:
            overrides[day] = worked
            if note:
                notes[day] = note
        return cls(overrides=overrides, notes=notes, **kwargs)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def covers(self, year: int) -> bool:
        """Whether the year's holidays and 调休 are known (else only weekends are off)."""
        return year in self.years

    # ---- days ------------------------------------------------------------------------------

    def is_workday(self, day: dt.date) -> bool:
        found = self.overrides.get(day)
        return day.weekday() < 5 if found is None else found

    def next_workday(self, day: dt.date, *, include: bool = False) -> dt.date:
        """The first working day after ``day`` (or ``day`` itself when ``include`` and it is one)."""
        day = day if include else day + dt.timedelta(days=1)
        for _ in range(400):
            if self.is_workday(day):
                return day
            day += dt.timedelta(days=1)
        raise CalendarError(f"no working day in the 400 days from {day:%Y-%m-%d}: the calendar marks them all off")

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``n = 0``: ``day`` if it is a working day, else the next one).

        Friday 2025-09-26 + 1 → Sunday 2025-09-28 (调休上班); + 4 → Thursday 2025-10-09 (国庆 1–8 off).
        """
        if n < 0:
            raise CalendarError(f"cannot add {n} working days: only zero or more")
        if n == 0:
            return self.next_workday(day, include=True)
        for _ in range(n):
            day = self.next_workday(day)
        return day

    def workdays_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in ``first`` … ``last``, both included (0 if ``last`` is before ``first``).

        Monday–Friday counted by arithmetic, then each override in the span that changes its day."""
        if last < first:
            return 0
        weeks, extra = divmod((last - first).days + 1, 7)
        start = first.weekday()
        count = weeks * 5 + sum(1 for i in range(extra) if (start + i) % 7 < 5)
        lo = bisect_left(self._change_days, first)
        hi = bisect_right(self._change_days, last)
        for worked in self._change_worked[lo:hi]:
            count += 1 if worked else -1
        return count

    # ---- moments ---------------------------------------------------------------------------

    def local(self, moment: dt.datetime) -> dt.datetime:
        if moment.tzinfo is None:
            raise CalendarError(f"{moment.isoformat()}: a time zone is needed (aware datetime)")
        return moment.astimezone(self.zone)

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.zone)

    def end_of_day(self, day: dt.date, cutoff: dt.time | None = None) -> dt.datetime:
        return self.at(day, cutoff or self.hours.end)

    def working_seconds(self, start: dt.datetime, end: dt.datetime) -> int:
        """Working time from ``start`` to ``end`` in seconds (negative when ``end`` is earlier)."""
        start, end = self.local(start), self.local(end)
        if end < start:
            return -self.working_seconds(end, start)
        first, last = start.date(), end.date()
        if first == last:
            return self._day_seconds(first, start, end)
        # the first and last days in part, the whole working days between by count
        whole = self.workdays_between(first + dt.timedelta(days=1), last - dt.timedelta(days=1))
        return self._day_seconds(first, start, None) + whole * self.hours.seconds_per_day + self._day_seconds(last, None, end)

    def _day_seconds(self, day: dt.date, start: dt.datetime | None, end: dt.datetime | None) -> int:
        """Working seconds of ``day`` from ``start`` (None: the day's beginning) to ``end`` (None: its end)."""
        if not self.is_workday(day):
            return 0
        total = 0
        for s, e in self.hours.spans:
            lo = self.at(day, s) if start is None else max(self.at(day, s), start)
            hi = self.at(day, e) if end is None else min(self.at(day, e), end)
            if hi > lo:
                total += int((hi - lo).total_seconds())
        return total

    def add_working_seconds(self, start: dt.datetime, seconds: float) -> dt.datetime:
        """The moment ``seconds`` of working time after ``start`` (ends at a span's end when exact).

        Tuesday 2025-09-30 16:30 + 2 working hours → Thursday 2025-10-09 09:30 (国庆 off).
        """
        if seconds < 0:
            raise CalendarError(f"cannot add {seconds} working seconds: only zero or more")
        start = self.local(start)
        if seconds == 0:
            return start
        left = dt.timedelta(seconds=seconds)
        day = start.date()
        for _ in range(4000):
            if self.is_workday(day):
                for s, e in self.hours.spans:
                    lo = max(self.at(day, s), start)
                    hi = self.at(day, e)
                    if hi <= lo:
                        continue
                    if left <= hi - lo:
                        return lo + left
                    left -= hi - lo
            day += dt.timedelta(days=1)
        raise CalendarError(f"{seconds} working seconds from {start.isoformat()} run past 4000 days")
