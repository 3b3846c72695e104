"""Submission deadlines (填报截止) on the working-day calendar: due dates, statuses, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kaohe.assessment import services
from kaohe.assessment.models import (
    Period,
    PeriodKind,
    Submission,
    SubmissionStatus,
    period_deadline,
)
from tests.assessment.factories import adopted_version, periods

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))


def test_the_deadline_is_the_nth_working_day_after_the_period_across_national_day(work_calendar):
    # September 2025, 5th working day: 10/1–10/8 off → 10/9 (1), 10/10 (2), Sat 10/11 调休 (3), 10/13 (4), 10/14 (5)
    assert period_deadline(dt.date(2025, 9, 30), 5) == dt.date(2025, 10, 14)
    # January 2026, 3rd working day: Sun 2/1 off → Mon 2/2, 2/3, 2/4
    assert period_deadline(dt.date(2026, 1, 31), 3) == dt.date(2026, 2, 4)
    # January 2025 (春节 1/28–2/4): 2/5 (1) … 2/7 (3), Sat 2/8 调休 (4), 2/10 (5)
    assert period_deadline(dt.date(2025, 1, 31), 5) == dt.date(2025, 2, 10)


def test_generated_periods_use_the_calendar(work_calendar, org_world):
    services.ensure_periods(org_world.city, 2025)
    sept = Period.objects.get(owner_unit=org_world.city, year=2025, kind=PeriodKind.MONTH, number=9)
    q3 = Period.objects.get(owner_unit=org_world.city, year=2025, kind=PeriodKind.QUARTER, number=3)
    assert sept.deadline == q3.deadline == dt.date(2025, 10, 14)


def test_a_submission_clock_goes_from_normal_to_due_soon_to_overdue_and_stops_when_submitted(work_calendar, org_world):
    version = adopted_version(org_world)
    period = periods(2025)[9]
    assert period.deadline == dt.date(2025, 10, 14)
    sub = Submission.objects.create(version=version, responsible_unit=org_world.stats_bureau, period=period)
    # 10/9 17:30: left 10/10, 10/11, 10/13, 10/14 = 4 working days → 正常
    assert period.clock(sub, now=at(2025, 10, 9, 17, 30)).label == "正常"
    # 10/13 08:30: 10/13 + 10/14 = 2 working days ≤ 2 → 临近
    soon = period.clock(sub, now=at(2025, 10, 13, 8, 30))
    assert (soon.label, soon.colour, soon.remaining_text) == ("临近", "yellow", "剩余2个工作日")
    late = period.clock(sub, now=at(2025, 10, 15, 10))  # 10/15 08:30–10:00 = 1.5 h late
    assert (late.label, late.remaining_text) == ("超期", "超期1.5小时")
    sub.status, sub.submitted_at = SubmissionStatus.SUBMITTED, at(2025, 10, 14, 17)
    assert sub.clock(now=at(2025, 10, 20)).label == "按期办结"
    sub.status = SubmissionStatus.RETURNED  # sent back: the clock runs again, now overdue
    assert sub.clock(now=at(2025, 10, 20)).label == "超期"


def test_a_reminder_names_the_deadline_and_the_working_time_left(work_calendar, org_world, monkeypatch):
    version = adopted_version(org_world)
    period = periods(2025)[9]
    sub = Submission.objects.create(version=version, responsible_unit=org_world.stats_bureau, period=period)
    monkeypatch.setattr(timezone, "now", lambda: at(2025, 10, 13, 8, 30))
    reminder = services.remind(sub, user=org_world.office)
    assert reminder.message == "请于 2025-10-14 17:30 前完成 2025年9月 数据报送（剩余2个工作日）。"
