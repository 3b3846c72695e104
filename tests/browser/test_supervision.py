"""Real Chromium through a supervision task: the office sets it up and assigns it, the lead unit
signs for it in its inbox, reports progress (pre-filled), asks for an extension which the office
grants, reports it done, and the office closes it. Screenshots: var/test-output/supervision-*.png."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kaohe.supervision.models import Task, TaskState
from tests.browser.conftest import OUTPUT
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, username):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    return page


def test_assign_sign_report_extend_close(browser, live_server, org_world, work_calendar):
    office = sign_in(browser, live_server, "office")
    office.goto(f"{live_server.url}/supervision/new/")
    office.fill("#id_title", "加快推进城东片区棚户区改造征收扫尾")
    office.fill("#id_content", "6月底前完成剩余12户征收签约")
    office.select_option("#id_source_kind", "meeting")
    office.fill("#id_source_ref", "市政府第15次常务会议纪要")
    office.select_option("#id_lead_unit", label="甲区")
    office.select_option("#id_co_units", label="市统计局")
    office.fill("#id_leader_name", "周副市长")
    office.click("#task-form button[type=submit]")
    office.wait_for_selector("[data-testid=task-state] >> text=待签收")
    task = Task.objects.get()
    assert task.limit_workdays == 20 and task.documents.count() == 1
    office.screenshot(path=str(OUTPUT / "supervision-assigned.png"), full_page=True)

    unit = sign_in(browser, live_server, "assessed_a")
    unit.goto(f"{live_server.url}/supervision/inbox/")
    unit.wait_for_selector("[data-testid=to-sign] >> text=加快推进城东片区棚户区改造征收扫尾")
    unit.screenshot(path=str(OUTPUT / "supervision-inbox.png"), full_page=True)
    unit.click("[data-testid=to-sign] button[type=submit]")
    unit.goto(f"{live_server.url}/supervision/{task.pk}/")
    unit.wait_for_selector("[data-testid=task-state] >> text=办理中")
    unit.fill("#progress-text", "已完成8户签约，剩余4户正在协商")
    unit.fill("#progress-percent", "60")
    unit.click("#progress-form button[type=submit]")
    unit.wait_for_selector("[data-testid=timeline] >> text=已完成8户签约")
    due = timezone.localtime(Task.objects.get().due_at).date()
    later = work_calendar.add_workdays(due, 5)
    unit.fill("#ext-on", later.isoformat())
    unit.fill("#ext-reason", "剩余户涉及遗产继承公证，需延长办理时限")
    unit.click("#extend-form button[type=submit]")
    unit.wait_for_selector("text=延期申请待审批")
    unit.screenshot(path=str(OUTPUT / "supervision-extension-asked.png"), full_page=True)

    office.goto(f"{live_server.url}/supervision/{task.pk}/")
    office.fill("#decide-reason", "情况属实，同意延期")
    office.click("#decide-form button[value=approve]")
    office.wait_for_selector("[data-testid=timeline] >> text=同意延期")
    task.refresh_from_db()
    assert timezone.localtime(task.due_at).date() == later and task.extended_count == 1

    unit.goto(f"{live_server.url}/supervision/{task.pk}/")
    unit.fill("#finish-text", "12户全部签约，征收扫尾完成")
    unit.click("#finish-form button[type=submit]")
    unit.wait_for_selector("[data-testid=task-state] >> text=待审核")

    office.goto(f"{live_server.url}/supervision/{task.pk}/")
    office.click("#review-form button[value=close]")
    office.wait_for_selector("[data-testid=task-state] >> text=已销号")
    office.screenshot(path=str(OUTPUT / "supervision-closed.png"), full_page=True)
    task.refresh_from_db()
    assert task.state == TaskState.CLOSED and task.on_time is True
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds == ["create", "assign", "sign", "progress", "ext_ask", "ext_ok", "report", "close"]
    office.goto(f"{live_server.url}/supervision/")
    office.screenshot(path=str(OUTPUT / "supervision-board.png"), full_page=True)
    unit.close()
    office.close()


def test_one_click_from_an_overdue_problem_and_back(browser, live_server, org_world, work_calendar):
    from kaohe.projects import services as project_services

    w = org_world
    project = project_services.create_project({"code": "XM-1", "name": "甲区智能装备产业园", "unit": w.district_a,
                                               "total_investment": 10000, "year": 2025, "year_plan": 5000,
                                               "leader_name": "周副市长"}, user=w.office)
    problem = project_services.raise_problem(project, "施工用电未接入", user=w.assessed_a,
                                             now=timezone.make_aware(timezone.datetime(2025, 9, 22, 9)))
    office = sign_in(browser, live_server, "office")
    office.goto(f"{live_server.url}/projects/{project.pk}/")
    button = office.locator(f"[data-supervise='projects.problem:{problem.pk}']")
    button.wait_for()
    office.screenshot(path=str(OUTPUT / "supervision-one-click-offered.png"), full_page=True)
    button.click()
    office.wait_for_selector("[data-testid=task-state] >> text=待签收")
    office.wait_for_selector("[data-testid=source-link]")
    office.screenshot(path=str(OUTPUT / "supervision-one-click-task.png"), full_page=True)
    office.click("[data-testid=source-link]")
    office.wait_for_selector("[data-supervision-task]")
    office.screenshot(path=str(OUTPUT / "supervision-one-click-back.png"), full_page=True)
    task = Task.objects.get()
    assert task.state == TaskState.ASSIGNED and task.source_id == problem.pk
    # the district itself sees the task on its project's page, and no button
    unit = sign_in(browser, live_server, "assessed_a")
    unit.goto(f"{live_server.url}/projects/{project.pk}/")
    unit.wait_for_selector(f"[data-supervision-task='{task.pk}']")
    assert unit.locator("[data-supervise]").count() == 0
