"""Figures (hand-counted), the indicator source, the bulletin's sentences, the import (all or nothing),
the jobs' schedule and the folding of project problems."""

import datetime as dt
import io

import pytest
from docx import Document

from kaohe.lib.exports import Table, xlsx_bytes
from kaohe.lib.tabular import TabularError
from kaohe.supervision import bulletins, figures, imports, jobs, services
from kaohe.supervision.models import Bulletin, Task, TaskState
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def four(sv):
    """Four tasks of 甲区 (10 working days from Mon 9/15, due Sun 9/28 17:30), one of 乙区:
    t1 on time, t2 late, t3 returned once then on time, t4 still open (overdue), t5 乙区 on time."""
    make = lambda title, lead=None: sv.make(title, limit_workdays=10, now=at(2025, 9, 15), lead=lead)  # noqa: E731
    t1, t2, t3, t4 = (make(f"t{i}") for i in range(1, 5))
    t5 = make("t5", lead=sv.district_b)
    for t in (t1, t2, t3, t4):
        services.sign_task(t, user=sv.assessed_a, now=at(2025, 9, 15, 15))
    services.sign_task(t5, user=sv.assessed_b, now=at(2025, 9, 17))  # sign due 9/16 17:30: late
    services.submit_report(t1, "ok", user=sv.assessed_a, now=at(2025, 9, 25))
    services.submit_report(t2, "late", user=sv.assessed_a, now=at(2025, 9, 30))
    services.submit_report(t3, "first", user=sv.assessed_a, now=at(2025, 9, 22))
    services.review_task(t3, accept=False, reason="不全", user=sv.office, now=at(2025, 9, 23))
    services.submit_report(t3, "second", user=sv.assessed_a, now=at(2025, 9, 26))
    services.submit_report(t5, "ok", user=sv.assessed_b, now=at(2025, 9, 26))
    for t in (t1, t2, t3, t5):
        services.review_task(t, accept=True, user=sv.office, now=at(2025, 10, 9))
    services.sweep(at(2025, 10, 13))  # t4: overdue since 9/28 → 催办; 10/13 is the 6th working day late → red
    return t1, t2, t3, t4, t5


def test_unit_figures_hand_counted(four, sv):
    got = figures.unit_figures(dt.date(2025, 10, 31), ["C-A", "C-B", "C"])
    a = got["C-A"]
    assert a["supervision_ontime_rate"] == 50.0  # t1, t3 on time of 4 due
    assert a["supervision_sign_rate"] == 100.0
    assert a["supervision_return_rate"] == pytest.approx(33.33)  # t3 of 3 reported
    assert a["supervision_overdue"] == 2.0  # t2 late, t4 open
    assert a["supervision_yellow"] == 1.0 and a["supervision_red"] == 1.0  # t4
    b = got["C-B"]
    assert b["supervision_ontime_rate"] == 100.0 and b["supervision_sign_rate"] == 0.0
    city = got["C"]  # the city counts the units below it
    assert city["supervision_ontime_rate"] == 60.0 and city["supervision_overdue"] == 2.0
    # as at a day before anything was due: nothing to rate
    early = figures.unit_figures(dt.date(2025, 9, 20), ["C-A"])["C-A"]
    assert early["supervision_ontime_rate"] is None and early["supervision_sign_rate"] == 100.0


def test_indicator_source_is_registered():
    from kaohe.assessment import sources

    source = sources.get("supervision")
    assert source is not None and "supervision_ontime_rate" in source.indicators and "supervision_red" in source.indicators


