"""The one inbox: notify() writes one notification per recipient and emails them after commit;
each user reads and marks only their own (another user's notification is not found)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from kaohe.notifications.models import Notification, NotificationKind
from kaohe.notifications.services import notify, recipients_of, source_language, unread_count
from tests import factories as f

pytestmark = pytest.mark.django_db
INBOX = "/notifications/"
API = "/api/notifications/"


def _note(user, title="测试通知", **kw):
    return notify(user, NotificationKind.OTHER, title, kw.pop("body", "正文"), **kw)[0]


def test_a_unit_means_everyone_in_it_once_each(org_world):
    second = f.assessed(org_world.district_a, username="assessed_a2")
    # 甲区 twice and one of its people again: still one notification per person.
    made = notify([org_world.district_a, org_world.district_a, org_world.assessed_a.person],
                  NotificationKind.APPEAL, "申诉已采纳：GDP", "您单位关于“GDP”的申诉已采纳。")
    # 甲区's people: its assessed-unit users, its leader and its office.
    assert sorted(n.recipient.username for n in made) == ["assessed_a", second.username, "leader_a", "office_a"]
    assert recipients_of([None]) == []


def test_an_unknown_kind_is_refused(org_world):
    with pytest.raises(ValueError, match="NotificationKind"):
        notify(org_world.office, "gossip", "标题")


def test_an_email_goes_out_after_commit_to_recipients_with_an_address(org_world, django_capture_on_commit_callbacks):
    org_world.assessed_a.email = "a@example.cn"
    org_world.assessed_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([org_world.assessed_a, org_world.assessed_b], NotificationKind.REMINDER, "催报：2025年3月数据",
               "请于 2025-04-05 前完成 2025年3月 数据报送。", link="/assessment/data/mine/")
    # assessed_b has no address: inbox only.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.cn"] and message.subject == "【考核】催报：2025年3月数据"
    assert "2025-04-05" in message.body and message.body.endswith("http://127.0.0.1:8000/assessment/data/mine/")
    assert Notification.objects.get(recipient=org_world.assessed_a).emailed
    assert not Notification.objects.get(recipient=org_world.assessed_b).emailed


def test_no_email_leaves_before_the_transaction_commits(org_world, django_capture_on_commit_callbacks):
    org_world.assessed_a.email = "a@example.cn"
    org_world.assessed_a.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _note(org_world.assessed_a)
    assert len(callbacks) == 1 and mail.outbox == []


def test_the_text_is_built_in_chinese_whoever_triggers_it():
    with translation.override("en"), source_language():
        assert translation.get_language() == "zh-hans"


# ---- the inbox page and API: owner and outsider ------------------------------------------------


def test_a_user_sees_only_their_own_notifications(org_world, client_for):
    _note(org_world.assessed_a, "甲区的通知")
    _note(org_world.assessed_b, "乙区的通知")
    page = client_for(org_world.assessed_a).get(INBOX).content.decode()
    assert "甲区的通知" in page and "乙区的通知" not in page
    data = client_for(org_world.assessed_a).get(API).json()
    assert [n["title"] for n in data["items"]] == ["甲区的通知"] and data["unread"] == 1
    assert data["items"][0]["kind_label"] == "其他"


def test_another_users_notification_is_not_found(org_world, client_for):
    theirs = _note(org_world.assessed_b, "乙区的通知")
    client = client_for(org_world.assessed_a)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert client.post(f"{API}{theirs.pk}/read").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_one_and_all(org_world, client_for):
    first, second, third = (_note(org_world.assessed_a, f"通知{i}") for i in range(3))
    others = _note(org_world.assessed_b)
    client = client_for(org_world.assessed_a)
    assert client.post(reverse("notifications:read", args=[first.pk])).status_code == 302
    assert unread_count(org_world.assessed_a) == 2  # 3 − the one read
    assert client.post(f"{API}{second.pk}/read").json()["read_at"] is not None
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert unread_count(org_world.assessed_a) == 0 and unread_count(org_world.assessed_b) == 1
    others.refresh_from_db()
    assert others.read_at is None and third.pk


def test_opening_a_notification_marks_it_read_and_follows_its_link(org_world, client_for):
    note = _note(org_world.assessed_a, link="/results/appeals/7/")
    response = client_for(org_world.assessed_a).post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/results/appeals/7/"
    # A link pointing off-site is not followed.
    evil = _note(org_world.assessed_a, link="https://evil.example/")
    response = client_for(org_world.assessed_a).post(reverse("notifications:read", args=[evil.pk]), {"open": "1"})
    assert response["Location"] == INBOX


def test_the_public_is_sent_to_sign_in(org_world, client_for):
    assert client_for(None).get(INBOX).status_code == 302
    assert client_for(None).get(API).status_code == 401


def test_the_header_counts_each_users_own_unread_notifications(org_world, client_for):
    for _ in range(2):
        _note(org_world.assessed_a)
    _note(org_world.assessed_b)
    a = client_for(org_world.assessed_a).get("/results/publications/").content.decode()
    b = client_for(org_world.assessed_b).get("/results/publications/").content.decode()
    office = client_for(org_world.office).get("/results/publications/").content.decode()
    assert 'data-testid="unread-count"' in a and ">2</span>" in a.split('data-testid="unread-count"')[1][:80]
    assert ">1</span>" in b.split('data-testid="unread-count"')[1][:80]
    assert 'data-testid="unread-count"' not in office and 'data-testid="inbox-link"' in office
    # The public page, opened after them, carries nobody's count.
    public = client_for(None).get("/public/").content.decode()
    assert 'data-testid="unread-count"' not in public and 'data-testid="inbox-link"' not in public


def test_the_inbox_page_is_never_cached(org_world, client_for):
    response = client_for(org_world.assessed_a).get(INBOX)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_old_results_notifications_page_leads_to_the_inbox(org_world, client_for):
    response = client_for(org_world.assessed_a).get("/results/notifications/")
    assert response.status_code == 301 and response["Location"] == INBOX
