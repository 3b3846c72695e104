"""办理时限: the one deadline clock, computed from an object's event log on the working-day calendar.

Nothing here is stored as a running counter: :func:`clock` reads the events (交办/received,
paused while waiting on someone else, resumed, 办结, 退回重办, extension granted) and a
:class:`TimeLimit`, and returns the due moment, the status and the working time left. Change the
rule or correct the calendar and the next call gives the new answer — for past objects too.

Counting rules (stated once, used by every module):

- **N 个工作日**: due at the daily cut-off (default: the end of the working day, 17:30) of the
  N-th working day after the start day. ``N = 0`` is **事不过夜**: by the cut-off of the same
  working day. Something received after the cut-off, or on a day off, starts on the next
  working day. With ``count_start_day`` the start day is day 1 (some local rules count it).
- **N 个工作小时**: N hours of working time (inside the working hours, on working days) after
  the start; after the cut-off it starts at the next working day's opening.
- **Pause** (等待他方): the working time between a pause and its resume moves the due moment
  later by exactly that much working time; so does the time between 办结 and 退回重办 (the
  object was with the checker, not with the unit). A second start (re-assigned) starts afresh;
  an extension (延期, approved) sets a new due moment.
- **Status** at a moment: 超期 (red) once past due; 临近 when the working time left is within
  the red lead (red) or the yellow lead (yellow); else 正常 (green). Once finished: 按期办结 or
  超期办结, frozen at the finishing moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kaohe.lib.numbers import plain, round_half_up
from kaohe.lib.workdays import CalendarError, WorkCalendar, _parse_time


class LimitUnit(StrEnum):
    WORKDAYS = "workdays"
    WORKHOURS = "workhours"


@dataclass(frozen=True)
class TimeLimit:
    """时限规则: N working days or hours, a daily cut-off, and yellow/red lead times (in the same unit)."""

    amount: float
    unit: LimitUnit = LimitUnit.WORKDAYS
    cutoff: dt.time | None = None
    count_start_day: bool = False
    yellow: float = 0
    red: float = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", LimitUnit(self.unit))
        if self.amount < 0:
            raise CalendarError(f"time limit: {self.amount} {self.unit} is negative")
        if self.unit == LimitUnit.WORKDAYS and self.amount != int(self.amount):
            raise CalendarError(f"time limit: {self.amount} working days must be a whole number (or use workhours)")
        if self.count_start_day and self.amount < 1:
            raise CalendarError("time limit: counting the start day needs at least 1 working day")
        if self.yellow < 0 or self.red < 0:
            raise CalendarError("time limit: the yellow and red lead times must be zero or more")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "time limit") -> TimeLimit:
        """``{"workdays": 0, "cutoff": "17:30", "yellow": 0.5}`` or ``{"workhours": 2}``; unknown keys refused."""
        known = {"workdays", "workhours", "cutoff", "count_start_day", "yellow", "red"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise CalendarError(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(known))}")
        units = [k for k in ("workdays", "workhours") if k in data]
        if len(units) != 1:
            raise CalendarError(f"{where}: give exactly one of workdays or workhours")
        cutoff = data.get("cutoff")
        return cls(
            amount=data[units[0]],
            unit=LimitUnit(units[0]),
            cutoff=_parse_time(cutoff, where) if isinstance(cutoff, str) else cutoff,
            count_start_day=bool(data.get("count_start_day", False)),
            yellow=float(data.get("yellow", 0)),
            red=float(data.get("red", 0)),
        )

    def describe(self, calendar: WorkCalendar) -> str:
        """办理时限 in words: 当日办结（17:30截止，逾时顺延下一工作日）, 3个工作日内, 2个工作小时内."""
        cutoff = self.cutoff or calendar.hours.end
        if self.unit == LimitUnit.WORKHOURS:
            return f"{_num(self.amount)}个工作小时内"
        if self.amount == 0:
            return f"当日办结（{cutoff:%H:%M}截止，逾时顺延下一工作日）"
        return f"{int(self.amount)}个工作日内（{cutoff:%H:%M}截止）"

    def lead_seconds(self, lead: float, calendar: WorkCalendar) -> float:
        per = calendar.hours.seconds_per_day if self.unit == LimitUnit.WORKDAYS else 3600
        return lead * per

    def due_from(self, start: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
        """The due moment of something started at ``start`` (before any pause)."""
        local = calendar.local(start)
        cutoff = self.cutoff or calendar.hours.end
        day = local.date()
        late = not calendar.is_workday(day) or local.time() > cutoff
        if self.unit == LimitUnit.WORKDAYS:
            first = calendar.next_workday(day) if late else day
            n = int(self.amount) - 1 if self.count_start_day else int(self.amount)
            return calendar.at(calendar.add_workdays(first, n), cutoff)
        if late:
            local = calendar.at(calendar.next_workday(day), calendar.hours.start)
        return calendar.add_working_seconds(local, self.amount * 3600)


class EventKind(StrEnum):
    START = "start"  # 交办 / 受理 / 提出: the clock starts (again, when re-assigned)
    PAUSE = "pause"  # 等待他方: waiting on someone else
    RESUME = "resume"
    STOP = "stop"  # 办结 / 答复 / 提交
    REOPEN = "reopen"  # 退回重办: the clock runs again
    EXTEND = "extend"  # 延期 approved: a new due moment (``due``)


_KINDS = {k.value: k for k in EventKind}


@dataclass(frozen=True)
class ClockEvent:
    kind: EventKind
    at: dt.datetime
    due: dt.datetime | None = None  # for EXTEND

    def __post_init__(self) -> None:
        if type(self.kind) is not EventKind:  # a stored string: read once (cheap for 10⁶ events)
            object.__setattr__(self, "kind", _KINDS.get(self.kind) or EventKind(self.kind))
        if self.kind == EventKind.EXTEND and self.due is None:
            raise CalendarError(f"extension at {self.at.isoformat()}: the new due moment is missing")


class Status(StrEnum):
    NORMAL = "normal"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"

    @property
    def label(self) -> str:
        return {"normal": "正常", "due_soon": "临近", "overdue": "超期", "done": "按期办结", "done_late": "超期办结"}[self]


@dataclass(frozen=True)
class Clock:
    """One object's deadline at one moment."""

    started_at: dt.datetime
    due_at: dt.datetime
    status: Status
    colour: str  # green / yellow / red
    remaining_seconds: int  # working seconds left (negative: overdue by that much)
    paused: bool
    paused_seconds: int  # working time paused so far
    finished_at: dt.datetime | None
    seconds_per_day: int

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def overdue(self) -> bool:
        return self.status in (Status.OVERDUE, Status.DONE_LATE)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def remaining_text(self) -> str:
        """剩余1个工作日3.5小时 / 超期2小时 / 已暂停，剩余… / 按期办结."""
        if self.finished:
            return self.label
        amount = format_working(abs(self.remaining_seconds), self.seconds_per_day)
        if self.status == Status.OVERDUE:
            text = "已超期" if amount == "0小时" else f"超期{amount}"
        else:
            text = f"剩余{amount}"
        return f"已暂停，{text}" if self.paused else text