def test_bulletin_sentences_name_the_lagging_units_and_issue_a_document(four, sv):
    draft = bulletins.draft(sv.city, "2025-09", today=dt.date(2025, 10, 20))
    # 5 tasks assigned in September; by 9/30: t1 closed? no — closed on 10/9 → none closed by 9/30
    assert draft.stats["total"] == 5 and draft.stats["done"] == 0
    q = bulletins.draft(sv.city, "2025Q4", today=dt.date(2025, 12, 31))
    assert q.stats["total"] == 0
    whole = bulletins.draft(sv.city, "2025", today=dt.date(2025, 10, 20))
    assert whole.stats == {"total": 5, "done": 4, "doing": 1, "overdue": 1, "red": 1, "on_time": 3}
    assert "共确定督查事项5件，截至10月20日，已办结4件，占比80%；正在办理1件，占比20%" in whole.body
    assert "甲区等单位事项进展滞后" in whole.body
    item = bulletins.issue(sv.city, "2025", whole.title, whole.body + "\n请各单位对照整改。", user=sv.office, today=dt.date(2025, 10, 20))
    assert item.issued.number == "测督通〔2025〕1号" and item.issued.pdf[:4] == b"%PDF"  # the documents register numbers it
    doc = Document(io.BytesIO(bytes(item.issued.docx)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "请各单位对照整改。" in text and "已办结4件" in text
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "t4" in cells and "逾期" in cells
    assert Bulletin.objects.count() == 1


def _xlsx(rows):
    return xlsx_bytes([Table("督办事项", imports.TEMPLATE_HEADERS, rows)])


def test_import_all_or_nothing_with_row_and_column(sv):
    good = ["推进城东片区改造", "C-A", "市统计局", "张三", "会议纪要", "", "第12次常务会议纪要", 20, "6月底前完成", "每周"]
    bad_unit = ["事项二", "C-B-99", "", "", "", "", "", "", "", ""]
    bad_limit = ["事项三", "甲区", "", "", "领导批示", "特急", "", "x", "", ""]
    with pytest.raises(TabularError) as exc:
        imports.import_tasks("t.xlsx", _xlsx([good, bad_unit, bad_limit]), user=sv.office, now=at(2025, 9, 22))
    texts = exc.value.texts()
    assert any("第3行" in t and "B" in t and "C-B-99" in t for t in texts), texts
    assert any("第4行" in t and "特急" in t for t in texts), texts
    assert Task.objects.count() == 0
    made = imports.import_tasks("t.xlsx", _xlsx([good]), user=sv.office, assign=True, now=at(2025, 9, 22))
    task = made[0]
    assert task.lead_unit == sv.district_a and list(task.co_units.all()) == [sv.stats_bureau]
    assert task.cadence == "weekly" and task.state == TaskState.ASSIGNED and task.source_ref == "第12次常务会议纪要"
    # a district office cannot import tasks for another district
    with pytest.raises(TabularError):
        imports.import_tasks("t.xlsx", _xlsx([["事项", "C-B", "", "", "", "", "", "", "", ""]]), user=sv.office_a)


def test_jobs_run_on_their_configured_days(sv, settings):
    assert jobs.due_jobs(dt.date(2025, 9, 29)) == ["daily", "weekly"]  # Monday
    assert jobs.due_jobs(dt.date(2025, 10, 1)) == ["monthly"]  # a holiday: no daily sweep; the 1st: monthly
    assert jobs.due_jobs(dt.date(2025, 9, 28)) == ["daily"]  # the 调休 Sunday is a working day
    settings.KAOHE_SUPERVISION = {"jobs": {"weekly": {"weekday": 5}, "monthly": {"enabled": False}, "daily": {"workdays_only": False}}}
    assert jobs.due_jobs(dt.date(2025, 10, 1)) == ["daily"]
    assert jobs.due_jobs(dt.date(2025, 10, 3)) == ["daily", "weekly"]


def test_weekly_batch_one_list_per_office_and_progress_demanded(sv):
    t = sv.make("周报事项", cadence="weekly", now=at(2025, 9, 22))
    services.sign_task(t, user=sv.assessed_a, now=at(2025, 9, 22, 15))
    made = services.weekly_batch(dt.date(2025, 9, 26))
    assert len(made) == 1 and made[0].number == "督周〔2025〕1号"
    assert services.weekly_batch(dt.date(2025, 9, 26)) == []  # once a week
    assert t.events.filter(kind="request").count() == 2  # demanded by both runs' progress requests
    assert services.burden(2025, 9, [sv.district_a.pk])[sv.district_a.pk] == 3  # 交办 + 2 requests


def test_burden_ceiling_warns(sv, settings):
    settings.KAOHE_SUPERVISION = {"report_ceiling": 2}
    sv.make("一", now=at(2025, 9, 22))
    assert services.burden_warning(sv.district_a, now=at(2025, 9, 23)) == ""
    sv.make("二", now=at(2025, 9, 22))
    assert "已达上限2次" in services.burden_warning(sv.district_a, now=at(2025, 9, 23))


def test_escalated_project_problem_becomes_one_linked_task(sv):
    from kaohe.projects import services as project_services
    from kaohe.projects.models import Problem

    project = _project(sv)
    problem = project_services.raise_problem(project, "施工用电未接入", user=sv.assessed_a, now=at(2025, 9, 22, 9))
    project_services.escalate_overdue_problems(now=at(2025, 9, 24, 9))
    problem = Problem.objects.get(pk=problem.pk)
    assert problem.escalation >= 1
    assert jobs.fold_projects(at(2025, 9, 24, 10)) == 1
    assert jobs.fold_projects(at(2025, 9, 25, 10)) == 0  # one record, not two
    task = services.task_for(problem)
    assert task.source_kind == "project" and task.lead_unit == problem.assigned_unit and task.state == TaskState.ASSIGNED
    obj, origin = services.source_of(task)
    assert obj == problem and origin.link(obj) == f"/projects/{project.pk}/"
    assert "施工用电未接入" in services.prefill(task)


def _project(sv):
    from kaohe.projects import services as project_services

    return project_services.create_project({"code": "XM-1", "name": "测试项目", "unit": sv.district_a, "total_investment": 10000,
                                            "year": 2025, "year_plan": 5000, "leader_name": "周副市长"}, user=sv.office)


def test_monthly_job_drafts_the_bulletin_in_the_register_for_the_office_to_edit(four, sv):
    from kaohe.documents.models import IssuedDocument

    result = jobs.run_monthly(dt.date(2025, 10, 1))
    assert result["bulletins"] == 1
    d = IssuedDocument.objects.get(kind="supervision_bulletin")
    assert d.status == "draft" and d.period == "2025-09" and "共确定督查事项5件" in d.text
