"""The deployment's working-day calendar: seeded with 2025–2026, imported per year, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from kaohe.audit.models import AuditEntry
from kaohe.lib.tabular import TabularError
from kaohe.orgs import calendar
from kaohe.orgs.models import WorkCalendarDay

pytestmark = pytest.mark.django_db

CSV_2027 = "日期,类型,说明\n2027-01-01,放假,元旦\n2027-02-06,上班,春节调休上班\n".encode()


@pytest.fixture
def shipped():
    for year in calendar.shipped_years():
        calendar.import_shipped(year)


def test_the_shipped_years_make_the_stored_calendar(shipped):
    cal = calendar.work_calendar()
    # 2025: 33 listed days (28 off, 5 make-up); 2026: 39 (33 off, 6 make-up)
    assert WorkCalendarDay.objects.filter(date__year=2025).count() == 33
    assert WorkCalendarDay.objects.filter(date__year=2026, is_workday=True).count() == 6
    assert cal.is_workday(dt.date(2025, 10, 11)) and not cal.is_workday(dt.date(2025, 10, 8))
    assert cal.notes[dt.date(2025, 10, 11)] == "国庆节、中秋节调休上班"


def test_importing_a_year_replaces_only_that_year(shipped):
    assert calendar.import_year("2027.csv", CSV_2027) == (2027, 2)
    assert calendar.import_year("2027.csv", "日期,类型\n2027-10-01,放假\n".encode()) == (2027, 1)
    assert list(WorkCalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [dt.date(2027, 10, 1)]
    assert WorkCalendarDay.objects.filter(date__year=2025).count() == 33


def test_an_excel_calendar_is_read_with_english_headers():
    book = Workbook()
    sheet = book.active
    sheet.append(["date", "kind", "note"])
    sheet.append([dt.datetime(2027, 1, 1), "holiday", "New Year"])
    sheet.append(["2027-02-06", "workday", ""])
    buf = io.BytesIO()
    book.save(buf)
    assert calendar.import_year("2027.xlsx", buf.getvalue()) == (2027, 2)
    assert calendar.work_calendar().is_workday(dt.date(2027, 2, 6))


def test_bad_rows_are_all_named_and_nothing_is_stored():
    bad = ("日期,类型,说明\n2027-01-01,放假,元旦\n2027-13-01,放假,\n2027-01-02,休假,\n"
           "2027-01-04,上班,\n2027-01-01,放假,重复\n").encode()
    with pytest.raises(TabularError) as err:
        calendar.import_year("2027.csv", bad)
    assert err.value.texts() == [
        "第3行A列“日期”：“2027-13-01”不是日期（应为 2025-10-01）",
        "第4行B列“类型”：“休假”应为“放假”或“上班”",
        "第5行B列“类型”：2027-01-04是工作日（周一至周五），无需标为调休上班",
        "第6行A列“日期”：2027-01-01与第2行重复",
    ]
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()


def test_a_table_must_have_date_and_kind_columns_and_one_year():
    with pytest.raises(TabularError, match="缺少此列"):
        calendar.import_year("x.csv", "日期,说明\n2027-01-01,元旦\n".encode())
    with pytest.raises(TabularError, match="2027-01-01不在2028年"):
        calendar.import_year("x.csv", CSV_2027, 2028)
    with pytest.raises(TabularError, match="一次只导入一年"):
        calendar.import_year("x.csv", "日期,类型\n2027-01-01,放假\n2028-01-03,放假\n".encode())


def test_the_calendar_command_imports_with_an_audit_entry_and_shows_a_year(tmp_path, capsys):
    path = tmp_path / "2027.csv"
    path.write_bytes(CSV_2027)
    call_command("calendar", "import", str(path))
    entry = AuditEntry.objects.filter(object_repr="2027年工作日历").get()
    assert entry.after == {"year": 2027, "days": 2, "file": "2027.csv"}
    call_command("calendar", "show", "2027")
    assert "2027-02-06 上班 春节调休上班" in capsys.readouterr().out
    path.write_bytes("日期,类型\n2027-01-01,休假\n".encode())
    with pytest.raises(CommandError, match="第2行B列“类型”：“休假”应为“放假”或“上班”"):
        call_command("calendar", "import", str(path))
