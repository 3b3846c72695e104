"""Real Chromium through a public commitment: claim → approve → publish → a citizen verifies and
comments → the office reviews it → the unit answers → the public sees both.
Screenshots: var/test-output/commitments-*.png (look at them)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from kaohe.commitments import public
from kaohe.commitments.models import (
    Campaign,
    ClaimantKind,
    CommentStatus,
    Commitment,
    CommitmentStatus,
)
from tests.browser.conftest import OUTPUT
from tests.browser.test_projects import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(org_world, work_calendar):
    today = timezone.localdate()
    return Campaign.objects.create(
        code="sgjd", name="十个街道十张卷", year=today.year, owner_unit=org_world.district_a, claimant_kind=ClaimantKind.STREET,
        claim_opens=today - dt.timedelta(days=5), claim_closes=today + dt.timedelta(days=20),
        description="每个街道认领一项基层治理难题，年内交卷，接受群众阅卷。")


def _workday(calendar, after: dt.date) -> dt.date:
    return calendar.next_workday(after)


def test_claim_approve_publish_comment_moderate_answer(browser, live_server, campaign, org_world, work_calendar):
    today = timezone.localdate()
    first, second = _workday(work_calendar, today + dt.timedelta(days=7)), _workday(work_calendar, today + dt.timedelta(days=40))
    # 1. The street claims its item and submits it.
    page = sign_in(browser, live_server, "assessed_town_a")
    page.goto(f"{live_server.url}/commitments/")
    page.get_by_role("link", name="认领").click()
    page.fill("input[name=claimant_name]", "王建国")
    page.fill("input[name=claimant_title]", "街道党工委书记")
    page.fill("input[name=title]", "背街小巷路灯修复")
    page.select_option("select[name=problem_kind]", "annoyance")
    page.fill("textarea[name=problem]", "甲一街道背街小巷夜间照明不足，老人和学生出行不安全")
    page.fill("textarea[name=goal]", "修复、新增路灯150盏，亮灯率100%")
    page.fill("input[name=contact]", "025-12345678")
    page.fill("input[name=m1_title]", "完成排查，形成点位清单")
    page.fill("input[name=m1_due]", first.isoformat())
    page.fill("input[name=m2_title]", "全部修复并回访")
    page.fill("input[name=m2_due]", second.isoformat())
    page.fill("input[name=m2_weight]", "2")
    page.screenshot(path=str(OUTPUT / "commitments-claim.png"), full_page=True)
    page.click("#claim-form button[type=submit]")
    page.wait_for_selector("#submit-item")
    page.click("#submit-item")
    page.wait_for_selector("text=已报送审核")
    item = Commitment.objects.get()
    assert item.status == CommitmentStatus.SUBMITTED and item.milestones.count() == 2
    page.close()

    # 2. The district office approves and publishes.
    page = sign_in(browser, live_server, "office_a")
    page.goto(f"{live_server.url}/commitments/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="背街小巷路灯修复").click()
    page.click("#approve-item")
    page.wait_for_selector("#publish-item")
    page.click("#publish-item")
    page.wait_for_selector("text=已对外公示")
    page.screenshot(path=str(OUTPUT / "commitments-published.png"), full_page=True)
    page.close()

    # 3. A citizen finds it on the public page, verifies a phone and comments under a nickname.
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/public/commitments/")
    assert page.locator("#public-items").get_by_role("link", name="背街小巷路灯修复").is_visible()
    page.screenshot(path=str(OUTPUT / "commitments-public-list.png"), full_page=True)
    page.get_by_role("link", name="背街小巷路灯修复").click()
    page.click("#verify-link")
    page.fill("#phone", "13800001111")
    page.click("#send-code button[type=submit]")
    page.wait_for_selector("text=验证码已发送")
    code = re.search(r"验证码为(\d{6})", public.outbox[-1][1]).group(1)
    page.fill("#code", code)
    page.click("#check-code button[type=submit]")
    page.wait_for_selector("#comment-form")
    page.fill("#nickname", "老街坊")
    page.select_option("#rating", "4")
    page.fill("#body", "东巷口的路灯坏了快一年了，希望尽快修好。")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("text=审核通过后公开显示")
    assert "东巷口的路灯" not in page.inner_text("#public-comments")  # 先审后发
    page.screenshot(path=str(OUTPUT / "commitments-commented.png"), full_page=True)

    # 4. The office reviews it.
    office = sign_in(browser, live_server, "office_a")
    office.goto(f"{live_server.url}/commitments/moderation/")
    assert "138****1111" in office.inner_text("#queue") and "老街坊" in office.inner_text("#queue")
    office.screenshot(path=str(OUTPUT / "commitments-moderation.png"), full_page=True)
    office.get_by_role("button", name="通过并发布").click()
    office.wait_for_selector("text=没有待审核的留言")
    office.close()

    # 5. The street answers it.
    unit = sign_in(browser, live_server, "assessed_town_a")
    unit.goto(f"{live_server.url}/commitments/items/{item.pk}/")
    unit.fill("#comments input[name=answer]", "感谢反映，东巷口路灯已列入第一批修复点位，本月内修好。")
    unit.get_by_role("button", name="答复", exact=True).click()
    unit.wait_for_selector("text=已答复")
    unit.screenshot(path=str(OUTPUT / "commitments-answered.png"), full_page=True)
    unit.close()

    # 6. The public sees the comment (nickname, never the phone) and the answer.
    page.reload()
    text = page.inner_text("#public-comments")
    assert "东巷口的路灯" in text and "老街坊" in text and "本月内修好" in text and "13800001111" not in page.content()
    page.screenshot(path=str(OUTPUT / "commitments-public-item.png"), full_page=True)
    comment = item.comments.get()
    assert comment.status == CommentStatus.APPROVED and comment.answered_at is not None
    page.close()
