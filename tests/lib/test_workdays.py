"""工作日历: holidays and 调休 from the State Council lists, working time inside working hours."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.lib.workdays import CalendarError, WorkCalendar, WorkHours
from tests.lib.calendars import CAL, at


def test_the_2025_make_up_weekends_are_working_days_and_the_holidays_are_not():
    for day in ("2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"):
        assert CAL.is_workday(dt.date.fromisoformat(day)), day
    for day in ("2025-01-01", "2025-01-28", "2025-02-04", "2025-05-05", "2025-06-02", "2025-10-08"):
        assert not CAL.is_workday(dt.date.fromisoformat(day)), day
    assert not CAL.is_workday(dt.date(2025, 3, 1))  # an ordinary Saturday
    assert CAL.is_workday(dt.date(2025, 3, 3))  # an ordinary Monday


def test_the_2026_notice_is_loaded():
    # 元旦 1/1–1/3 with 1/4 (Sun) worked; 春节 2/15–2/23 with 2/14 and 2/28 (Sat) worked; 国庆 9/20 (Sun) worked.
    assert not CAL.is_workday(dt.date(2026, 1, 2)) and CAL.is_workday(dt.date(2026, 1, 4))
    assert CAL.is_workday(dt.date(2026, 2, 14)) and not CAL.is_workday(dt.date(2026, 2, 23))
    assert CAL.is_workday(dt.date(2026, 2, 28)) and CAL.is_workday(dt.date(2026, 9, 20))
    assert not CAL.is_workday(dt.date(2026, 10, 7)) and CAL.is_workday(dt.date(2026, 10, 10))
    assert CAL.covers(2026) and not CAL.covers(2027)


def test_adding_working_days_across_the_spring_festival_counts_the_sunday_make_up_day():
    # Fri 1/24 → +1 Sun 1/26 (调休上班) → +2 Mon 1/27 → 1/28–2/4 off → +3 Wed 2/5.
    friday = dt.date(2025, 1, 24)
    assert [CAL.add_workdays(friday, n) for n in (1, 2, 3)] == [dt.date(2025, 1, 26), dt.date(2025, 1, 27), dt.date(2025, 2, 5)]
    assert CAL.add_workdays(dt.date(2025, 2, 1), 0) == dt.date(2025, 2, 5)  # a day off: the next working day


def test_adding_working_days_across_national_day():
    # Fri 9/26 → Sun 9/28 (1), Mon 9/29 (2), Tue 9/30 (3), 10/1–10/8 off, Thu 10/9 (4), Fri 10/10 (5), Sat 10/11 (6).
    assert CAL.add_workdays(dt.date(2025, 9, 26), 4) == dt.date(2025, 10, 9)
    assert CAL.add_workdays(dt.date(2025, 9, 26), 6) == dt.date(2025, 10, 11)


def test_october_2025_has_eighteen_working_days():
    # 9, 10, 11 (Sat, 调休) = 3; then 13–17, 20–24, 27–31 = 15 → 18.
    assert CAL.workdays_between(dt.date(2025, 10, 1), dt.date(2025, 10, 31)) == 18


def test_working_time_skips_the_lunch_break_and_the_holiday():
    # Tue 9/30 16:00–17:30 = 1.5 h; 10/1–10/8 off; Thu 10/9 08:30–09:00 = 0.5 h → 2 h.
    assert CAL.working_seconds(at(2025, 9, 30, 16), at(2025, 10, 9, 9)) == 2 * 3600
    assert CAL.working_seconds(at(2025, 10, 9, 9), at(2025, 9, 30, 16)) == -2 * 3600
    # Mon 3/3 11:00 + 2 h: 11:00–12:00 (1 h), lunch, 13:30–14:30 (1 h).
    assert CAL.add_working_seconds(at(2025, 3, 3, 11), 2 * 3600) == at(2025, 3, 3, 14, 30)
    # Tue 9/30 16:30 + 2 h: 1 h to 17:30, then Thu 10/9 08:30 + 1 h.
    assert CAL.add_working_seconds(at(2025, 9, 30, 16, 30), 2 * 3600) == at(2025, 10, 9, 9, 30)


def test_a_working_day_is_seven_and_a_half_hours_by_default_and_hours_are_configurable():
    assert CAL.hours.seconds_per_day == 7.5 * 3600
    hours = WorkHours.parse("09:00-17:00")
    assert hours.seconds_per_day == 8 * 3600 and hours.end == dt.time(17)


@pytest.mark.parametrize(("text", "message"), [
    ("08:30-07:00", "span 1: 08:30 is not before 07:00"),
    ("8h", "should read like 08:30-12:00"),
    ("08:30-12:00,11:00-17:00", "span 2: starts at 11:00, before the previous span ends"),
    ("", "at least one span"),
])
def test_bad_working_hours_are_refused_with_the_span_named(text, message):
    with pytest.raises(CalendarError, match=message):
        WorkHours.parse(text)


def test_a_naive_datetime_is_refused():
    with pytest.raises(CalendarError, match="time zone is needed"):
        CAL.working_seconds(dt.datetime(2025, 3, 3, 9), at(2025, 3, 3, 10))


def test_without_a_loaded_year_only_weekends_are_off():
    empty = WorkCalendar()
    assert empty.is_workday(dt.date(2025, 10, 1)) and not empty.is_workday(dt.date(2025, 9, 28))
    assert not empty.covers(2025)


days_2025_2026 = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 11, 30))


@given(day=days_2025_2026, n=st.integers(min_value=0, max_value=40))
def test_adding_n_working_days_never_lands_on_a_day_off(day, n):
    due = CAL.add_workdays(day, n)
    assert CAL.is_workday(due)
    if n:
        # exactly n working days after the start day, the last of them the due day
        assert CAL.workdays_between(day + dt.timedelta(days=1), due) == n


@given(start=st.integers(min_value=0, max_value=600 * 24 * 60), minutes=st.integers(min_value=0, max_value=20 * 450))
def test_working_time_added_is_the_working_time_between(start, minutes):
    begin = at(2025, 1, 1) + dt.timedelta(minutes=start)
    end = CAL.add_working_seconds(begin, minutes * 60)
    assert CAL.working_seconds(begin, end) == minutes * 60
