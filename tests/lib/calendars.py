"""The shipped State Council calendars as a pure WorkCalendar (no database), for lib tests."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from kaohe.lib.workdays import WorkCalendar

SHIPPED = Path(__file__).resolve().parents[2] / "kaohe" / "orgs" / "calendars"


def shipped_calendar(*years: int, drop: tuple[dt.date, ...] = ()) -> WorkCalendar:
    days = []
    for year in years or (2025, 2026):
        with open(SHIPPED / f"{year}.csv", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                day = dt.date.fromisoformat(row["日期"])
                if day not in drop:
                    days.append((day, row["类型"] == "上班", row["说明"]))
    return WorkCalendar.from_days(days)


CAL = shipped_calendar()
TZ = CAL.zone


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)
