"""Services: lifecycle, monthly reports, problems (事不过夜), the daily warning run, escalation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from kaohe.audit.models import AuditEntry
from kaohe.projects import services
from kaohe.projects.data import unit_figures
from kaohe.projects.models import ActionItem, ProblemStatus, ProjectWarning, ReportStatus
from tests.projects.factories import ProjectFactory

D = dt.date


@pytest.fixture
def world(org_world):
    return org_world


def test_milestones_set_the_current_stage_and_the_start_dates(world):
    project = ProjectFactory(unit=world.district_a, milestones={"signed": (D(2025, 12, 1), D(2025, 12, 1))})
    assert project.stage.code == "signed"
    started = project.stage_set.stages.get(code="started")
    services.set_milestone(project, started, planned_on=D(2026, 3, 1), actual_on=D(2026, 3, 5), user=world.office)
    project.refresh_from_db()
    assert project.stage.code == "started"
    assert (project.planned_start, project.actual_start) == (D(2026, 3, 1), D(2026, 3, 5))
    assert AuditEntry.objects.of_type("projects.milestone").exists()


def test_a_monthly_report_derives_the_year_to_date_total_and_later_months_follow(world):
    project = ProjectFactory(unit=world.district_a)
    services.submit_report(project, 2026, 1, 100, user=world.assessed_a)
    services.submit_report(project, 2026, 3, 50, user=world.assessed_a)
    feb = services.submit_report(project, 2026, 2, 30, user=world.assessed_a)
    assert feb.invest_ytd == Decimal("130")
    assert project.reports.get(month=3).invest_ytd == Decimal("180")
    services.submit_report(project, 2026, 1, 10, user=world.assessed_a)  # correction
    assert project.reports.get(month=3).invest_ytd == Decimal("90")


def test_a_confirmed_report_cannot_be_submitted_again(world):
    project = ProjectFactory(unit=world.district_a)
    report = services.submit_report(project, 2026, 1, 100, user=world.assessed_a)
    services.confirm_report(report, user=world.office)
    assert report.status == ReportStatus.CONFIRMED
    with pytest.raises(services.ProjectError, match="已确认"):
        services.submit_report(project, 2026, 1, 120, user=world.assessed_a)


def test_a_negative_investment_is_refused(world):
    project = ProjectFactory(unit=world.district_a)
    with pytest.raises(services.ProjectError, match="负数"):
        services.submit_report(project, 2026, 1, -1)


# ---- problems ------------------------------------------------------------------------------


def at(y, m, d, hh=0, mm=0):
    return timezone.make_aware(dt.datetime(y, m, d, hh, mm))  # Asia/Shanghai


def test_a_problem_is_due_by_the_end_of_the_working_day_it_is_raised(world, work_calendar):
    # 事不过夜: raised Tue 2026-11-10 15:30 → due 17:30 the same day
    project = ProjectFactory(unit=world.district_a)
    problem = services.raise_problem(project, "施工用电未接入", user=world.assessed_a, now=at(2026, 11, 10, 15, 30))
    assert problem.due_at == at(2026, 11, 10, 17, 30)
    assert problem.assigned_unit == world.district_a
    clock = services.problem_clock(problem, now=at(2026, 11, 10, 16))
    # 1.5 h left ≤ the half-day (3.75 h) yellow lead
    assert (clock.label, clock.colour, clock.remaining_text) == ("临近", "yellow", "剩余1.5小时")


def test_a_problem_raised_after_the_cut_off_before_national_day_is_due_after_the_holiday(world, work_calendar):
    # Wed 2026-09-30 18:00 is after 17:30; 10/1–10/7 off → Thu 10/8 17:30
    problem = services.raise_problem(ProjectFactory(unit=world.district_a), "道路未通", now=at(2026, 9, 30, 18))
    assert problem.due_at == at(2026, 10, 8, 17, 30)


def test_the_problem_time_limit_is_configurable_and_counts_the_make_up_sunday(world, settings, work_calendar):
    # 3 working days from Fri 2026-09-18: Sun 9/20 (调休上班), Mon 9/21, Tue 9/22 → 9/22 17:30
    settings.KAOHE_PROJECTS = {"problem_time_limit": {"workdays": 3}}
    problem = services.raise_problem(ProjectFactory(unit=world.district_a), "用地指标", now=at(2026, 9, 18, 10))
    assert problem.due_at == at(2026, 9, 22, 17, 30)


def test_an_overdue_problem_goes_to_the_leader_then_to_the_city_leader(world, work_calendar):
    # raised Tue 11/10 09:00, due 17:30; the city leader once 2 working days (15 h) overdue: Thu 11/12 17:30
    problem = services.raise_problem(ProjectFactory(unit=world.district_a), "道路未通", now=at(2026, 11, 10, 9))
    assert services.escalate_overdue_problems(at(2026, 11, 10, 17, 30)) == 0  # due exactly now
    assert services.escalate_overdue_problems(at(2026, 11, 11, 9)) == 1
    problem.refresh_from_db()
    assert problem.escalation == 1
    assert services.escalate_overdue_problems(at(2026, 11, 12, 17)) == 0  # 14.5 working hours overdue
    assert services.escalate_overdue_problems(at(2026, 11, 13, 9)) == 1  # 15.5 h
    problem.refresh_from_db()
    assert problem.escalation == 2
    assert AuditEntry.objects.of_type("projects.problem").filter(reason="逾期升级").count() == 2


def test_a_paused_problem_does_not_escalate_and_its_deadline_moves_by_the_paused_working_time(world, work_calendar):
    # raised Tue 11/10 09:00 (due 17:30); paused 10:00 → resumed Wed 11/11 10:00:
    # 10–12 (2 h) + 13:30–17:30 (4 h) + 08:30–10:00 (1.5 h) = 7.5 h → due Wed 17:30
    problem = services.raise_problem(ProjectFactory(unit=world.district_a), "等待省厅批复", now=at(2026, 11, 10, 9))
    services.pause_problem(problem, "等待省自然资源厅批复", user=world.office, now=at(2026, 11, 10, 10))
    assert services.escalate_overdue_problems(at(2026, 11, 11, 9)) == 0
    paused = services.problem_clock(problem, now=at(2026, 11, 11, 9))
    assert paused.paused and paused.remaining_text == "已暂停，剩余6小时"  # as at 10:00: 10–12 + 13:30–17:30
    with pytest.raises(services.ProjectError, match="已暂停计时"):
        services.pause_problem(problem, "again", now=at(2026, 11, 11, 9, 30))
    services.resume_problem(problem, user=world.office, now=at(2026, 11, 11, 10))
    problem.refresh_from_db()
    assert problem.due_at == at(2026, 11, 11, 17, 30)
    assert AuditEntry.objects.filter(object_id=problem.pk, reason__startswith="暂停计时").exists()


def test_a_problem_sent_back_runs_on_without_the_checking_time(world, work_calendar):
    # raised Tue 11/10 09:00, 办结 12:00, 退回 Wed 09:30: checking 13:30–17:30 (4 h) + 08:30–09:30 (1 h) = 5 h
    # → due 11/10 17:30 + 5 h = Wed 08:30 + 3.5 h (12:00) + 1.5 h = 15:00
    problem = services.raise_problem(ProjectFactory(unit=world.district_a), "环评批复", now=at(2026, 11, 10, 9))
    services.resolve_problem(problem, "已协调", now=at(2026, 11, 10, 12))
    services.confirm_problem(problem, accept=False, reason="未解决", now=at(2026, 11, 11, 9, 30))
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.OPEN and problem.due_at == at(2026, 11, 11, 15)


def test_a_changed_rule_recomputes_open_problems_on_the_daily_run(world, settings, work_calendar):
    problem = services.raise_problem(ProjectFactory(unit=world.district_a), "道路未通", now=at(2026, 11, 10, 9))
    settings.KAOHE_PROJECTS = {"problem_time_limit": {"workdays": 1}}
    services.escalate_overdue_problems(at(2026, 11, 11, 9))
    problem.refresh_from_db()
    assert problem.due_at == at(2026, 11, 11, 17, 30) and problem.escalation == 0


def test_a_problem_is_closed_only_after_resolution_and_confirmation(world):
    project = ProjectFactory(unit=world.district_a)
    problem = services.raise_problem(project, "环评批复", user=world.assessed_a)
    with pytest.raises(services.ProjectError):
        services.confirm_problem(problem, user=world.assessed_a)
    services.resolve_problem(problem, "已协调市生态环境局办结", user=world.assessed_a)
    assert problem.status == ProblemStatus.RESOLVED and problem.solved_on_time
    services.confirm_problem(problem, user=world.assessed_a, accept=False, reason="未见批复文件")
    assert problem.status == ProblemStatus.OPEN and problem.resolved_at is None
    services.resolve_problem(problem, "批复已下达", user=world.assessed_a)
    services.confirm_problem(problem, user=world.assessed_a)
    assert problem.status == ProblemStatus.CLOSED
    actions = list(AuditEntry.objects.of_type("projects.problem").values_list("action", flat=True))
    assert sorted(actions) == sorted(["create", "update", "return", "update", "approve"])


# ---- daily warnings ------------------------------------------------------------------------


def test_the_daily_run_stores_levels_with_reasons_and_the_action_list(world):
    late = ProjectFactory(unit=world.district_a, milestones={"started": (D(2026, 6, 1), None)})
    due = ProjectFactory(unit=world.district_b, milestones={"started": (D(2026, 11, 20), None)}, year_plan=Decimal(0))
    fine = ProjectFactory(unit=world.district_b, milestones={"started": (D(2026, 12, 20), None)}, year_plan=Decimal(0))
    counts = services.run_warnings(D(2026, 11, 10))
    assert counts["red"] == 1 and counts["yellow"] == 1 and counts["green"] == 1
    stored = {w.project_id: w for w in ProjectWarning.objects.filter(date=D(2026, 11, 10))}
    assert stored[late.pk].level == "red"
    assert [r["code"] for r in stored[late.pk].reasons] == ["start", "invest"]
    assert stored[due.pk].level == "yellow" and stored[fine.pk].level == "green"
    late.refresh_from_db()
    assert late.warning_level == "red"
    targets = set(ActionItem.objects.filter(project=late).values_list("target", "addressee", "due_on"))
    assert targets == {
        ("owner_unit", "甲区", D(2026, 11, 17)),
        ("leader", "王副市长", D(2026, 11, 15)),
        ("city_leader", "分管市领导", D(2026, 11, 13)),
    }
    assert list(ActionItem.objects.filter(project=due).values_list("target", flat=True)) == ["owner_unit"]
    # running again the same day replaces, never duplicates
    services.run_warnings(D(2026, 11, 10))
    assert ProjectWarning.objects.filter(date=D(2026, 11, 10)).count() == 3
    assert ActionItem.objects.filter(project=late).count() == 3


def test_two_yellows_in_consecutive_months_reach_the_responsible_leader(world):
    # started 2026-09-20, not in the statistics: yellow from 10-20, red from 11-20
    project = ProjectFactory(
        unit=world.district_a, milestones={"started": (D(2026, 9, 20), D(2026, 9, 20))}, year_plan=Decimal(0)
    )
    services.run_warnings(D(2026, 10, 25))
    assert list(ActionItem.objects.filter(project=project).values_list("target", flat=True)) == ["owner_unit"]
    services.run_warnings(D(2026, 11, 10))
    targets = set(ActionItem.objects.filter(project=project, date=D(2026, 11, 10)).values_list("target", flat=True))
    assert targets == {"owner_unit", "leader"}


def test_the_management_command_runs_the_warnings_for_a_given_day(world, capsys):
    ProjectFactory(unit=world.district_a, milestones={"started": (D(2026, 6, 1), None)})
    call_command("projects_warnings", "--date", "2026-11-10")
    assert "red=1" in capsys.readouterr().out
    assert ProjectWarning.objects.filter(date=D(2026, 11, 10), level="red").count() == 1


def test_figures_from_the_database_count_a_town_project_for_its_district(world):
    ProjectFactory(unit=world.towns_a[0], milestones={"started": (D(2026, 3, 1), D(2026, 3, 1))})
    ProjectFactory(unit=world.district_a, milestones={"started": (D(2026, 3, 1), None)})
    figures = unit_figures(2026, 6, city=world.city)
    got = {(u, i): v for u, i, v, _ in figures.iter_rows()}
    assert got[("C-A", "proj_count")] == 2
    assert got[("C-A", "proj_start_rate")] == 50.0
    assert got[("C-B", "proj_count")] == 0


def test_the_daily_task_runs_the_warnings_and_the_problem_escalation(world):
    from kaohe.projects.tasks import daily_warnings

    ProjectFactory(unit=world.district_a, milestones={"started": (D(2026, 6, 1), None)})
    result = daily_warnings.enqueue(date="2026-11-10")
    assert result.return_value["red"] == 1
    assert "problems_escalated" in result.return_value
    assert ProjectWarning.objects.filter(date=D(2026, 11, 10)).count() == 1


# ---- the change log ------------------------------------------------------------------------


def test_every_change_to_a_project_and_its_reports_and_problems_is_one_query(world, django_assert_num_queries):
    from kaohe.audit.services import changes_under

    project = ProjectFactory(unit=world.district_a)
    other = ProjectFactory(unit=world.district_b)
    services.update_project(project, {"name": "新名称"}, user=world.office, reason="更名")
    report = services.submit_report(project, 2026, 1, 100, user=world.assessed_a)
    services.confirm_report(report, user=world.office)
    problem = services.raise_problem(project, "用地未批", user=world.office)
    services.submit_report(other, 2026, 1, 5, user=world.assessed_b)  # another project's: not in the history
    with django_assert_num_queries(1):
        entries = list(changes_under(project))
    # create and update the project, submit and confirm its report, raise a problem: 5 entries
    assert [(e.object_type_name, e.action) for e in reversed(entries)] == [
        ("projects.project", "create"), ("projects.project", "update"), ("projects.monthlyreport", "submit"), ("projects.monthlyreport", "approve"),
        ("projects.problem", "create")]
    child = entries[0]
    assert (child.object_id, child.related_object_id, child.object_unit) == (problem.pk, project.pk, world.district_a)
    # The report's unit is the project's unit, whoever acted (the city office confirmed it).
    confirm = entries[1]
    assert (confirm.object_unit, confirm.actor_unit) == (world.district_a, world.city)


# ---- notifications -----------------------------------------------------------------------


def test_a_new_problem_reaches_the_assigned_units_inbox_and_an_overdue_one_its_leaders(world):
    from kaohe.notifications.models import Notification

    leader_a = world.leader_a
    project = ProjectFactory(unit=world.district_a)
    raised = timezone.make_aware(dt.datetime(2026, 3, 2, 9))
    services.raise_problem(project, "用地指标未落实", user=world.office, now=raised)
    # Everyone in the assigned unit (甲区: its assessed-unit user, its leader and its office).
    told = Notification.objects.filter(kind="problem").order_by("recipient__username")
    assert [n.recipient for n in told] == [world.assessed_a, leader_a, world.office_a]
    assert told[0].title == "新问题待办：用地指标未落实"
    assert "2026-03-02 17:30" in told[0].body  # 事不过夜: by 17:30 of Monday 3/2, the day it was raised
    # 3/4 10:00: 9 working hours overdue (3/3 7.5 h + 1.5 h), under 2 working days: level 1, the
    # district's leaders; the city leader only at level 2.
    services.escalate_overdue_problems(raised + dt.timedelta(hours=24 + 25))
    escalated = Notification.objects.filter(kind="problem", title__startswith="问题逾期")
    assert [n.recipient for n in escalated] == [leader_a] and "升级至责任领导督办" in escalated[0].body


def test_the_daily_run_sends_one_digest_per_addressee_and_a_rerun_sends_none(world):
    from kaohe.notifications.models import Notification

    leader_a = world.leader_a
    ProjectFactory(unit=world.district_a, name="甲区迟开工项目", milestones={"started": (D(2026, 6, 1), None)})
    ProjectFactory(unit=world.district_b, milestones={"started": (D(2026, 11, 20), None)}, year_plan=Decimal(0))
    services.run_warnings(D(2026, 11, 10))
    # red 甲区 project → 甲区's people, 甲区's leaders, the city's leaders; yellow 乙区 project → 乙区's people.
    told = {n.recipient.username: n for n in Notification.objects.filter(kind="warning")}
    assert set(told) == {"assessed_a", leader_a.username, "office_a", "leader", "assessed_b", "leader_b", "office_b"}
    assert told["assessed_a"].title == "2026-11-10 项目预警：1个项目需督办"
    assert told["assessed_a"].body == "甲区迟开工项目：红色预警，请于2026-11-17前督办"
    services.run_warnings(D(2026, 11, 10))
    assert Notification.objects.filter(kind="warning").count() == 7  # one each, none added by the re-run
