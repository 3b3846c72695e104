"""The deployment's working-day calendar (工作日历): load it for the deadline clock, import a year.

``work_calendar()`` builds the one :class:`kaohe.lib.workdays.WorkCalendar` from the stored
days and the configured working hours; every module computes its deadlines on it
(``kaohe.lib.deadlines.clock``). ``import_year()`` replaces one year's days from a table
(.csv or .xlsx) with the columns 日期/date, 类型/kind (放假/上班, holiday/workday) and
说明/note — all or nothing, each bad row named. The shipped files in ``calendars/`` hold
the State Council's lists (see ``calendars/README.md``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from kaohe.lib.workdays import WorkCalendar, WorkHours
from kaohe.orgs.models import WorkCalendarDay

SHIPPED = Path(__file__).resolve().parent / "calendars"

_HEADERS = {
    "date": ("日期", "date"),
    "kind": ("类型", "kind", "type"),
    "note": ("说明", "note", "备注"),
}
_KINDS = {"放假": False, "休息": False, "holiday": False, "off": False, "上班": True, "调休上班": True, "workday": True, "work": True}


class CalendarImportError(ValueError):
    """A calendar table we refuse: every problem, each naming its row, column and reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


@dataclass(frozen=True)
class CalendarDayRow:
    date: dt.date
    is_workday: bool
    note: str


def work_calendar() -> WorkCalendar:
    """The deployment's calendar as stored now (one query)."""
    days = WorkCalendarDay.objects.values_list("date", "is_workday", "note")
    return WorkCalendar.from_days(days, hours=WorkHours.parse(settings.KAOHE_WORK_HOURS), tz=settings.TIME_ZONE)


def _read_table(name: str, content: bytes) -> list[list[str]]:
    # Kept tiny until the shared import reader (kaohe/lib/tabular.py) lands; then it reads these.
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        return [["" if c is None else (c.date().isoformat() if isinstance(c, dt.datetime) else str(c)) for c in row]
                for row in sheet.iter_rows(values_only=True)]
    if name.lower().endswith(".csv"):
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    raise CalendarImportError([f"{name}：只能导入 .csv 或 .xlsx 文件"])


def parse_rows(name: str, content: bytes, year: int | None = None) -> list[CalendarDayRow]:
    """Rows of a calendar table; every bad row is reported (第N行 “列”：reason), nothing half-read."""
    table = [row for row in _read_table(name, content) if any(str(c).strip() for c in row)]
    if not table:
        raise CalendarImportError([f"{name}：文件为空"])
    header = [str(c).strip().lower() for c in table[0]]
    cols: dict[str, int] = {}
    for key, aliases in _HEADERS.items():
        for i, h in enumerate(header):
            if h in aliases:
                cols[key] = i
    missing = [_HEADERS[k][0] for k in ("date", "kind") if k not in cols]
    if missing:
        raise CalendarImportError([f"第1行：缺少“{m}”列（表头应为 日期、类型、说明）" for m in missing])
    rows, problems, seen = [], [], {}
    for number, raw in enumerate(table[1:], start=2):
        cells = [str(c).strip() for c in raw] + [""] * len(header)
        text, kind, note = cells[cols["date"]], cells[cols["kind"]], cells[cols["note"]] if "note" in cols else ""
        try:
            day = dt.date.fromisoformat(text.replace("/", "-")[:10])
        except ValueError:
            problems.append(f"第{number}行“日期”：“{text}”不是日期（应为 2025-10-01）")
            continue
        if kind.lower() not in _KINDS:
            problems.append(f"第{number}行“类型”：“{kind}”应为“放假”或“上班”")
            continue
        if year is not None and day.year != year:
            problems.append(f"第{number}行“日期”：{day.isoformat()}不在{year}年")
            continue
        if day in seen:
            problems.append(f"第{number}行“日期”：{day.isoformat()}与第{seen[day]}行重复")
            continue
        seen[day] = number
        worked = _KINDS[kind.lower()]
        if worked and day.weekday() < 5:
            problems.append(f"第{number}行“类型”：{day.isoformat()}是工作日（周一至周五），无需标为调休上班")
            continue
        rows.append(CalendarDayRow(day, worked, note[:100]))
    if not problems and len({r.date.year for r in rows}) > 1:
        problems.append(f"{name}：一次只导入一年的日历，文件中有 {'、'.join(str(y) for y in sorted({r.date.year for r in rows}))} 年")
    if problems:
        raise CalendarImportError(problems)
    if not rows:
        raise CalendarImportError([f"{name}：没有日期行"])
    return rows


@transaction.atomic
def import_year(name: str, content: bytes, year: int | None = None) -> tuple[int, int]:
    """Replace one year's calendar with the table's days; returns (year, days stored)."""
    rows = parse_rows(name, content, year)
    year = rows[0].date.year
    WorkCalendarDay.objects.filter(date__year=year).delete()
    WorkCalendarDay.objects.bulk_create(WorkCalendarDay(date=r.date, is_workday=r.is_workday, note=r.note) for r in rows)
    return year, len(rows)


def import_shipped(year: int) -> tuple[int, int]:
    """Load the State Council list shipped with kaohe for ``year`` (calendars/<year>.csv)."""
    path = SHIPPED / f"{year}.csv"
    return import_year(path.name, path.read_bytes(), year)


def shipped_years() -> list[int]:
    return sorted(int(p.stem) for p in SHIPPED.glob("*.csv"))
