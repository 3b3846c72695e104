"""The public page under the 2022 comment rules: 后台实名 (a phone with a one-time code, or a token),
前台自愿 (a nickname), 先审后发, rate limits per identity and per address, auto-hide after N
reports, the unit's answer; 评诺 votes; the cache never serves one visitor's chrome to another."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.commitments import public, services
from kaohe.commitments.models import Citizen, CommentStatus
from kaohe.commitments.public import RateLimited
from kaohe.commitments.services import CommitmentError
from tests import factories as f
from tests.commitments.conftest import claim

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def citizen(phone="13800001111", ip=None):
    return public.verify_code(phone, public.request_code(phone, ip=ip))


# ---- identity --------------------------------------------------------------------------------


def test_a_phone_is_verified_by_its_one_time_code_and_stored_for_the_back_end_only(item):
    code = public.request_code("138 0000 1111")
    assert public.outbox[-1][0] == "13800001111" and code in public.outbox[-1][1]
    with pytest.raises(CommitmentError, match="验证码不正确"):
        public.verify_code("13800001111", "000000" if code != "000000" else "111111")
    person = public.verify_code("13800001111", code)
    assert person.phone == "13800001111" and person.masked == "138****1111"
    with pytest.raises(CommitmentError, match="已失效"):
        public.verify_code("13800001111", code)  # used once


def test_a_code_expires_and_wrong_guesses_are_limited(item):
    now = timezone.now()
    code = public.request_code("13800002222", now=now)
    with pytest.raises(CommitmentError, match="已失效"):
        public.verify_code("13800002222", code, now=now + dt.timedelta(minutes=11))
    code = public.request_code("13800002222", now=now + dt.timedelta(minutes=12))
    for _ in range(5):
        with pytest.raises(CommitmentError, match="不正确"):
            public.verify_code("13800002222", "x", now=now + dt.timedelta(minutes=13))
    with pytest.raises(RateLimited, match="错误次数过多"):
        public.verify_code("13800002222", code, now=now + dt.timedelta(minutes=13))


def test_codes_are_rate_limited_per_phone_and_per_address(item):
    now = timezone.now()
    public.request_code("13800003333", ip="10.0.0.1", now=now)
    with pytest.raises(RateLimited, match="60秒后"):
        public.request_code("13800003333", ip="10.0.0.1", now=now + dt.timedelta(seconds=30))
    for i in range(1, 5):
        public.request_code("13800003333", now=now + dt.timedelta(minutes=2 * i))
    with pytest.raises(RateLimited, match="今日获取验证码次数已达上限"):
        public.request_code("13800003333", now=now + dt.timedelta(minutes=20))
    for i in range(9):  # 1 + 9 = 10 codes from one address in an hour
        public.request_code(f"1390000{i:04d}", ip="10.0.0.1", now=now + dt.timedelta(seconds=i))
    with pytest.raises(RateLimited, match="当前网络获取验证码过于频繁"):
        public.request_code("13700000000", ip="10.0.0.1", now=now + dt.timedelta(minutes=1))


def test_a_wrong_number_is_refused(item):
    with pytest.raises(CommitmentError, match="11位手机号码"):
        public.request_code("12345")


def test_a_token_identity_comments_too(item):
    issued, token = Citizen.issue_token("特邀监督员001")
    person = public.citizen_for_token(token)
    assert person == issued and person.verified_at is not None
    assert public.post_comment(item, person, "建议公开施工时间表").status == CommentStatus.PENDING
    with pytest.raises(CommitmentError, match="令牌无效"):
        public.citizen_for_token("cz_wrong")


# ---- 先审后发, moderation, answers -----------------------------------------------------------------


def test_a_comment_appears_only_after_review_under_its_nickname_never_the_phone(item, org_world, client_for):
    c = public.post_comment(item, citizen(), "电梯什么时候装好？", nickname="老住户", rating=4)
    page = lambda: client_for(org_world.anonymous).get(reverse("public_commitments:item", args=[item.pk])).content.decode()  # noqa: E731
    assert "电梯什么时候装好" not in page()
    public.moderate(c, approve=True, user=org_world.office_a)
    html = page()
    assert "电梯什么时候装好" in html and "老住户" in html and "★★★★☆" in html
    assert "13800001111" not in html and "138****1111" not in html


def test_refusing_needs_a_reason_and_keeps_it_off_the_page(item, org_world, client_for):
    c = public.post_comment(item, citizen(), "广告内容")
    with pytest.raises(CommitmentError, match="须说明理由"):
        public.moderate(c, approve=False)
    public.moderate(c, approve=False, note="与事项无关", user=org_world.office_a)
    assert c.status == CommentStatus.REJECTED
    assert "广告内容" not in client_for(org_world.anonymous).get(reverse("public_commitments:item", args=[item.pk])).content.decode()


def test_the_unit_is_told_and_answers_within_five_working_days(item, org_world, work_calendar):
    c = public.post_comment(item, citizen(), "进度如何？")
    # Reviewed Friday 2025-09-26 10:00: 5 working days are 9-28 (调休 Sunday), 29, 30, 10-09, 10-10
    # (国庆 10-01 … 10-08 off) → due 2025-10-10 17:30.
    reviewed = dt.datetime(2025, 9, 26, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    public.moderate(c, approve=True, user=org_world.office_a, now=reviewed)
    assert org_world.assessed_town_a.notifications.filter(title__contains="群众留言待答复").exists()
    clock = public.reply_clock(c, now=reviewed, calendar=work_calendar)
    assert clock.due_at.strftime("%Y-%m-%d %H:%M") == "2025-10-10 17:30"
    public.answer(c, "9月底完工", user=org_world.assessed_town_a, now=reviewed + dt.timedelta(days=1))
    assert public.reply_clock(c, now=reviewed + dt.timedelta(days=20), calendar=work_calendar).status == "done"


def test_comments_are_rate_limited_per_identity_and_per_address(item, campaign):
    now = timezone.now()
    person = citizen()
    public.post_comment(item, person, "第一条", now=now)
    with pytest.raises(RateLimited, match="30秒后"):
        public.post_comment(item, person, "太快", now=now + dt.timedelta(seconds=10))
    for i in range(1, 5):
        public.post_comment(item, person, f"第{i + 1}条", now=now + dt.timedelta(minutes=i))
    with pytest.raises(RateLimited, match="每日最多留言5条"):
        public.post_comment(item, person, "第六条", now=now + dt.timedelta(minutes=10))
    assert public.post_comment(item, person, "次日", now=now + dt.timedelta(days=1, minutes=1)).pk
    campaign.comments_per_hour_per_address = 2
    campaign.save()
    item.campaign.refresh_from_db()
    later = now + dt.timedelta(days=3)
    public.post_comment(item, citizen("13800004444"), "甲", ip="10.1.1.1", now=later)
    public.post_comment(item, citizen("13800005555"), "乙", ip="10.1.1.1", now=later + dt.timedelta(minutes=1))
    with pytest.raises(RateLimited, match="当前网络留言过于频繁"):
        public.post_comment(item, citizen("13800006666"), "丙", ip="10.1.1.1", now=later + dt.timedelta(minutes=2))


def test_three_reports_from_distinct_identities_hide_a_comment_at_once(item, org_world, client_for):
    c = public.post_comment(item, citizen(), "某某是骗子")
    public.moderate(c, approve=True, user=org_world.office_a)
    first = citizen("13800007777")
    public.report_comment(c, citizen=first, reason="人身攻击")
    with pytest.raises(CommitmentError, match="已举报过"):
        public.report_comment(c, citizen=first)
    c = public.report_comment(c, ip="10.2.2.2")
    with pytest.raises(CommitmentError, match="已举报过"):
        public.report_comment(c, ip="10.2.2.2")  # the same address without an identity counts once
    assert c.status == CommentStatus.APPROVED and c.report_count == 2
    c = public.report_comment(c, citizen=citizen("13800008888"))
    assert c.status == CommentStatus.HIDDEN
    assert org_world.office_a.notifications.filter(title__contains="已自动隐藏").exists()
    assert "某某是骗子" not in client_for(org_world.anonymous).get(reverse("public_commitments:item", args=[item.pk])).content.decode()
    public.moderate(c, approve=True, user=org_world.office_a)  # restored after review
    c.refresh_from_db()
    assert c.status == CommentStatus.APPROVED and c.report_count == 0


def test_only_published_items_take_comments(campaign, org_world):
    draft = claim(campaign, org_world.towns_a[1])
    with pytest.raises(CommitmentError, match="未公示"):
        public.post_comment(draft, citizen(), "？")


# ---- 评诺 --------------------------------------------------------------------------------------


def test_one_vote_per_identity_while_the_evaluation_is_open_and_the_satisfaction_rate(item):
    december = dt.datetime(2025, 12, 5, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with pytest.raises(CommitmentError, match="不在评诺时间内"):
        public.vote(item, citizen(), "satisfied", now=december - dt.timedelta(days=10))
    choices = ["satisfied", "satisfied", "basic", "dissatisfied"]
    for i, choice in enumerate(choices):
        public.vote(item, citizen(f"1380000900{i}"), choice, now=december)
    with pytest.raises(CommitmentError, match="已对该事项作出评价"):
        public.vote(item, Citizen.objects.get(phone="13800009000"), "basic", now=december)
    tally = public.tally(item)
    # (2 满意 + 1 基本满意) ÷ 4 = 75.0%
    assert (tally.satisfied, tally.basic, tally.dissatisfied, tally.satisfaction) == (2, 1, 1, 75)


# ---- the pages --------------------------------------------------------------------------------


def test_the_public_list_filters_by_unit_and_status_with_progress_bars(item, campaign, org_world, client_for):
    other = claim(campaign, org_world.towns_a[1], title="农贸市场改造")
    html = client_for(org_world.anonymous).get(reverse("public_commitments:index")).content.decode()
    assert item.title in html and other.title not in html  # not published
    assert 'role="progressbar"' in html and "0%" in html
    services.report_progress(item.milestones.get(seq=1), 100, "完成", reported_on=dt.date(2025, 4, 20))
    html = client_for(org_world.anonymous).get(reverse("public_commitments:index") + "?status=published&unit=C-A-01").content.decode()
    assert item.title in html and "25.0%" in html  # weights 1,2,1: 100 ÷ 4
    html = client_for(org_world.anonymous).get(reverse("public_commitments:index") + "?unit=C-A-02").content.decode()
    assert item.title not in html


def test_the_timeline_shows_each_report(item, org_world, client_for):
    services.report_progress(item.milestones.get(seq=1), 100, "形成问题清单36条", reported_on=dt.date(2025, 4, 20))
    html = client_for(org_world.anonymous).get(reverse("public_commitments:item", args=[item.pk])).content.decode()
    assert "2025-04-20" in html and "节点1完成100%：形成问题清单36条" in html and "经审核对外公示" in html


def test_a_draft_is_not_on_the_public_page(campaign, org_world, client_for):
    draft = claim(campaign, org_world.towns_a[1])
    assert client_for(org_world.anonymous).get(reverse("public_commitments:item", args=[draft.pk])).status_code == 404


@pytest.mark.parametrize("url", ["index", "item"])
def test_an_anonymous_visitor_after_a_signed_in_leader_sees_no_trace_of_the_leader(item, org_world, client_for, url):
    path = reverse("public_commitments:index") if url == "index" else reverse("public_commitments:item", args=[item.pk])
    mayor = f.leader(org_world.city, username="mayor_li", display_name="李市长")
    mine = client_for(mayor).get(path).content.decode()
    theirs = client_for(org_world.anonymous).get(path).content.decode()
    assert "李市长" in mine and 'id="sidenav"' in mine and "usermenu" in mine
    assert item.title in theirs
    assert "李市长" not in theirs and "usermenu" not in theirs and 'id="sidenav"' not in theirs


def test_each_visitor_gets_their_own_form_token_and_identity(item, org_world, client_for):
    path = reverse("public_commitments:item", args=[item.pk])
    verified = client_for(org_world.anonymous)
    session = verified.session
    session["kaohe_citizen"] = citizen().pk
    session.save()
    first = verified.get(path).content.decode()
    second = client_for(org_world.anonymous).get(path).content.decode()
    assert 'id="comment-form"' in first and 'id="comment-form"' not in second and 'id="verify-link"' in second
    assert CSRF.search(first).group(1) != CSRF.search(second).group(1)


def test_commenting_through_the_page_after_verifying(item, org_world, client_for):
    client = client_for(org_world.anonymous)
    next_url = reverse("public_commitments:item", args=[item.pk])
    client.post(reverse("public_commitments:verify"), {"step": "send", "phone": "13800001111", "next": next_url})
    code = re.search(r"验证码为(\d{6})", public.outbox[-1][1]).group(1)
    response = client.post(reverse("public_commitments:verify"), {"step": "code", "phone": "13800001111", "code": code, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    client.post(reverse("public_commitments:comment", args=[item.pk]), {"body": "希望尽快", "nickname": "小区居民", "rating": "5"})
    c = item.comments.get()
    assert (c.nickname, c.rating, c.status, c.citizen.phone) == ("小区居民", 5, CommentStatus.PENDING, "13800001111")


def test_the_verify_page_does_not_redirect_off_site(item, org_world, client_for):
    client = client_for(org_world.anonymous)
    client.post(reverse("public_commitments:verify"), {"step": "send", "phone": "13800001111"})
    code = re.search(r"验证码为(\d{6})", public.outbox[-1][1]).group(1)
    response = client.post(reverse("public_commitments:verify"), {"step": "code", "phone": "13800001111", "code": code,
                                                                  "next": "https://evil.example/"})
    assert response["Location"] == reverse("public_commitments:index")
