"""一键督办 from the pages where the trouble shows — a project's page (a red or yellow project, an overdue
problem) and the 黄灯提醒榜 — only for people the permission module lets set up tasks; the task links
back to its source and the source shows its task."""

import re

import pytest
from django.urls import reverse

from kaohe.supervision import services
from kaohe.supervision.models import SourceKind, TaskState
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(sv):
    from kaohe.projects import services as project_services

    project = project_services.create_project({"code": "XM-7", "name": "甲区装备园", "unit": sv.district_a, "total_investment": 10000,
                                               "year": 2025, "year_plan": 5000, "leader_name": "周副市长"}, user=sv.office)
    # raised Mon 2025-09-22 09:00 with a one-day limit (事不过夜): long overdue today
    problem = project_services.raise_problem(project, "施工用电未接入", user=sv.assessed_a, now=at(2025, 9, 22, 9))
    return project, problem


def _button(page: str, spec: str) -> bool:
    return f'data-supervise="{spec}"' in page


def test_an_overdue_problem_offers_one_click_to_the_offices_only(sv, client_for, overdue, settings):
    project, problem = overdue
    from kaohe.projects.models import Problem

    Problem.objects.filter(pk=problem.pk).update(due_at=at(2025, 9, 23, 9))  # past, whatever today is
    spec = f"projects.problem:{problem.pk}"
    url = reverse("projects:detail", args=[project.pk])
    # the city's office and 甲区's office may set up tasks there; 甲区 itself, the leader and a submitter may not
    for name, offered in (("office", True), ("office_a", True), ("assessed_a", False), ("leader", False), ("leader_a", False)):
        response = client_for(sv.users[name]).get(url)
        assert response.status_code == 200, name
        assert _button(response.content.decode(), spec) is offered, name
    # another district's office does not see the project at all — and cannot post the click either
    assert client_for(sv.office_b).get(url).status_code == 404
    assert client_for(sv.office_b).post(reverse("supervision:quick_create"), {"source": spec}).status_code == 404
    assert client_for(sv.assessed_a).post(reverse("supervision:quick_create"), {"source": spec}).status_code == 404


def test_the_click_sets_up_the_task_with_the_sources_defaults_and_each_links_to_the_other(sv, client_for, overdue):
    project, problem = overdue
    client = client_for(sv.office_a)
    response = client.post(reverse("supervision:quick_create"), {"source": f"projects.problem:{problem.pk}"})
    task = services.task_for(problem)
    assert response.status_code == 302 and response["Location"] == reverse("supervision:task", args=[task.pk])
    # defaults by source: 项目预警/问题 → 10 working days; 甲区's office sets it up; lead = the problem's unit; 交办 at once
    assert task.source_kind == SourceKind.PROJECT and task.limit_workdays == 10
    assert task.office_unit == sv.district_a and task.lead_unit == sv.district_a and task.state == TaskState.ASSIGNED
    assert task.leader_name == "周副市长" and "施工用电未接入" in task.title
    assert "施工用电未接入" in task.content  # pre-filled from what the project holds (最多报一次)
    # the task links back to the project page …
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert f'href="{reverse("projects:detail", args=[project.pk])}"' in page
    # … and the project page shows the task instead of the button, linked for those who see the task
    for name in ("office_a", "assessed_a", "office"):
        detail = client_for(sv.users[name]).get(reverse("projects:detail", args=[project.pk])).content.decode()
        assert f'href="{reverse("supervision:task", args=[task.pk])}"' in detail, name
        assert task.number in detail and not _button(detail, f"projects.problem:{problem.pk}"), name
    # clicking again (a second office, a second tab) opens the same task
    again = client_for(sv.office).post(reverse("supervision:quick_create"), {"source": f"projects.problem:{problem.pk}"})
    assert again["Location"] == response["Location"]
    assert services.tasks_for([problem]) == {("projects.problem", problem.pk): task}


def test_a_problem_on_time_and_a_green_project_offer_nothing(sv, client_for, overdue):
    project, problem = overdue
    from django.utils import timezone

    from kaohe.projects import services as project_services
    from kaohe.projects.models import Project

    project_services.resolve_problem(problem, "已接入", user=sv.assessed_a)  # no longer open
    project_services.raise_problem(project, "道路未硬化", user=sv.assessed_a, now=timezone.now())  # just raised: on time
    Project.objects.filter(pk=project.pk).update(warning_level="green")
    page = client_for(sv.office).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "一键督办" not in page


def test_a_red_project_offers_one_click_on_its_page(sv, client_for, overdue):
    project, _problem = overdue
    from kaohe.projects.models import Project

    Project.objects.filter(pk=project.pk).update(warning_level="red")
    page = client_for(sv.office).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert _button(page, f"projects.project:{project.pk}")
    client_for(sv.office).post(reverse("supervision:quick_create"), {"source": f"projects.project:{project.pk}"})
    task = services.task_for(project)
    assert task.title == "重大项目 XM-7 甲区装备园" and task.lead_unit == sv.district_a and task.office_unit == sv.city


def test_at_the_burden_ceiling_the_click_leads_to_the_form_that_asks_to_confirm(sv, client_for, overdue, settings):
    project, problem = overdue
    settings.KAOHE_SUPERVISION = {"report_ceiling": 1}
    from django.utils import timezone

    sv.make("本月已交办一件", now=timezone.now())  # 甲区 has one demand this month: at the ceiling of 1
    spec = f"projects.problem:{problem.pk}"
    response = client_for(sv.office).post(reverse("supervision:quick_create"), {"source": spec})
    assert response.status_code == 302 and response["Location"].startswith(reverse("supervision:new") + "?source=projects.problem")
    assert services.task_for(problem) is None


def test_the_yellow_lights_offer_one_click_and_show_their_task(sv, client_for):
    from tests.results.fixtures import build_scored

    scored = build_scored(sv)
    from kaohe.results.models import Flag

    # February's 黄灯: 丙区 last on 争先榜, 丁区 last on 龙虎榜
    yellow = Flag.objects.filter(run=scored.feb, kind="yellow").order_by("unit_code")
    assert [f.unit_code for f in yellow] == ["C-C", "C-D"]
    url = reverse("results:flags") + f"?run={scored.feb.pk}"
    page = client_for(sv.office).get(url).content.decode()
    assert all(_button(page, f"results.flag:{f.pk}") for f in yellow)
    assert "一键督办" not in client_for(sv.leader).get(url).content.decode()
    first = yellow[0]
    client_for(sv.office).post(reverse("supervision:quick_create"), {"source": f"results.flag:{first.pk}"})
    task = services.task_for(first)
    assert task.source_kind == SourceKind.ASSESSMENT and task.limit_workdays == 20 and task.lead_unit.code == "C-C"
    page = client_for(sv.office).get(url).content.decode()
    assert f'href="{reverse("supervision:task", args=[task.pk])}"' in page and not _button(page, f"results.flag:{first.pk}")
    assert _button(page, f"results.flag:{yellow[1].pk}")
    # the leader sees the task (in scope) but gets no button
    leader_page = client_for(sv.leader).get(url).content.decode()
    assert task.number in leader_page and len(re.findall(r"data-supervise=", leader_page)) == 0
