"""Every page × every role, the outsiders included: out of scope is 404, in scope but not allowed 403."""

import io

import pytest
from django.urls import reverse
from docx import Document

from kaohe.supervision import services
from kaohe.supervision.models import Bulletin, TaskState
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db

ROLES = ["office", "leader", "office_a", "leader_a", "assessed_a", "district_submitter_a", "assessed_town_a", "submitter",
         "office_b", "leader_b", "assessed_b", "district_submitter_b", "assessed_town_b", "anonymous"]


@pytest.fixture
def city_task(sv):
    return sv.make("市级交办：城东片区", co_units=[sv.stats_bureau], now=at(2025, 9, 22))


BOARD = {"office": 200, "leader": 200, "office_a": 200, "leader_a": 200, "office_b": 200, "leader_b": 200,
         "assessed_a": 403, "district_submitter_a": 403, "assessed_town_a": 403, "submitter": 403, "assessed_b": 403,
         "district_submitter_b": 403, "assessed_town_b": 403, "anonymous": 302}
TASK = {"office": 200, "leader": 200, "office_a": 200, "leader_a": 200, "assessed_a": 200, "district_submitter_a": 200,
        "submitter": 200, "assessed_town_a": 404, "office_b": 404, "leader_b": 404, "assessed_b": 404,
        "district_submitter_b": 404, "assessed_town_b": 404, "anonymous": 302}