def _num(value: float) -> str:
    """四舍五入 to one decimal, without a trailing .0 (the one number formatter)."""
    return plain(round_half_up(value, 1))


def format_working(seconds: float, seconds_per_day: int) -> str:
    """Working time in words: 2个工作日1.5小时, 3小时, 0小时 (a working day = the calendar's hours)."""
    days, rest = divmod(int(seconds), seconds_per_day)
    hours = _num(rest / 3600)
    if days and hours == "0":
        return f"{days}个工作日"
    return f"{days}个工作日{hours}小时" if days else f"{hours}小时"


def clock(events: Iterable[ClockEvent], limit: TimeLimit, calendar: WorkCalendar, now: dt.datetime) -> Clock:
    """The deadline of an object from its event log, as it stands at ``now`` (later events ignored)."""
    log = sorted((e for e in events if e.at <= now), key=lambda e: e.at)
    if not log or log[0].kind != EventKind.START:
        raise CalendarError("deadline clock: the event log must begin with a start event (交办/受理)")
    started = log[0].at
    base_due = limit.due_from(started, calendar)
    paused_total = 0
    paused_since: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    for event in log[1:]:
        kind = event.kind
        if kind == EventKind.START:
            started, base_due, paused_total, paused_since, stopped_at = event.at, limit.due_from(event.at, calendar), 0, None, None
        elif kind == EventKind.EXTEND:
            base_due, paused_total = event.due, 0
            if paused_since is not None:
                paused_since = event.at  # the new date already allows for the wait so far
        elif stopped_at is not None:
            if kind == EventKind.REOPEN:
                paused_total += calendar.working_seconds(stopped_at, event.at)
                stopped_at = None
        elif kind == EventKind.PAUSE and paused_since is None:
            paused_since = event.at
        elif kind in (EventKind.RESUME, EventKind.STOP) and paused_since is not None:
            paused_total += calendar.working_seconds(paused_since, event.at)
            paused_since = None
        if kind == EventKind.STOP and stopped_at is None:
            stopped_at = event.at
    due = calendar.add_working_seconds(base_due, paused_total)
    at = stopped_at or paused_since or now
    overdue = at > due
    remaining = calendar.working_seconds(at, due)
    if paused_since is not None:
        current = calendar.working_seconds(paused_since, now)
        due = calendar.add_working_seconds(due, current)
        paused_total += current
    if stopped_at is not None:
        status = Status.DONE_LATE if overdue else Status.DONE
    elif overdue:
        status = Status.OVERDUE
    elif limit.red and remaining <= limit.lead_seconds(limit.red, calendar):
        status = Status.DUE_SOON
    elif limit.yellow and remaining <= limit.lead_seconds(limit.yellow, calendar):
        status = Status.DUE_SOON
    else:
        status = Status.NORMAL
    colour = "green"
    if status in (Status.OVERDUE, Status.DONE_LATE) or (
        status == Status.DUE_SOON and limit.red and remaining <= limit.lead_seconds(limit.red, calendar)
    ):
        colour = "red"
    elif status == Status.DUE_SOON:
        colour = "yellow"
    return Clock(
        started_at=started,
        due_at=calendar.local(due),
        status=status,
        colour=colour,
        remaining_seconds=remaining,
        paused=paused_since is not None and stopped_at is None,
        paused_seconds=paused_total,
        finished_at=stopped_at,
        seconds_per_day=calendar.hours.seconds_per_day,
    )


