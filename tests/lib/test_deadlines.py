"""The deadline clock: hand-worked cases across 2025's holidays and 调休, and its properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaohe.lib.deadlines import ClockEvent, Status, TimeLimit, clock
from kaohe.lib.workdays import CalendarError
from tests.lib.calendars import CAL, at, shipped_calendar

SAME_DAY = TimeLimit(0)  # 事不过夜


def run(limit, now, *events):
    return clock([ClockEvent(kind, when, *rest) for kind, when, *rest in events], limit, CAL, now)


def test_same_day_means_by_the_end_of_that_working_day():
    c = run(SAME_DAY, at(2025, 9, 30, 11), ("start", at(2025, 9, 30, 10)))
    assert c.due_at == at(2025, 9, 30, 17, 30)
    # 11:00–12:00 (1 h) + 13:30–17:30 (4 h) = 5 h left
    assert c.status == Status.NORMAL and c.colour == "green" and c.remaining_text == "剩余5小时"


def test_after_the_cut_off_the_next_working_day_is_the_day_even_across_national_day():
    # raised Tue 9/30 18:00, after 17:30: 10/1–10/8 off → due Thu 10/9 17:30
    c = run(SAME_DAY, at(2025, 10, 9, 17), ("start", at(2025, 9, 30, 18)))
    assert c.due_at == at(2025, 10, 9, 17, 30)
    assert c.remaining_seconds == 30 * 60


def test_a_custom_cut_off_moves_the_due_time_and_the_rollover():
    limit = TimeLimit(0, cutoff=dt.time(16))
    assert run(limit, at(2025, 3, 3, 9), ("start", at(2025, 3, 3, 9))).due_at == at(2025, 3, 3, 16)
    # at 16:30, after the 16:00 cut-off: tomorrow 16:00
    assert run(limit, at(2025, 3, 3, 17), ("start", at(2025, 3, 3, 16, 30))).due_at == at(2025, 3, 4, 16)


def test_a_make_up_saturday_is_a_working_day_for_the_clock_and_a_sunday_is_not():
    # Sat 2/8/2025 is 调休上班: raised at 10:00 → due the same day
    assert run(SAME_DAY, at(2025, 2, 8, 11), ("start", at(2025, 2, 8, 10))).due_at == at(2025, 2, 8, 17, 30)
    # Sun 2/9 is off → Mon 2/10
    assert run(SAME_DAY, at(2025, 2, 9, 11), ("start", at(2025, 2, 9, 10))).due_at == at(2025, 2, 10, 17, 30)


def test_three_working_days_across_the_spring_festival():
    # from Fri 1/24 14:00: Sun 1/26 (1), Mon 1/27 (2), 1/28–2/4 off, Wed 2/5 (3) → 2/5 17:30
    three = TimeLimit(3)
    assert run(three, at(2025, 1, 24, 15), ("start", at(2025, 1, 24, 14))).due_at == at(2025, 2, 5, 17, 30)
    # counting the start day as day 1: 1/24 (1), 1/26 (2), 1/27 (3)
    counted = TimeLimit(3, count_start_day=True)
    assert run(counted, at(2025, 1, 24, 15), ("start", at(2025, 1, 24, 14))).due_at == at(2025, 1, 27, 17, 30)


def test_working_hours_run_over_the_holiday():
    # 8 working hours from Tue 9/30 14:00: 14:00–17:30 = 3.5 h; Thu 10/9 08:30–12:00 = 3.5 h (7 h); 13:30 + 1 h
    c = run(TimeLimit(8, unit="workhours"), at(2025, 9, 30, 15), ("start", at(2025, 9, 30, 14)))
    assert c.due_at == at(2025, 10, 9, 14, 30)


def test_a_pause_extends_the_deadline_by_the_paused_working_time():
    # 2 working days from Mon 3/3 09:00 → Wed 3/5 17:30. Paused Tue 10:00–15:00 = 2 h + 1.5 h = 3.5 h
    # (lunch not counted) → Wed 17:30 + 3.5 h = Thu 3/6 08:30 + 3.5 h = 12:00.
    two = TimeLimit(2)
    log = [("start", at(2025, 3, 3, 9)), ("pause", at(2025, 3, 4, 10)), ("resume", at(2025, 3, 4, 15))]
    c = run(two, at(2025, 3, 5, 9), *log)
    assert c.due_at == at(2025, 3, 6, 12) and c.paused_seconds == 3.5 * 3600 and not c.paused


def test_while_paused_the_time_left_is_frozen_and_shown_as_paused():
    # paused Tue 3/4 10:00, seen at 14:00: left as at 10:00 = Tue 10–12 (2 h) + 13:30–17:30 (4 h) + Wed 7.5 h
    # = 13.5 h = 1 working day 6 h; the due moment so far moves by 10:00–14:00 = 2.5 h → Thu 3/6 11:00.
    c = run(TimeLimit(2), at(2025, 3, 4, 14), ("start", at(2025, 3, 3, 9)), ("pause", at(2025, 3, 4, 10)))
    assert c.paused and c.remaining_text == "已暂停，剩余1个工作日6小时"
    assert c.due_at == at(2025, 3, 6, 11)


def test_yellow_and_red_lead_times_colour_the_status():
    # 3 working days from Mon 3/3 09:00 → Thu 3/6 17:30; yellow within 1 day (7.5 h), red within 0.5 day (3.75 h)
    limit = TimeLimit(3, yellow=1, red=0.5)
    start = ("start", at(2025, 3, 3, 9))
    wed = run(limit, at(2025, 3, 5, 17), start)  # 0.5 h + 7.5 h = 8 h left
    assert (wed.status, wed.colour) == (Status.NORMAL, "green")
    thu_morning = run(limit, at(2025, 3, 6, 9), start)  # 3 h + 4 h = 7 h ≤ 7.5 h
    assert (thu_morning.status, thu_morning.colour, thu_morning.label) == (Status.DUE_SOON, "yellow", "临近")
    thu_afternoon = run(limit, at(2025, 3, 6, 14), start)  # 3.5 h ≤ 3.75 h
    assert (thu_afternoon.status, thu_afternoon.colour) == (Status.DUE_SOON, "red")
    fri = run(limit, at(2025, 3, 7, 10), start)  # Thu 17:30 → Fri 08:30–10:00 = 1.5 h late
    assert (fri.status, fri.colour, fri.label, fri.remaining_text) == (Status.OVERDUE, "red", "超期", "超期1.5小时")
    evening = run(limit, at(2025, 3, 6, 18), start)  # past due, no working time yet
    assert evening.overdue and evening.remaining_text == "已超期"


def test_finishing_freezes_the_status():
    limit = TimeLimit(3)
    start = ("start", at(2025, 3, 3, 9))
    on_time = run(limit, at(2025, 4, 1), start, ("stop", at(2025, 3, 6, 12)))
    assert (on_time.status, on_time.label, on_time.finished_at) == (Status.DONE, "按期办结", at(2025, 3, 6, 12))
    late = run(limit, at(2025, 4, 1), start, ("stop", at(2025, 3, 7, 9)))
    assert (late.status, late.colour, late.label) == (Status.DONE_LATE, "red", "超期办结")


def test_a_returned_resolution_runs_the_clock_again_without_the_checking_time():
    # 事不过夜 from Mon 3/3 09:00 → 17:30. 办结 12:00, 退回 Tue 3/4 09:30: with the checker 13:30–17:30 (4 h)
    # + 08:30–09:30 (1 h) = 5 h → due 3/3 17:30 + 5 h = Tue 08:30 + 3.5 h (12:00) + 1.5 h = 15:00.
    c = run(SAME_DAY, at(2025, 3, 4, 10), ("start", at(2025, 3, 3, 9)), ("stop", at(2025, 3, 3, 12)),
            ("reopen", at(2025, 3, 4, 9, 30)))
    assert c.due_at == at(2025, 3, 4, 15) and not c.finished


def test_changing_the_rule_recomputes_the_same_log():
    log = [ClockEvent("start", at(2025, 3, 3, 9))]
    assert clock(log, TimeLimit(0), CAL, at(2025, 3, 3, 10)).due_at == at(2025, 3, 3, 17, 30)
    assert clock(log, TimeLimit(1), CAL, at(2025, 3, 3, 10)).due_at == at(2025, 3, 4, 17, 30)


def test_correcting_the_calendar_recomputes_the_due_moment():
    # 1 working day from Fri 9/26: Sun 9/28 is worked → 9/28; without that make-up day → Mon 9/29.
    log = [ClockEvent("start", at(2025, 9, 26, 10))]
    assert clock(log, TimeLimit(1), CAL, at(2025, 9, 26, 11)).due_at == at(2025, 9, 28, 17, 30)
    wrong = shipped_calendar(2025, drop=(dt.date(2025, 9, 28),))
    assert clock(log, TimeLimit(1), wrong, at(2025, 9, 26, 11)).due_at == at(2025, 9, 29, 17, 30)


def test_an_extension_sets_a_new_due_moment_and_a_second_start_starts_afresh():
    extended = run(TimeLimit(1), at(2025, 3, 5), ("start", at(2025, 3, 3, 9)),
                   ("extend", at(2025, 3, 4, 9), at(2025, 3, 10, 17, 30)))
    assert extended.due_at == at(2025, 3, 10, 17, 30) and extended.status == Status.NORMAL
    reassigned = run(TimeLimit(1), at(2025, 3, 6), ("start", at(2025, 3, 3, 9)), ("start", at(2025, 3, 5, 9)))
    assert reassigned.due_at == at(2025, 3, 6, 17, 30) and reassigned.started_at == at(2025, 3, 5, 9)


def test_events_after_now_are_not_seen():
    c = run(SAME_DAY, at(2025, 3, 3, 10), ("start", at(2025, 3, 3, 9)), ("stop", at(2025, 3, 3, 11)))
    assert not c.finished and c.status == Status.NORMAL


def test_a_log_without_a_start_is_refused():
    with pytest.raises(CalendarError, match="must begin with a start event"):
        run(SAME_DAY, at(2025, 3, 3, 10), ("pause", at(2025, 3, 3, 9)))


@pytest.mark.parametrize(("data", "message"), [
    ({"workdays": 1, "hours": 2}, "unknown key"),
    ({"workdays": 1, "workhours": 2}, "exactly one of"),
    ({"workdays": 1.5}, "whole number"),
    ({"workdays": 0, "count_start_day": True}, "at least 1 working day"),
    ({"workdays": 1, "cutoff": "5pm"}, "not a time of day"),
])
def test_bad_rules_are_refused_with_a_reason(data, message):
    with pytest.raises(CalendarError, match=message):
        TimeLimit.from_mapping(data)


def test_rules_describe_themselves_in_chinese():
    assert TimeLimit.from_mapping({"workdays": 0}).describe(CAL) == "当日办结（17:30截止，逾时顺延下一工作日）"
    assert TimeLimit.from_mapping({"workdays": 15, "cutoff": "17:00"}).describe(CAL) == "15个工作日内（17:00截止）"
    assert TimeLimit.from_mapping({"workhours": 2}).describe(CAL) == "2个工作小时内"


minutes_2025 = st.integers(min_value=0, max_value=330 * 24 * 60)


@given(start=minutes_2025, n=st.integers(min_value=0, max_value=20), pause_at=st.integers(min_value=0, max_value=30 * 24 * 60),
       pause_for=st.integers(min_value=1, max_value=10 * 24 * 60))
def test_a_pause_extends_the_due_moment_by_exactly_the_paused_working_time(start, n, pause_at, pause_for):
    begin = at(2025, 1, 1) + dt.timedelta(minutes=start)
    paused = begin + dt.timedelta(minutes=pause_at)
    resumed = paused + dt.timedelta(minutes=pause_for)
    now = resumed + dt.timedelta(days=1)
    plain = clock([ClockEvent("start", begin)], TimeLimit(n), CAL, now)
    with_pause = clock([ClockEvent("start", begin), ClockEvent("pause", paused), ClockEvent("resume", resumed)],
                       TimeLimit(n), CAL, now)
    assert CAL.is_workday(plain.due_at.date())
    assert CAL.working_seconds(plain.due_at, with_pause.due_at) == CAL.working_seconds(paused, resumed)
    assert with_pause.paused_seconds == CAL.working_seconds(paused, resumed)


# ---- outcome: the rate's view of a clock (counted, in time), the same answer as clock() ----------------

_KIND = st.sampled_from(["start", "stop", "pause", "resume", "reopen"])


@given(start=st.integers(min_value=0, max_value=360 * 24 * 60),
       steps=st.lists(st.tuples(_KIND, st.integers(min_value=1, max_value=12 * 24 * 60)), max_size=5),
       limit=st.sampled_from([TimeLimit(0), TimeLimit(1), TimeLimit(3), TimeLimit(15), TimeLimit(2, unit="workhours"),
                              TimeLimit(1, count_start_day=True)]),
       look=st.integers(min_value=0, max_value=40 * 24 * 60))
def test_outcome_agrees_with_the_clock_for_any_log(start, steps, limit, look):
    from kaohe.lib.deadlines import outcome

    moment = at(2025, 1, 1) + dt.timedelta(minutes=start)
    log = [ClockEvent("start", moment)]
    for kind, gap in steps:
        moment += dt.timedelta(minutes=gap)
        log.append(ClockEvent(kind, moment))
    now = log[0].at + dt.timedelta(minutes=look)
    c = clock(log, limit, CAL, now)
    dues: dict = {}
    expected = (c.finished or c.status == Status.OVERDUE, c.status == Status.DONE)
    assert outcome(log, limit, CAL, now, dues) == expected
    assert outcome(log, limit, CAL, now, dues) == expected  # the remembered due moment gives the same


def test_outcome_by_hand_on_the_national_day_and_a_make_up_saturday():
    from kaohe.lib.deadlines import outcome

    three = TimeLimit(3)
    # received Tue 9/30 10:00; 10/1–10/8 off, Sat 10/11 调休上班: 3 working days → Sat 10/11 17:30
    start = ClockEvent("start", at(2025, 9, 30, 10))
    assert outcome([start, ClockEvent("stop", at(2025, 10, 11, 17, 30))], three, CAL, at(2025, 12, 1)) == (True, True)
    assert outcome([start, ClockEvent("stop", at(2025, 10, 13, 9))], three, CAL, at(2025, 12, 1)) == (True, False)
    assert outcome([start], three, CAL, at(2025, 10, 11, 17)) == (False, False)  # open, not yet due: not counted
    assert outcome([start], three, CAL, at(2025, 10, 11, 18)) == (True, False)  # open and overdue: counted, late
