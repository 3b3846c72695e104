"""Real Chromium through the major-project flows: report a month, raise and close a problem,
see a project turn yellow. Screenshots: var/test-output/projects-*.png (look at them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from kaohe.projects.models import MonthlyReport, Problem, ProblemStatus
from tests.browser.conftest import OUTPUT
from tests.factories import PASSWORD
from tests.projects.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date


@pytest.fixture
def project(org_world):
    return ProjectFactory(
        unit=org_world.district_a,
        name="甲区智能装备产业园",
        milestones={"signed": (D(2025, 12, 1), D(2025, 12, 1)), "started": (D(2026, 11, 20), None)},
        year_plan=Decimal(0),
    )


def sign_in(browser, live_server, username):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state()
    return page


def test_the_owner_unit_reports_a_months_progress(browser, live_server, project):
    page = sign_in(browser, live_server, "assessed_a")
    page.goto(f"{live_server.url}/projects/")
    page.get_by_role("link", name="甲区智能装备产业园").click()
    page.fill("#report-form input[name=year]", "2026")
    page.fill("#report-form input[name=month]", "10")
    page.fill("#report-form input[name=invest_month]", "1200")
    page.fill("#report-form textarea[name=progress]", "桩基施工完成60%")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#reports >> text=桩基施工完成60%")
    assert "已报送2026年10月进展" in page.content()
    report = MonthlyReport.objects.get(project=project)
    assert (report.month, report.invest_month) == (10, Decimal("1200"))
    page.wait_for_selector(".chart canvas, .chart svg", state="attached", timeout=10000)
    page.screenshot(path=str(OUTPUT / "projects-report.png"), full_page=True)
    page.close()


def test_a_problem_is_raised_resolved_and_closed_by_its_raiser(browser, live_server, project):
    page = sign_in(browser, live_server, "assessed_a")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.fill("#problem-form input[name=title]", "施工用电未接入")
    page.click("#problem-form button[type=submit]")
    page.wait_for_selector("#problems >> text=施工用电未接入")
    page.fill("#problems input[name=resolution]", "供电公司已完成接入")
    page.get_by_role("button", name="办结").click()
    page.wait_for_selector("#problems >> text=已办结待确认")
    page.screenshot(path=str(OUTPUT / "projects-problem-resolved.png"), full_page=True)
    page.get_by_role("button", name="确认销号").click()
    page.wait_for_selector("#problems >> text=已销号")
    page.screenshot(path=str(OUTPUT / "projects-problem-closed.png"), full_page=True)
    problem = Problem.objects.get(project=project)
    assert problem.status == ProblemStatus.CLOSED and problem.resolution == "供电公司已完成接入"
    page.close()


def test_a_leader_sees_a_project_turn_yellow_with_its_reason(browser, live_server, project):
    call_command("projects_warnings", "--date", "2026-10-31")  # the start is next month: green
    page = sign_in(browser, live_server, "leader")
    page.goto(f"{live_server.url}/projects/board/")
    assert "没有红灯或黄灯项目" in page.content()
    call_command("projects_warnings", "--date", "2026-11-01")  # due this month, not started: yellow
    page.reload()
    row = page.locator("tr", has_text="甲区智能装备产业园")
    assert row.locator(".light-yellow").count() == 1
    assert "计划本月（2026-11-20）开工，尚未开工" in row.inner_text()
    page.screenshot(path=str(OUTPUT / "projects-board.png"), full_page=True)
    page.get_by_role("link", name="甲区智能装备产业园").click()
    page.wait_for_selector("#warning-reasons")
    assert "属地单位" in page.locator("#warning-reasons").inner_text()
    page.wait_for_selector(".chart canvas, .chart svg", state="attached", timeout=10000)
    page.screenshot(path=str(OUTPUT / "projects-yellow-project.png"), full_page=True)
    page.close()