def outcome(events: Iterable[ClockEvent], limit: TimeLimit, calendar: WorkCalendar, now: dt.datetime,
            dues: dict | None = None) -> tuple[bool, bool]:
    """(counted, in time) of a clock at ``now`` — what a rate needs (按期办结率, 响应率), the same
    answer as :func:`clock` (counted: finished or overdue; in time: 按期办结) without the working
    time left. A log of starts and stops only (most rows of a year) needs just its due moment,
    which ``dues`` (a dict the caller keeps across calls) remembers per limit, day and whether the
    start was after the cut-off; a log with a pause, a reopening or an extension goes through
    :func:`clock`."""
    log = sorted((e for e in events if e.at <= now), key=lambda e: e.at)
    if not log or log[0].kind != EventKind.START:
        raise CalendarError("deadline clock: the event log must begin with a start event (交办/受理)")
    start, stop = log[0].at, None
    for e in log[1:]:
        if e.kind == EventKind.START:
            start, stop = e.at, None
        elif e.kind == EventKind.STOP:
            if stop is None:
                stop = e.at
        else:
            c = clock(log, limit, calendar, now)
            return c.finished or c.status == Status.OVERDUE, c.status == Status.DONE
    due = _due(limit, start, calendar, dues)
    if stop is not None:
        return True, stop <= due
    return now > due, False


def _due(limit: TimeLimit, start: dt.datetime, calendar: WorkCalendar, dues: dict | None) -> dt.datetime:
    """``limit.due_from(start)``, remembered in ``dues`` for working-day limits (it depends only on
    the start's day and whether it came after the cut-off)."""
    if dues is None or limit.unit != LimitUnit.WORKDAYS:
        return limit.due_from(start, calendar)
    local = calendar.local(start)
    day = local.date()
    key = (limit, day, local.time() > (limit.cutoff or calendar.hours.end))
    due = dues.get(key)
    if due is None:
        due = dues[key] = limit.due_from(start, calendar)
    return due
