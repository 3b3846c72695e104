"""Long spans are counted by arithmetic (weekdays + the overrides that change a day): the answers must be
those of counting day by day, on the 2025/2026 calendars with their 调休."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from kaohe.lib.workdays import WorkCalendar
from kaohe.orgs.calendar import SHIPPED

TZ = ZoneInfo("Asia/Shanghai")


def _calendar() -> WorkCalendar:
    days = []
    for path in sorted(SHIPPED.glob("*.csv")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            date, kind, *note = line.split(",")
            days.append((dt.date.fromisoformat(date), kind.strip() in ("上班", "workday"), ""))
    return WorkCalendar.from_days(days)


def _by_day(cal: WorkCalendar, start: dt.datetime, end: dt.datetime) -> int:
    total, day = 0, start.date()
    while day <= end.date():
        if cal.is_workday(day):
            for s, e in cal.hours.spans:
                lo, hi = max(cal.at(day, s), start), min(cal.at(day, e), end)
                if hi > lo:
                    total += int((hi - lo).total_seconds())
        day += dt.timedelta(days=1)
    return total


def test_working_seconds_and_workdays_agree_with_counting_day_by_day():
    cal = _calendar()
    assert dt.date(2025, 9, 28) in cal.overrides  # the 调休 Sunday is there
    rng = random.Random(7)
    base = dt.datetime(2025, 1, 1, tzinfo=TZ)
    for _ in range(400):
        a = base + dt.timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))
        b = a + dt.timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
        assert cal.working_seconds(a, b) == _by_day(cal, a, b), (a, b)
        assert cal.working_seconds(b, a) == -_by_day(cal, a, b)
        first, last = a.date(), b.date()
        assert cal.workdays_between(first, last) == sum(
            cal.is_workday(first + dt.timedelta(days=k)) for k in range((last - first).days + 1))