@pytest.mark.parametrize("role", ROLES)
def test_board_overview_documents_bulletins(sv, client_for, city_task, role):
    client = client_for(sv.users[role])
    for name in ("supervision:board", "supervision:overview", "supervision:documents", "supervision:bulletin_list"):
        assert client.get(reverse(name)).status_code == BOARD[role], (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_task_page_and_its_documents(sv, client_for, city_task, role):
    client = client_for(sv.users[role])
    assert client.get(reverse("supervision:task", args=[city_task.pk])).status_code == TASK[role]
    doc = city_task.documents.get()
    response = client.get(reverse("supervision:document", args=[doc.pk]))
    assert response.status_code == TASK[role]
    if TASK[role] == 200:
        assert "督交〔2025〕1号" in "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


@pytest.mark.parametrize("role", ROLES)
def test_inbox_lists_only_the_units_own(sv, client_for, city_task, role):
    response = client_for(sv.users[role]).get(reverse("supervision:inbox"))
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    listed = city_task.title in response.content.decode()
    # lead unit 甲区 (its people, not the town's nor 甲区统计局's), co-unit 市统计局 (its submitter)
    assert listed == (role in ("assessed_a", "office_a", "leader_a", "submitter")), role


SIGN = {"assessed_a": 302, "district_submitter_a": 403, "office_a": 302, "office": 403, "leader": 403, "leader_a": 403,
        "submitter": 403, "assessed_town_a": 404, "office_b": 404, "leader_b": 404, "assessed_b": 404,
        "district_submitter_b": 404, "assessed_town_b": 404}


@pytest.mark.parametrize("role", list(SIGN))
def test_sign_only_by_the_lead_unit(sv, client_for, city_task, role):
    response = client_for(sv.users[role]).post(reverse("supervision:sign", args=[city_task.pk]))
    assert response.status_code == SIGN[role]
    city_task.refresh_from_db()
    assert (city_task.state == TaskState.IN_PROGRESS) == (SIGN[role] == 302)


REVIEW = {"office": 302, "office_a": 403, "leader": 403, "assessed_a": 403, "submitter": 403, "office_b": 404, "leader_b": 404}


@pytest.mark.parametrize("role", list(REVIEW))
def test_review_only_by_the_office_that_set_it(sv, client_for, city_task, role):
    services.sign_task(city_task, user=sv.assessed_a, now=at(2025, 9, 23))
    services.submit_report(city_task, "完成", user=sv.assessed_a, now=at(2025, 10, 9))
    response = client_for(sv.users[role]).post(reverse("supervision:review", args=[city_task.pk]), {"action": "close"})
    assert response.status_code == REVIEW[role]
    city_task.refresh_from_db()
    assert (city_task.state == TaskState.CLOSED) == (REVIEW[role] == 302)


def test_co_unit_reports_progress_but_does_not_sign(sv, client_for, city_task):
    services.sign_task(city_task, user=sv.assessed_a, now=at(2025, 9, 23))
    client = client_for(sv.submitter)
    assert client.post(reverse("supervision:progress", args=[city_task.pk]), {"text": "统计口径已核对"}).status_code == 302
    assert city_task.events.filter(kind="progress").count() == 1
    assert client.post(reverse("supervision:finish", args=[city_task.pk]), {"text": "x"}).status_code == 403


def test_a_district_office_sees_only_its_tasks(sv, client_for):
    mine = services.create_task("manual", title="甲区自行督办", lead_unit=sv.towns_a[0], user=sv.office_a, assign=True,
                                now=at(2025, 9, 22))
    theirs = services.create_task("manual", title="乙区自行督办", lead_unit=sv.towns_b[0], user=sv.office_b, assign=True,
                                  now=at(2025, 9, 22))
    assert mine.office_unit == sv.district_a
    board_a = client_for(sv.office_a).get(reverse("supervision:board")).content.decode()
    assert "甲区自行督办" in board_a and "乙区自行督办" not in board_a
    board_city = client_for(sv.office).get(reverse("supervision:board")).content.decode()
    assert "甲区自行督办" in board_city and "乙区自行督办" in board_city
    assert client_for(sv.office_a).get(reverse("supervision:task", args=[theirs.pk])).status_code == 404
    assert client_for(sv.assessed_town_a).get(reverse("supervision:task", args=[mine.pk])).status_code == 200
    assert client_for(sv.assessed_town_b).get(reverse("supervision:task", args=[mine.pk])).status_code == 404


# Supervision is every role's module (the 督办 inbox): a page without an object that a role may not
# use is refused (403), not hidden (404), as the enterprise import is.
NEW = {"office": 200, "office_a": 200, "office_b": 200, "leader": 403, "leader_a": 403, "assessed_a": 403, "submitter": 403,
       "anonymous": 302}


@pytest.mark.parametrize("role", list(NEW))
def test_new_and_import_pages_for_offices_only(sv, client_for, role):
    client = client_for(sv.users[role])
    assert client.get(reverse("supervision:new")).status_code == NEW[role]
    assert client.get(reverse("supervision:import")).status_code == NEW[role]


@pytest.mark.parametrize("role", ["leader", "leader_a"])
def test_a_leader_reads_the_bulletin_draft_but_may_not_issue_it(sv, client_for, role):
    client = client_for(sv.users[role])
    assert client.get(reverse("supervision:bulletin"), {"period": "2025-09"}).status_code == 200
    assert client.post(reverse("supervision:bulletin"), {"period": "2025-09", "title": "通报", "body": "正文"}).status_code == 403
    assert not Bulletin.objects.exists()


def test_create_from_the_form_then_one_click_from_a_source_links_back(sv, client_for):
    client = client_for(sv.office)
    response = client.post(reverse("supervision:new"), {"title": "会议确定事项", "source_kind": "meeting", "lead_unit": sv.district_a.pk,
                                                        "co_units": [sv.stats_bureau.pk], "assign": "on", "source_ref": "第3次常务会"})
    assert response.status_code == 302
    from kaohe.supervision.models import Task

    task = Task.objects.get(title="会议确定事项")
    assert task.state == TaskState.ASSIGNED and task.limit_workdays == 20 and list(task.co_units.all()) == [sv.stats_bureau]
    # from a source object: the form is pre-filled; the second click goes to the same task
    spec = f"orgs.orgunit:{sv.zone.pk}"
    page = client.get(reverse("supervision:new") + f"?source={spec}")
    assert page.status_code == 200
    made = client.post(reverse("supervision:new") + f"?source={spec}", {"title": "开发区事项", "source_kind": "manual",
                                                                          "lead_unit": sv.zone.pk})
    assert made.status_code == 302
    again = client.get(reverse("supervision:new") + f"?source={spec}")
    assert again.status_code == 302 and again["Location"] == made["Location"]
    # a source out of the office's scope is a 404
    assert client_for(sv.office_a).get(reverse("supervision:new") + f"?source=orgs.orgunit:{sv.district_b.pk}").status_code == 404


def test_board_filters_and_export(sv, client_for, city_task):
    sv.make("批示事项", source_kind="instruction", urgency="urgent", now=at(2025, 9, 22))
    client = client_for(sv.office)
    page = client.get(reverse("supervision:board"), {"source": "instruction"}).content.decode()
    assert "批示事项" in page and "市级交办：城东片区" not in page
    response = client.get(reverse("supervision:board"), {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    from kaohe.lib.tabular import read_workbook

    sheet = read_workbook(response.content, "x.xlsx").first
    titles = [r.values[1] for r in sheet.rows[1:]]
    assert sorted(titles) == ["市级交办：城东片区", "批示事项"]


def test_one_click_from_an_escalated_problem_on_the_board(sv, client_for):
    from kaohe.projects import services as project_services

    project = project_services.create_project({"code": "XM-9", "name": "甲区装备园", "unit": sv.district_a, "total_investment": 10000,
                                               "year": 2025, "year_plan": 5000, "leader_name": "周副市长"}, user=sv.office)
    problem = project_services.raise_problem(project, "施工用电未接入", user=sv.assessed_a, now=at(2025, 9, 22, 9))
    project_services.escalate_overdue_problems(now=at(2025, 9, 24, 9))
    client = client_for(sv.office)
    board = client.get(reverse("supervision:board")).content.decode()
    assert "施工用电未接入" in board and "一键督办" in board
    spec = f"projects.problem:{problem.pk}"
    assert client_for(sv.office_b).post(reverse("supervision:quick_create"), {"source": spec}).status_code == 404
    assert client_for(sv.assessed_a).post(reverse("supervision:quick_create"), {"source": spec}).status_code == 404
    first = client.post(reverse("supervision:quick_create"), {"source": spec})
    assert first.status_code == 302
    task = services.task_for(problem)
    assert task.state == TaskState.ASSIGNED and task.lead_unit == sv.district_a and task.leader_name == "周副市长"
    assert client.post(reverse("supervision:quick_create"), {"source": spec})["Location"] == first["Location"]
    assert "施工用电未接入" not in client.get(reverse("supervision:board")).content.decode().split("task-table")[0].split("candidates")[-1]
    page = client.get(reverse("supervision:task", args=[task.pk])).content.decode()
    assert f'href="/projects/{project.pk}/"' in page  # links back


def test_the_overviews_on_time_rate_rounds_half_away_from_zero(sv, client_for):
    """1 of 8 closed on time is 12.5% → 13% (四舍五入; Python's round gave 12%)."""
    from django.utils import timezone

    from kaohe.supervision.models import Task

    made = [sv.make(f"市级交办：第{i}项", now=at(2025, 9, 22)) for i in range(8)]
    year = timezone.localdate().year
    Task.objects.filter(pk__in=[t.pk for t in made]).update(year=year, state=TaskState.CLOSED, on_time=False)
    Task.objects.filter(pk=made[0].pk).update(on_time=True)
    response = client_for(sv.users["office"]).get(reverse("supervision:overview"))
    [row] = [u for u in response.context["by_unit"] if u["closed"] == 8]
    assert (row["ontime"], row["rate"]) == (1, 13)
    assert "13%" in response.content.decode()
