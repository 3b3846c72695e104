"""The escalation ladder at its boundaries, on hand-worked dates (2025 calendar, defaults:
临近提醒 at ≤3 working days left, 催办单 once overdue, 督办函 when overdue by 5 working days or
at the second yellow). The task: 交办 Mon 9/15 10:00, 10 working days → due Sun 9/28 (调休) 17:30."""

import io

import pytest
from docx import Document

from kaohe.notifications.models import Notification
from kaohe.supervision import documents, services
from kaohe.supervision.models import Colour, EventKind, TaskDocument
from tests.supervision.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(sv):
    t = sv.make("十个工作日", limit_workdays=10, now=at(2025, 9, 15))
    services.sign_task(t, user=sv.assessed_a, now=at(2025, 9, 15, 11))
    return t


def sweep(day, hh=8, mm=0):
    return services.sweep(at(*day, hh, mm))


def kinds(t):
    return list(t.events.filter(kind__in=["remind", "urge", "sign_urge", "supervise"]).values_list("kind", flat=True))


def test_reminder_exactly_three_working_days_before(task):
    # Tue 9/23: 9/24, 9/25, 9/26, 9/28 left = 4 → nothing
    assert sweep((2025, 9, 23)).reminded == 0
    # Wed 9/24: 9/25, 9/26, 9/28 = 3 → 临近提醒, once
    assert sweep((2025, 9, 24)).reminded == 1
    assert sweep((2025, 9, 25)).reminded == 0
    task.refresh_from_db()
    assert kinds(task) == [EventKind.REMIND] and task.colour == Colour.BLUE


def test_overdue_one_minute_after_the_cut_off_on_the_make_up_sunday(task):
    assert sweep((2025, 9, 28), 17, 30).urged == 0  # 17:30 itself is still in time
    result = sweep((2025, 9, 28), 17, 31)
    assert result.urged == 1 and result.red == 0
    task.refresh_from_db()
    assert task.colour == Colour.YELLOW and task.yellow_count == 1
    assert sweep((2025, 9, 29)).urged == 0  # one 催办单 per deadline


def test_red_after_five_working_days_late_across_the_holiday(task):
    sweep((2025, 9, 28), 18)
    # late working days after 9/28: 9/29 (1), 9/30 (2), 10/9 (3), 10/10 (4), Sat 10/11 调休 (5)
    assert sweep((2025, 10, 8)).red == 0
    assert sweep((2025, 10, 10)).red == 0
    result = sweep((2025, 10, 11))
    assert result.red == 1
    task.refresh_from_db()
    assert task.colour == Colour.RED and task.red_count == 1
    assert kinds(task) == [EventKind.URGE, EventKind.SUPERVISE]  # first swept when already overdue: no reminder
    assert sweep((2025, 10, 13)).red == 0  # never twice


def test_second_yellow_turns_red_at_once(sv):
    t = sv.make("签收超时又逾期", limit_workdays=3, now=at(2025, 9, 22))  # sign by 9/23 17:30, due 9/25 17:30
    first = sweep((2025, 9, 24))
    assert first.sign_urged == 1 and first.red == 0
    t.refresh_from_db()
    assert t.colour == Colour.YELLOW and t.yellow_count == 1 and t.sign_late
    services.sign_task(t, user=sv.assessed_a, now=at(2025, 9, 24, 9))
    second = sweep((2025, 9, 26))  # overdue since 9/25 17:30: the second yellow → red the same day
    assert second.urged == 1 and second.red == 1
    t.refresh_from_db()
    assert t.colour == Colour.RED and t.yellow_count == 2


def test_extension_before_the_deadline_keeps_it_blue(sv, task):
    ext = services.request_extension(task, "需等待上级审批", __import__("datetime").date(2025, 10, 13), user=sv.assessed_a,
                                     now=at(2025, 9, 26))
    services.decide_extension(ext, approve=True, reason="同意", user=sv.office, now=at(2025, 9, 26, 11))
    assert sweep((2025, 9, 29)).urged == 0
    task.refresh_from_db()
    assert task.colour == Colour.BLUE


def test_closed_or_reported_tasks_are_not_chased(sv, task):
    services.submit_report(task, "done", user=sv.assessed_a, now=at(2025, 9, 26))
    assert sweep((2025, 10, 11)).urged == 0


def test_documents_numbered_without_gaps_and_sent_once_per_unit(sv, task):
    other = sv.make("另一件", limit_workdays=10, now=at(2025, 9, 15))
    services.sign_task(other, user=sv.assessed_a, now=at(2025, 9, 15, 11))
    Notification.objects.all().delete()
    result = sweep((2025, 9, 29))
    assert result.urged == 2
    urges = list(TaskDocument.objects.filter(kind="urge").order_by("seq").values_list("number", flat=True))
    assert urges == ["督催〔2025〕1号", "督催〔2025〕2号"]
    # one digest to each person of 甲区, listing both tasks (reminders were due too)
    mine = Notification.objects.filter(recipient=sv.assessed_a)
    assert mine.count() == 1 and "另一件" in mine.get().body and "十个工作日" in mine.get().body
    sweep((2025, 10, 11))
    numbers = sorted(TaskDocument.objects.filter(kind="supervise").values_list("number", flat=True))
    assert numbers == ["督函〔2025〕1号", "督函〔2025〕2号"]
    letter = TaskDocument.objects.filter(kind="supervise", task=task).get()
    text = "\n".join(p.text for p in Document(io.BytesIO(documents.file_of(letter))).paragraphs)
    assert "督办通知单" in text and "逾期5个工作日" in text and letter.number in text and "十个工作日" in text
    # the red letter reaches the responsible leaders (甲区's leader: no named leader on the task)
    assert Notification.objects.filter(recipient=sv.leader_a, body__contains=letter.number).exists()
    assert not Notification.objects.filter(recipient=sv.leader_b).exists()


def test_nothing_to_say_sends_nothing(sv, task):
    Notification.objects.all().delete()
    assert sweep((2025, 9, 16)).notices == 0
    assert not Notification.objects.exists()
