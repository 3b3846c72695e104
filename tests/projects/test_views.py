"""Pages and actions as owner (甲区), member (乙区 — another unit), office, leader and outsider."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from kaohe.projects import services
from kaohe.projects.models import MonthlyReport, Problem, ProblemStatus, SavedView
from tests.projects.factories import ProjectFactory

D = dt.date


@pytest.fixture
def w(org_world):
    w = org_world
    w.project = ProjectFactory(
        unit=w.district_a, name="甲区智能制造产业园", milestones={"started": (D(2026, 6, 1), None)}
    )
    w.other = ProjectFactory(unit=w.district_b, name="乙区物流园", year_plan=Decimal(0))
    services.run_warnings(D(2026, 11, 10))
    return w


def _status(client_for, user, method, url, data=None):
    client = client_for(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


EVERYONE = {"office", "leader", "assessed_a", "assessed_b", "submitter", "office_a", "leader_a", "office_b", "leader_b",
            "assessed_town_a", "district_submitter_a"}
# Who finds 甲区's project at all: the city's people and 甲区's (its office, leader, own unit and
# its statistics bureau's submitter); 乙区's and 甲区's town (a unit below the project's) do not.
FINDS_A = {"office", "leader", "submitter", "assessed_a", "office_a", "leader_a", "district_submitter_a"}
HIDDEN_A = EVERYONE - FINDS_A

# (url name, args, method, who may, who does not find it: 404) — everyone else: 403; anonymous: login
PAGES = [
    ("projects:list", [], "get", EVERYONE, set()),
    ("projects:kanban", [], "get", EVERYONE, set()),
    ("projects:board", [], "get", {"office", "leader", "office_a", "leader_a", "office_b", "leader_b"}, set()),
    ("projects:detail", ["project"], "get", FINDS_A, HIDDEN_A),
    ("projects:portfolio", ["C-A"], "get", FINDS_A, HIDDEN_A),
    ("projects:letter", ["project"], "get", {"office", "leader", "office_a", "leader_a"}, HIDDEN_A),
    ("projects:export", [], "get", EVERYONE, set()),
    ("projects:import", ["projects"], "get", {"office", "office_a", "office_b"}, set()),
    ("projects:import", ["reports"], "get", {"office", "office_a", "office_b", "assessed_a", "assessed_b", "assessed_town_a"}, set()),
    ("reports:projects_bulletin", [2026, 10, "docx"], "get", {"office", "leader", "office_a", "leader_a", "office_b", "leader_b"}, set()),
]
# The same for the writes on 甲区's project (POST; a success redirects: 302).
ACTIONS = [
    ("projects:submit_report", ["project"], {"year": 2026, "month": 10, "invest_month": "500"}, {"office", "office_a", "assessed_a"}),
    ("projects:raise_problem", ["project"], {"title": "施工用电未接入"}, {"office", "office_a", "assessed_a"}),
    ("projects:confirm_report", ["report"], {"action": "confirm"}, {"office", "office_a"}),
    # assigned to 甲区: its office, the city's, and 甲区's own people — not the city bureau's submitter
    ("projects:resolve_problem", ["problem"], {"resolution": "已接入"}, {"office", "office_a", "assessed_a"}),
    ("projects:confirm_problem", ["resolved"], {"action": "accept"}, {"office", "office_a", "assessed_a"}),
]
ROLES = [*sorted(EVERYONE), "anonymous"]


@pytest.mark.parametrize(("name", "args", "method", "allowed", "hidden"), PAGES, ids=[f"{p[0]}{p[1]}" for p in PAGES])
def test_every_page_checks_who_may_see_it(w, client_for, name, args, method, allowed, hidden):
    url = reverse(name, args=[w.project.pk if a == "project" else a for a in args])
    for role in ROLES:
        code = _status(client_for, w.users[role], method, url)
        if role == "anonymous":
            assert code == 302, (role, url)
        else:
            assert code == (200 if role in allowed else 404 if role in hidden else 403), (role, url, code)


@pytest.mark.parametrize(("name", "args", "data", "allowed"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_every_action_on_a_project_checks_who_may_do_it(w, client_for, name, args, data, allowed):
    report = services.submit_report(w.project, 2026, 9, Decimal("100"), user=w.assessed_a)
    problem = services.raise_problem(w.project, "施工用电未接入", user=w.assessed_a)
    resolved = services.raise_problem(w.project, "道路未通", user=w.assessed_a)
    services.resolve_problem(resolved, "已通", user=w.assessed_a)
    objects = {"project": w.project, "report": report, "problem": problem, "resolved": resolved}
    url = reverse(name, args=[objects[a].pk for a in args])
    # Refusals first (they change nothing), then the roles allowed to act.
    for role in sorted(ROLES, key=lambda r: r in allowed):
        code = _status(client_for, w.users[role], "post", url, data)
        if role == "anonymous":
            assert code == 302, (role, url)
        else:
            assert code == (302 if role in allowed else 404 if role in HIDDEN_A else 403), (role, url, code)


def test_the_list_shows_only_projects_in_the_users_scope(w, client_for):
    page = client_for(w.assessed_b).get(reverse("projects:list")).content.decode()
    assert "乙区物流园" in page and "甲区智能制造产业园" not in page
    page = client_for(w.office).get(reverse("projects:list")).content.decode()
    assert "乙区物流园" in page and "甲区智能制造产业园" in page


def test_the_list_filters_by_unit_warning_and_size(w, client_for):
    client = client_for(w.office)
    page = client.get(reverse("projects:list"), {"unit": "C-B"}).content.decode()
    assert "乙区物流园" in page and "甲区智能制造产业园" not in page
    page = client.get(reverse("projects:list"), {"warning": "red"}).content.decode()
    assert "甲区智能制造产业园" in page and "乙区物流园" not in page
    page = client.get(reverse("projects:list"), {"size": "1e9"}).content.decode()
    assert "没有符合条件的项目" in page


def test_a_saved_view_keeps_the_filter_for_its_user(w, client_for):
    client = client_for(w.office)
    response = client.post(reverse("projects:save_view"), {"name": "红灯", "querystring": "warning=red"})
    assert response.status_code == 302
    view = SavedView.objects.get(user=w.office)
    assert view.querystring == "warning=red"
    assert "红灯" in client.get(reverse("projects:list")).content.decode()
    assert client_for(w.leader).post(reverse("projects:delete_view", args=[view.pk])).status_code == 404


def test_the_board_shows_reasons_in_words(w, client_for):
    page = client_for(w.leader).get(reverse("projects:board")).content.decode()
    assert "甲区智能制造产业园" in page
    assert "计划2026-06-01开工，逾期5个月仍未开工" in page


def test_the_owner_reports_a_month_and_the_office_confirms_it(w, client_for):
    url = reverse("projects:submit_report", args=[w.project.pk])
    data = {"year": 2026, "month": 10, "invest_month": "500", "progress": "桩基施工", "issues": ""}
    assert client_for(w.assessed_b).post(url, data).status_code == 404
    assert client_for(w.leader).post(url, data).status_code == 403
    assert client_for(w.anonymous).post(url, data).status_code == 302
    assert not MonthlyReport.objects.exists()
    assert client_for(w.assessed_a).post(url, data).status_code == 302
    report = MonthlyReport.objects.get()
    assert report.invest_ytd == Decimal("500") and report.submitted_by == w.assessed_a
    confirm = reverse("projects:confirm_report", args=[report.pk])
    assert client_for(w.assessed_a).post(confirm, {"action": "confirm"}).status_code == 403
    assert client_for(w.office).post(confirm, {"action": "confirm"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "confirmed"


def test_a_report_with_a_bad_month_is_refused_with_a_message(w, client_for):
    client = client_for(w.assessed_a)
    url = reverse("projects:submit_report", args=[w.project.pk])
    response = client.post(url, {"year": 2026, "month": 13, "invest_month": "5"}, follow=True)
    assert "月份" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_a_problem_is_raised_resolved_and_confirmed_by_the_right_people(w, client_for):
    raise_url = reverse("projects:raise_problem", args=[w.project.pk])
    assert client_for(w.assessed_b).post(raise_url, {"title": "用电"}).status_code == 404
    assert client_for(w.assessed_a).post(raise_url, {"title": "施工用电未接入"}).status_code == 302
    problem = Problem.objects.get()
    assert problem.raised_by == w.assessed_a
    resolve = reverse("projects:resolve_problem", args=[problem.pk])
    assert client_for(w.assessed_b).post(resolve, {"resolution": "x"}).status_code == 404
    assert client_for(w.assessed_a).post(resolve, {"resolution": "供电公司已接入"}).status_code == 302
    confirm = reverse("projects:confirm_problem", args=[problem.pk])
    assert client_for(w.assessed_b).post(confirm, {"action": "accept"}).status_code == 404
    assert client_for(w.leader).post(confirm, {"action": "accept"}).status_code == 403
    assert client_for(w.assessed_a).post(confirm, {"action": "accept"}).status_code == 302
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.CLOSED


def test_the_supervision_letter_names_the_project_the_reasons_and_who_must_act(w, client_for):
    response = client_for(w.office).get(reverse("projects:letter", args=[w.project.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "重大项目督办函" in text
    assert "甲区：" in text
    assert "甲区智能制造产业园" in text and "红灯项目" in text
    assert "计划2026-06-01开工，逾期5个月仍未开工" in text
    table = Document(io.BytesIO(response.content)).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["督办对象", "责任人/单位", "完成时限"]
    assert ["分管市领导", "分管市领导", "2026年11月13日"] in rows
    assert ["挂包领导", "王副市长", "2026年11月15日"] in rows


def test_the_project_page_shows_timeline_chart_reports_and_history(w, client_for):
    services.submit_report(w.project, 2026, 9, 300, progress="场地平整", user=w.assessed_a)
    page = client_for(w.office).get(reverse("projects:detail", args=[w.project.pk])).content.decode()
    assert 'id="timeline"' in page and "2026-06-01" in page
    assert 'id="invest-opts"' in page and "序时进度" in page
    assert "场地平整" in page
    assert "变更记录" in page


def test_the_board_speaks_english_with_english_reasons(w, client_for):
    client = client_for(w.leader)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("projects:board"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Warnings by unit" in page
    assert "planned to start on 2026-06-01, still not started 5 months later" in page


def test_an_approval_past_its_time_limit_is_flagged_on_the_project_page(w, client_for):
    from kaohe.projects.models import ApprovalNode

    stage = w.project.stage_set.stages.get(code="landed")
    ApprovalNode.objects.create(project=w.project, stage=stage, name="建设用地规划许可", time_limit_days=20,
                                started_on=D(2026, 1, 5))
    ApprovalNode.objects.create(project=w.project, stage=stage, name="施工许可", time_limit_days=7,
                                started_on=D(2026, 1, 5), done_on=D(2026, 1, 9))
    page = client_for(w.assessed_a).get(reverse("projects:detail", args=[w.project.pk])).content.decode()
    assert "建设用地规划许可" in page and "施工许可" in page
    assert page.count("超时限") == 1


def test_a_city_bureau_submitter_resolves_only_the_problems_assigned_to_its_bureau(w, client_for):
    # The 统计局 submitter sees every district's projects (its scope is the city) …
    on_district = services.raise_problem(w.project, "施工用电未接入", user=w.assessed_a)
    on_bureau = services.raise_problem(w.project, "统计口径待确认", user=w.assessed_a, assigned_unit=w.stats_bureau)
    client = client_for(w.submitter)
    # … but may not close a problem assigned to 甲区 (before: 302, the problem went to 已办结) …
    assert client.post(reverse("projects:resolve_problem", args=[on_district.pk]), {"resolution": "x"}).status_code == 403
    on_district.refresh_from_db()
    assert on_district.status == ProblemStatus.OPEN
    # … only the one assigned to its own bureau.
    assert client.post(reverse("projects:resolve_problem", args=[on_bureau.pk]), {"resolution": "已确认口径"}).status_code == 302
    on_bureau.refresh_from_db()
    assert on_bureau.status == ProblemStatus.RESOLVED


def test_a_submitter_cannot_confirm_a_problem_it_did_not_raise(w, client_for):
    problem = services.raise_problem(w.project, "施工用电未接入", user=w.assessed_a)
    services.resolve_problem(problem, "已接入", user=w.assessed_a)
    assert client_for(w.submitter).post(reverse("projects:confirm_problem", args=[problem.pk]), {"action": "accept"}).status_code == 403
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.RESOLVED
