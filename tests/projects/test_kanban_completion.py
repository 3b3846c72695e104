"""阶段看板 and 竣工率 by one rule: a project is 竣工 when its 竣工 stage has an actual date. A project
whose 竣工 is still planned stays 开工 even with a 列统 date, so no column past 竣工 holds it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.projects import figures
from kaohe.projects.data import project_frame, unit_figures
from kaohe.projects.models import Project
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def three(org_world, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    a = org_world.district_a
    started = {"started": (dt.date(2026, 2, 1), dt.date(2026, 2, 3))}
    # 1: finished in September, in the statistics in October → 列统 (and 竣工)
    done_listed = ProjectFactory(unit=a, milestones={**started, "completed": (dt.date(2026, 9, 30), dt.date(2026, 9, 20)),
                                                     "in_stats": (None, dt.date(2026, 10, 10))})
    # 2: finished in October, statistics not yet (竣工难列统) → 竣工
    done = ProjectFactory(unit=a, milestones={**started, "completed": (dt.date(2026, 10, 31), dt.date(2026, 10, 25)),
                                              "in_stats": (dt.date(2026, 12, 15), None)})
    # 3: due to finish in August, not finished, already in the statistics → still 开工
    late = ProjectFactory(unit=a, milestones={**started, "completed": (dt.date(2026, 8, 31), None),
                                              "in_stats": (None, dt.date(2026, 3, 1))})
    return org_world, done_listed, done, late


def test_a_project_is_not_past_completion_until_it_is_completed(three):
    _w, done_listed, done, late = three
    stages = dict(Project.objects.values_list("pk", "stage__code"))
    assert stages[done_listed.pk] == "in_stats"
    assert stages[done.pk] == "completed"
    assert stages[late.pk] == "started"  # its 列统 date does not carry it beyond the planned 竣工


def test_the_kanban_shows_the_bulletins_completion_rate(three, client_for):
    w, *_ = three
    # 竣工率 by the figures (the bulletin's): 3 planned to complete by November, 2 completed → 66.7%
    rate = unit_figures(2026, 11, total=True).filter(indicator="proj_complete_rate")["value"][0]
    assert rate == pytest.approx(66.6667, abs=1e-3)
    assert figures.completion(project_frame(Project.objects.all()), 2026, TODAY) == (2, 3)
    response = client_for(w.office).get(reverse("projects:kanban"))
    columns = {c["code"]: c for c in response.context["columns"]}
    assert columns["completed"]["count"] == 1 and columns["in_stats"]["count"] == 1 and columns["started"]["count"] == 1
    assert columns["completed"]["completion"] == {"done": 2, "due": 3, "rate": pytest.approx(66.6667, abs=1e-3)}
    page = response.content.decode()
    assert "本年已竣工 2 个（含已列统、投产），计划竣工 3 个，竣工率 66.7%" in page


def test_the_project_page_marks_past_action_deadlines_and_an_old_warning(org_world, client_for, monkeypatch):
    from kaohe.projects.models import ActionItem, ProjectWarning

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    project = ProjectFactory(unit=org_world.district_a, milestones={"started": (dt.date(2026, 6, 1), None)})
    on = dt.date(2026, 11, 2)  # 18 days before TODAY: older than a week
    ProjectWarning.objects.create(project=project, date=on, level="red",
                                  reasons=[{"code": "start", "level": "red", "zh": "逾期未开工", "en": "late"}])
    ActionItem.objects.create(project=project, date=on, level="red", target="leader", addressee="王副市长",
                              due_on=dt.date(2026, 11, 5))  # 15 days past
    ActionItem.objects.create(project=project, date=on, level="red", target="owner_unit", addressee="甲区",
                              due_on=dt.date(2026, 11, 25))  # not yet due
    ActionItem.objects.create(project=project, date=on, level="red", target="city_leader", addressee="市长",
                              due_on=dt.date(2026, 11, 3), done_at=dt.datetime(2026, 11, 3, 9, tzinfo=dt.UTC))
    page = client_for(org_world.office).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert page.count('data-testid="action-overdue"') == 1 and "2026-11-05前，<span" in page and "已逾期15天" in page
    assert "已办结" in page
    assert "18天前的预警，此后未再更新" in page
