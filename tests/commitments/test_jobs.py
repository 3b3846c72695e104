"""The commitments' daily job: 节点临近提醒 and 逾期通知 at hand-worked boundaries on the 2025 calendar
(国庆 10-01…10-08 off, Sunday 09-28 and Saturday 10-11 worked), once each, to the right people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from kaohe.audit.models import AuditEntry
from kaohe.commitments import jobs, services
from kaohe.commitments.models import Milestone
from kaohe.notifications.models import Notification
from tests.commitments.conftest import claim
from tests.threads import done_and_refused, together

pytestmark = pytest.mark.django_db


def _inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="commitment", title__contains="承诺节点"))


@pytest.fixture
def item(item):
    """The published item with its first milestone (due 04-30) reached: only 节点2 (due Tuesday
    09-30) and 节点3 (due 11-28) are open."""
    services.report_progress(item.milestones.get(seq=1), 100, "问题清单已形成", reported_on=dt.date(2025, 4, 28))
    return item


def test_the_unit_is_reminded_once_on_the_first_day_its_milestone_is_due_soon(item, org_world, work_calendar):
    # 09-24 (Wed) … 09-30: 24, 25, 26, 28 (调休 Sunday), 29, 30 = 6 working days → not yet;
    # 09-25 … 09-30: 25, 26, 28, 29, 30 = 5 = remind_workdays → 临近, reminded.
    assert jobs.run_daily(dt.date(2025, 9, 24)) == {"reminded": 0, "overdue": 0, "notices": 0}
    assert jobs.run_daily(dt.date(2025, 9, 25)) == {"reminded": 1, "overdue": 0, "notices": 1}
    [note] = _inbox(org_world.assessed_town_a)
    assert note.title == "2025-09-25 承诺节点提醒：临近1个"
    assert "节点2「完成改造工程」计划2025年9月30日完成，还有5个工作日（含当日），当前进度0%" in note.body
    assert item.milestones.get(seq=2).reminded_on == dt.date(2025, 9, 25)
    assert _inbox(org_world.office_a) == []  # a reminder is the unit's
    assert jobs.run_daily(dt.date(2025, 9, 26))["reminded"] == 0  # once
    assert services.milestone_state(item.milestones.get(seq=2), dt.date(2025, 9, 25), work_calendar).code == "due_soon"


def test_the_remind_lead_is_a_setting_and_the_page_state_follows_it(item, settings, work_calendar):
    settings.KAOHE_COMMITMENTS = {"remind_workdays": 2}
    # 09-26 … 09-30: 26, 28, 29, 30 = 4 > 2; 09-29 … 09-30 = 2 → reminded on 09-29.
    assert jobs.run_daily(dt.date(2025, 9, 26))["reminded"] == 0
    assert services.milestone_state(item.milestones.get(seq=2), dt.date(2025, 9, 26), work_calendar).code == "normal"
    assert jobs.run_daily(dt.date(2025, 9, 29))["reminded"] == 1


def test_a_milestone_past_its_date_tells_the_unit_and_the_office_once(item, org_world, work_calendar):
    jobs.run_daily(dt.date(2025, 9, 25))  # the reminder
    assert jobs.run_daily(dt.date(2025, 9, 30))["overdue"] == 0  # its date: not overdue yet
    assert jobs.run_due(dt.date(2025, 10, 1)) == {}  # 国庆: the daily job does not run
    # 10-09 is the first working day after 09-30: 10-01 … 10-09 holds one working day (10-09).
    assert jobs.run_due(dt.date(2025, 10, 9)) == {"daily": {"reminded": 0, "overdue": 1, "notices": 2}}
    line = "节点2「完成改造工程」计划2025年9月30日完成，已逾期1个工作日，当前进度0%"
    [unit_note] = [n for n in _inbox(org_world.assessed_town_a) if "逾期" in n.title]
    assert unit_note.title == "2025-10-09 承诺节点提醒：逾期1个" and line in unit_note.body
    [office_note] = _inbox(org_world.office_a)
    assert office_note.title == "2025-10-09 承诺节点逾期：1个"
    assert office_note.body.startswith("甲一街道：百名局长百件事第1号") and line in office_note.body
    assert _inbox(org_world.office_b) == []  # another district's office hears nothing
    assert jobs.run_daily(dt.date(2025, 10, 10))["overdue"] == 0  # once
    entry = AuditEntry.objects.filter(reason="节点临近提醒和逾期通知").latest("id")
    assert entry.after["overdue"] == [item.milestones.get(seq=2).pk]


def test_a_reached_milestone_and_an_unpublished_item_are_left_alone(item, campaign, org_world):
    services.report_progress(item.milestones.get(seq=2), 100, "改造完成", reported_on=dt.date(2025, 9, 20))
    claim(campaign, org_world.towns_a[1])  # claimed, never published: its milestones are not watched
    assert jobs.run_daily(dt.date(2025, 10, 9)) == {"reminded": 0, "overdue": 0, "notices": 0}
    # 11-28 (Fri): 11-24 … 11-28 = 5 working days → 节点3 reminded on 11-24.
    assert jobs.run_daily(dt.date(2025, 11, 24))["reminded"] == 1
    assert Milestone.objects.exclude(commitment=item).filter(reminded_on__isnull=False).count() == 0


def test_the_daily_job_runs_on_working_days_and_is_configured_by_name(settings, work_calendar):
    assert jobs.due_jobs(dt.date(2025, 9, 28)) == ["daily"]  # 调休 Sunday is a working day
    assert jobs.due_jobs(dt.date(2025, 10, 4)) == []  # 国庆 Saturday
    settings.KAOHE_COMMITMENTS = {"jobs": {"daily": {"workdays_only": False}}}
    assert jobs.due_jobs(dt.date(2025, 10, 4)) == ["daily"]
    settings.KAOHE_COMMITMENTS = {"jobs": {"daily": {"enabled": False}}}
    assert jobs.due_jobs(dt.date(2025, 9, 29)) == []
    settings.KAOHE_COMMITMENTS = {"jobs": {"hourly": {}}}
    with pytest.raises(ImproperlyConfigured, match="unknown job.*hourly"):
        jobs.due_jobs(dt.date(2025, 9, 29))


def test_the_command_runs_the_day_and_names_a_bad_job(item, capsys):
    call_command("commitments_jobs", "--date", "2025-10-09")
    assert "2025-10-09 daily: {'reminded': 0, 'overdue': 1, 'notices': 2}" in capsys.readouterr().out
    with pytest.raises(Exception, match="known jobs are daily"):
        call_command("commitments_jobs", "--only", "weekly")


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_tell_the_unit_once(item, org_world):
    """Real threads on PostgreSQL (one after another on SQLite): the rows are taken under a lock and
    re-checked, so the second run finds nothing left to tell."""
    results, failures = done_and_refused(together([lambda: jobs.run_daily(dt.date(2025, 10, 9))] * 2), services.CommitmentError)
    assert failures == []
    assert sorted(r["overdue"] for r in results) == [0, 1]
    assert len([n for n in _inbox(org_world.assessed_town_a) if "逾期" in n.title]) == 1
