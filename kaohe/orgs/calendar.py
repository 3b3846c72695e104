"""The deployment's working-day calendar (工作日历): load it for the deadline clock, import a year.

``work_calendar()`` builds the one :class:`kaohe.lib.workdays.WorkCalendar` from the stored
days and the configured working hours; every module computes its deadlines on it
(``kaohe.lib.deadlines.clock``). ``import_year()`` replaces one year's days from a table
(.csv or .xlsx, read by the one import reader ``kaohe.lib.tabular``) with the columns
日期/date, 类型/kind (放假/上班, holiday/workday) and 说明/note — all or nothing, each bad
row named (``TabularError``). The shipped files in ``calendars/`` hold
the State Council's lists (see ``calendars/README.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from kaohe.lib.tabular import Column, RowError, read_workbook, text
from kaohe.lib.workdays import WorkCalendar, WorkHours
from kaohe.orgs.imports import all_or_nothing
from kaohe.orgs.models import WorkCalendarDay

SHIPPED = Path(__file__).resolve().parent / "calendars"

DATE = Column("date", "日期", ("date",), required=True)
KIND = Column("kind", "类型", ("kind", "type"), required=True)
NOTE = Column("note", "说明", ("备注", "note"), max_length=100)
_KINDS = {"放假": False, "休息": False, "holiday": False, "off": False, "上班": True, "调休上班": True, "workday": True, "work": True}


@dataclass(frozen=True)
class CalendarDayRow:
    date: dt.date
    is_workday: bool
    note: str


def work_calendar() -> WorkCalendar:
    """The deployment's calendar as stored now (one query)."""
    days = WorkCalendarDay.objects.values_list("date", "is_workday", "note")
    return WorkCalendar.from_days(days, hours=WorkHours.parse(settings.KAOHE_WORK_HOURS), tz=settings.TIME_ZONE)


def _day(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(text(value).replace("/", "-")[:10])
    except ValueError:
        return None


def parse_rows(name: str, content: bytes, year: int | None = None) -> tuple[list[CalendarDayRow], list[RowError]]:
    """Rows of a calendar table and every problem found (each naming its row, column and reason)."""
    table = read_workbook(content, name).first.table([DATE, KIND, NOTE])
    rows: list[CalendarDayRow] = []
    errors: list[RowError] = []
    seen: dict[dt.date, int] = {}
    for row in table.rows:
        raw, kind = table.get(row, "date"), text(table.get(row, "kind"))
        day = _day(raw)
        if day is None:
            errors.append(table.error(row, "date", f"“{text(raw)}”不是日期（应为 2025-10-01）", f"'{text(raw)}' is not a date (e.g. 2025-10-01)"))
            continue
        if kind.lower() not in _KINDS:
            errors.append(table.error(row, "kind", f"“{kind}”应为“放假”或“上班”", f"'{kind}' should be 放假 (holiday) or 上班 (workday)"))
            continue
        if year is not None and day.year != year:
            errors.append(table.error(row, "date", f"{day.isoformat()}不在{year}年", f"{day.isoformat()} is not in {year}"))
            continue
        if day in seen:
            errors.append(table.error(row, "date", f"{day.isoformat()}与第{seen[day]}行重复", f"{day.isoformat()} repeats row {seen[day]}"))
            continue
        seen[day] = row.number
        worked = _KINDS[kind.lower()]
        if worked and day.weekday() < 5:
            errors.append(table.error(row, "kind", f"{day.isoformat()}是工作日（周一至周五），无需标为调休上班",
                                      f"{day.isoformat()} is a weekday: it needs no make-up entry"))
            continue
        rows.append(CalendarDayRow(day, worked, text(table.get(row, "note"))))
    years = sorted({r.date.year for r in rows})
    if not errors and len(years) > 1:
        errors.append(RowError(table.sheet.label, None, "", f"一次只导入一年的日历，文件中有 {'、'.join(map(str, years))} 年",
                               f"import one year at a time; the file has {', '.join(map(str, years))}"))
    if not errors and not rows:
        errors.append(RowError(table.sheet.label, None, "", "没有日期行", "no date rows"))
    return rows, errors


def import_year(name: str, content: bytes, year: int | None = None) -> tuple[int, int]:
    """Replace one year's calendar with the table's days, all or nothing; returns (year, days stored).
    Raises :class:`~kaohe.lib.tabular.TabularError` naming every bad row."""
    rows, errors = parse_rows(name, content, year)

    def save() -> tuple[int, int]:
        first = rows[0].date.year
        WorkCalendarDay.objects.filter(date__year=first).delete()
        WorkCalendarDay.objects.bulk_create(WorkCalendarDay(date=r.date, is_workday=r.is_workday, note=r.note) for r in rows)
        return first, len(rows)

    return all_or_nothing(errors, save)


def import_shipped(year: int) -> tuple[int, int]:
    """Load the State Council list shipped with kaohe for ``year`` (calendars/<year>.csv)."""
    path = SHIPPED / f"{year}.csv"
    return import_year(path.name, path.read_bytes(), year)


def shipped_years() -> list[int]:
    return sorted(int(p.stem) for p in SHIPPED.glob("*.csv"))
