"""Every workflow step and refusal, the deadlines across 调休 and holidays (hand-worked on the 2025
State Council calendar: 9/28 Sunday and 10/11 Saturday are worked, 10/1–10/8 are off)."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from docx import Document

from kaohe.audit.models import AuditEntry
from kaohe.notifications.models import Notification
from kaohe.orgs.models import DeadlineEvent
from kaohe.supervision import config, services
from kaohe.supervision.models import EventKind, ExtensionStatus, Task, TaskDocument, TaskState
from kaohe.supervision.services import SupervisionError
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


def local(moment):
    return moment.astimezone(at(2025, 1, 1).tzinfo).replace(tzinfo=None)


def test_defaults_by_source():
    assert config.default_limit("document") == 30
    assert config.default_limit("meeting") == 20
    assert config.default_limit("instruction", "urgent") == 3
    assert config.default_limit("instruction", "normal") == 15
    assert config.default_limit("instruction", "hard") == 30
    assert config.default_limit("instruction") == 15


def test_settings_override_the_defaults(settings):
    settings.KAOHE_SUPERVISION = {"limits": {"meeting": 10, "instruction": {"urgent": 1}}}
    assert config.default_limit("meeting") == 10
    assert config.default_limit("instruction", "urgent") == 1


def test_meeting_task_due_across_the_national_day_and_two_make_up_days(sv):
    # 交办 Mon 9/22 10:00, 20 working days: 9/23…9/26 (4), Sun 9/28 调休 (5), 9/29, 9/30 (7), 10/9, 10/10 (9),
    # Sat 10/11 调休 (10), 10/13…10/17 (15), 10/20…10/24 (20) → due Fri 10/24 17:30; 签收 by Tue 9/23 17:30.
    task = sv.make()
    assert task.limit_workdays == 20
    assert task.state == TaskState.ASSIGNED
    assert local(task.due_at) == dt.datetime(2025, 10, 24, 17, 30)
    assert local(task.sign_due_at) == dt.datetime(2025, 9, 23, 17, 30)
    assert task.original_due_at == task.due_at
    assert task.number == "督〔2025〕1号"


def test_sign_deadline_falls_on_a_make_up_sunday_and_after_the_holiday(sv):
    friday = sv.make("周五交办", now=at(2025, 9, 26, 15))
    assert local(friday.sign_due_at) == dt.datetime(2025, 9, 28, 17, 30)  # Sunday 调休上班
    tuesday = sv.make("国庆前交办", now=at(2025, 9, 30, 10))
    assert local(tuesday.sign_due_at) == dt.datetime(2025, 10, 9, 17, 30)  # 10/1–10/8 off
    evening = sv.make("下班后交办", now=at(2025, 9, 30, 18))  # after 17:30: starts on 10/9
    assert local(evening.sign_due_at) == dt.datetime(2025, 10, 10, 17, 30)


def test_urgent_instruction_three_working_days(sv):
    task = sv.make("领导批示：抓紧处置", source_kind="instruction", urgency="urgent", now=at(2025, 9, 26, 9))
    # 9/28 (Sun 调休), 9/29, 9/30 → due Tue 9/30 17:30
    assert task.limit_workdays == 3
    assert local(task.due_at) == dt.datetime(2025, 9, 30, 17, 30)


def test_full_flow_every_step_logged_audited_and_on_the_clock(sv):
    task = sv.make()
    services.sign_task(task, user=sv.assessed_a, now=at(2025, 9, 23, 9))
    assert task.state == TaskState.IN_PROGRESS and not task.sign_late
    services.report_progress(task, "已完成征收摸底", percent=40, user=sv.assessed_a, now=at(2025, 10, 9, 10))
    services.submit_report(task, "征收全部完成", user=sv.assessed_a, now=at(2025, 10, 20, 10))
    assert task.state == TaskState.REPORTED
    services.review_task(task, accept=True, checks=services.CHECKLIST, user=sv.office, now=at(2025, 10, 21, 10))
    task.refresh_from_db()
    assert task.state == TaskState.CLOSED and task.on_time is True and task.progress == 100
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATE, EventKind.ASSIGN, EventKind.SIGN, EventKind.PROGRESS, EventKind.REPORT, EventKind.CLOSE]
    # each step time-stamped as it happened, and audited with the task as parent
    assert [local(e.at) for e in task.events.all()][2:] == [dt.datetime(2025, 9, 23, 9), dt.datetime(2025, 10, 9, 10),
                                                            dt.datetime(2025, 10, 20, 10), dt.datetime(2025, 10, 21, 10)]
    ct = ContentType.objects.get_for_model(Task)
    assert AuditEntry.objects.filter(related_object_type=ct, related_object_id=task.pk).count() == 6
    clock = services.task_clock(task, now=at(2025, 11, 1))
    assert clock.finished and not clock.overdue
    # the 交办单 went to the lead unit's people
    assert Notification.objects.filter(recipient=sv.assessed_a, kind="supervision").exists()
    assert not Notification.objects.filter(recipient=sv.assessed_b).exists()


def test_refusals(sv):
    task = sv.make(assign=False)
    with pytest.raises(SupervisionError):
        services.sign_task(task, user=sv.assessed_a)  # not yet assigned
    services.assign_task(task, user=sv.office, now=at(2025, 9, 22))
    with pytest.raises(SupervisionError):
        services.assign_task(task, user=sv.office)  # twice
    with pytest.raises(SupervisionError):
        services.report_progress(task, "x", user=sv.assessed_a)  # not signed
    with pytest.raises(SupervisionError):
        services.submit_report(task, "x", user=sv.assessed_a)  # not signed
    services.sign_task(task, user=sv.assessed_a, now=at(2025, 9, 24))
    assert task.sign_late  # due 9/23 17:30
    with pytest.raises(SupervisionError):
        services.report_progress(task, "  ", user=sv.assessed_a)
    with pytest.raises(SupervisionError):
        services.report_progress(task, "x", percent=120, user=sv.assessed_a)
    with pytest.raises(SupervisionError):
        services.review_task(task, accept=True, user=sv.office)  # nothing reported
    with pytest.raises(SupervisionError):
        services.reopen_task(task, "x", user=sv.office)  # not closed
    services.submit_report(task, "done", user=sv.assessed_a, now=at(2025, 9, 25))
    with pytest.raises(SupervisionError):
        services.review_task(task, accept=False, reason="", user=sv.office)  # a return needs its reason
    with pytest.raises(SupervisionError):
        services.create_task("nonsense", title="x", lead_unit=sv.district_a, user=sv.office)
    with pytest.raises(SupervisionError):
        services.create_task("manual", title="  ", lead_unit=sv.district_a, user=sv.office)


def test_return_resumes_the_clock_without_the_checking_time(sv):
    task = sv.make("十个工作日", limit_workdays=10, now=at(2025, 9, 15))
    # 9/16…9/19 (4), 9/22…9/26 (9), Sun 9/28 调休 (10) → due 9/28 17:30
    assert local(task.due_at) == dt.datetime(2025, 9, 28, 17, 30)
    services.sign_task(task, user=sv.assessed_a, now=at(2025, 9, 15, 11))
    services.submit_report(task, "done", user=sv.assessed_a, now=at(2025, 9, 24, 10))
    services.review_task(task, accept=False, reason="证明材料不全", user=sv.office, now=at(2025, 9, 25, 10))
    task.refresh_from_db()
    # with the checker one working day (7.5 h): due one working day later, Mon 9/29 17:30
    assert local(task.due_at) == dt.datetime(2025, 9, 29, 17, 30)
    assert task.state == TaskState.IN_PROGRESS and task.returned_count == 1
    services.submit_report(task, "补齐材料", user=sv.assessed_a, now=at(2025, 9, 29, 16))
    services.review_task(task, accept=True, user=sv.office, now=at(2025, 9, 30, 9))
    task.refresh_from_db()
    assert task.on_time is True
    events = DeadlineEvent.objects.filter(object_id=task.pk, clock="").values_list("kind", flat=True)
    assert list(events) == ["start", "stop", "reopen", "stop"]


def test_extension_only_before_the_deadline_and_decided_with_a_reason(sv):
    task = sv.make("十个工作日", limit_workdays=10, now=at(2025, 9, 15))
    services.sign_task(task, user=sv.assessed_a, now=at(2025, 9, 15, 11))
    with pytest.raises(SupervisionError):
        services.request_extension(task, "", dt.date(2025, 10, 10), user=sv.assessed_a, now=at(2025, 9, 20))
    with pytest.raises(SupervisionError):  # not later than the deadline
        services.request_extension(task, "征收未完成", dt.date(2025, 9, 26), user=sv.assessed_a, now=at(2025, 9, 20))
    with pytest.raises(SupervisionError):  # a holiday
        services.request_extension(task, "征收未完成", dt.date(2025, 10, 3), user=sv.assessed_a, now=at(2025, 9, 20))
    ext = services.request_extension(task, "征收未完成", dt.date(2025, 10, 10), user=sv.assessed_a, now=at(2025, 9, 20))
    with pytest.raises(SupervisionError):  # one pending at a time
        services.request_extension(task, "again", dt.date(2025, 10, 13), user=sv.assessed_a, now=at(2025, 9, 21))
    with pytest.raises(SupervisionError):
        services.decide_extension(ext, approve=True, reason=" ", user=sv.office)
    services.decide_extension(ext, approve=True, reason="情况属实", user=sv.office, now=at(2025, 9, 22))
    task.refresh_from_db()
    assert local(task.due_at) == dt.datetime(2025, 10, 10, 17, 30)
    assert local(task.original_due_at) == dt.datetime(2025, 9, 28, 17, 30)
    assert task.extended_count == 1 and ext.status == ExtensionStatus.APPROVED
    with pytest.raises(SupervisionError):
        services.decide_extension(ext, approve=False, reason="x", user=sv.office)  # already decided
    # after the (new) deadline: refused
    with pytest.raises(SupervisionError, match="期限届满前"):
        services.request_extension(task, "还要延", dt.date(2025, 10, 20), user=sv.assessed_a, now=at(2025, 10, 10, 17, 31))
    second = services.request_extension(task, "还要延", dt.date(2025, 10, 20), user=sv.assessed_a, now=at(2025, 10, 10, 9))
    services.decide_extension(second, approve=False, reason="理由不充分", user=sv.office, now=at(2025, 10, 10, 10))
    task.refresh_from_db()
    assert local(task.due_at) == dt.datetime(2025, 10, 10, 17, 30) and task.extended_count == 1
    assert EventKind.EXTENSION_REFUSED in task.events.values_list("kind", flat=True)


def test_follow_up_check_reopens_a_closed_task(sv):
    task = sv.make()
    services.sign_task(task, user=sv.assessed_a, now=at(2025, 9, 23))
    services.submit_report(task, "done", user=sv.assessed_a, now=at(2025, 10, 9))
    services.review_task(task, accept=True, user=sv.office, now=at(2025, 10, 10))
    with pytest.raises(SupervisionError):
        services.reopen_task(task, " ", user=sv.office)
    services.reopen_task(task, "回头看发现问题反弹", user=sv.office, now=at(2025, 12, 1))
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.reopened_count == 1 and task.on_time is None
    assert task.closed_at is None


def test_one_task_per_source_object(sv):
    from tests import factories as f

    other = f.OrgUnitFactory(code="SRC", name="来源对象")
    first = sv.make("来自对象", source_object=other, source_kind="manual")
    again = sv.make("再次立项", source_object=other, source_kind="manual")
    assert first.pk == again.pk and Task.objects.count() == 1
    assert services.task_for(other) == first


def test_assignment_slip_numbered_without_gaps_and_opened_back(sv):
    tasks = [sv.make(f"事项{i}") for i in range(3)]
    docs = list(TaskDocument.objects.filter(kind="assign").order_by("seq"))
    assert [d.number for d in docs] == ["督交〔2025〕1号", "督交〔2025〕2号", "督交〔2025〕3号"]
    doc = Document(io.BytesIO(bytes(docs[1].docx)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "督查事项交办单" in text and "督交〔2025〕2号" in text and "事项1" in text and "甲区" in text
    assert "2025年10月24日" in text  # the due day in words
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert tasks[1].events.get(kind="assign").document == docs[1]


def test_the_enterprise_call_form_is_accepted(sv):
    from tests import factories as f

    obj = f.OrgUnitFactory(code="REQ", name="某诉求")
    task = services.create_task(title="企业诉求逾期督办", unit=sv.district_a, source=obj, user=sv.office, now=at(2025, 9, 22))
    assert task.lead_unit == sv.district_a and task.state == TaskState.DRAFT and task.source_kind == "manual"
    assert services.create_task(title="again", unit=sv.district_a, source=obj) == task
