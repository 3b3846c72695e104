"""The commitment workflow: claim → submit → approve → publish → progress → 销号 and 评诺, each
refusal with its reason, every change a version in the audit trail under the item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaohe.audit.services import changes_under
from kaohe.commitments import services
from kaohe.commitments.models import CommitmentStatus
from kaohe.commitments.services import CommitmentError, MilestonePlan
from kaohe.notifications.models import Notification
from tests.commitments.conftest import claim, published

pytestmark = pytest.mark.django_db


def test_the_heads_of_the_units_below_the_district_are_the_eligible_claimants(campaign, org_world):
    names = {u.name for u in services.eligible_units(campaign)}
    assert names == {"甲一街道", "甲二镇", "甲区统计局"}


def test_a_claim_outside_the_window_is_refused_with_the_window(campaign, org_world):
    with pytest.raises(CommitmentError, match="2025-03-01至2025-03-31"):
        claim(campaign, org_world.towns_a[0], on=dt.date(2025, 4, 1))


def test_a_unit_outside_the_campaign_may_not_claim(campaign, org_world):
    with pytest.raises(CommitmentError, match="乙一街道不是本活动的认领单位"):
        claim(campaign, org_world.towns_b[0])


def test_one_item_per_claimant_unless_the_rule_says_n(campaign, org_world):
    claim(campaign, org_world.towns_a[0])
    with pytest.raises(CommitmentError, match="已认领1项，本活动每个认领主体认领1项"):
        claim(campaign, org_world.towns_a[0], title="第二件事")
    campaign.items_per_claimant = 2
    campaign.save()
    assert claim(campaign, org_world.towns_a[0], title="第二件事").number == 2


def test_a_milestone_on_a_holiday_names_the_working_day_before_it(campaign, org_world):
    # 2025-10-01 is 国庆; 9-30 is a working day. 2025-09-28 (Sunday) is a 调休 working day: accepted.
    bad = [MilestonePlan("节点", dt.date(2025, 10, 1))]
    with pytest.raises(CommitmentError, match="2025-10-01不是工作日，请改为工作日（如2025-09-30）"):
        claim(campaign, org_world.towns_a[0], milestones=bad)
    item = claim(campaign, org_world.towns_a[0], milestones=[MilestonePlan("节点", dt.date(2025, 9, 28))])
    assert item.milestones.get().due_on == dt.date(2025, 9, 28)


def test_a_claim_needs_a_measurable_milestone(campaign, org_world):
    with pytest.raises(CommitmentError, match="至少需要一个可衡量的节点"):
        claim(campaign, org_world.towns_a[0], milestones=[])


def test_the_unclaimed_list_and_duplicate_titles(campaign, org_world):
    claim(campaign, org_world.towns_a[0])
    claim(campaign, org_world.towns_a[1])  # same title
    assert [u.name for u in services.unclaimed_units(campaign)] == ["甲区统计局"]
    assert services.duplicate_titles(campaign) == {"老旧小区加装电梯": [1, 2]}


def test_the_office_approves_before_publication_and_the_unit_is_told(campaign, org_world):
    item = claim(campaign, org_world.towns_a[0], user=org_world.assessed_town_a)
    with pytest.raises(CommitmentError, match="不能执行此操作"):
        services.publish([item], user=org_world.office_a)  # not approved yet
    services.submit(item, user=org_world.assessed_town_a)
    assert Notification.objects.get(recipient=org_world.office_a, title__contains="待审核").kind == "commitment"
    services.return_item(item, "节点不够具体", user=org_world.office_a)
    assert item.status == CommitmentStatus.RETURNED
    services.update_item(item, goal="年内完成12部电梯加装", user=org_world.assessed_town_a)
    services.submit(item, user=org_world.assessed_town_a)
    services.approve(item, user=org_world.office_a)
    assert services.publish([item], user=org_world.office_a) == 1
    item.refresh_from_db()
    assert item.status == CommitmentStatus.PUBLISHED and item.published_at is not None
    assert Notification.objects.filter(recipient=org_world.assessed_town_a, title__contains="已公示").exists()
    with pytest.raises(CommitmentError, match="不能修改"):
        services.update_item(item, goal="改口", user=org_world.assessed_town_a)


def test_every_change_is_a_version_in_the_trail_under_the_item(item, org_world):
    m1 = item.milestones.get(seq=1)
    services.report_progress(m1, 100, "问题清单已形成", reported_on=dt.date(2025, 4, 28), user=org_world.assessed_town_a)
    item.refresh_from_db()
    # claim 1, submit 2, approve 3, publish 4, report 5
    assert item.version == 5
    actions = [e.action for e in changes_under(item).order_by("at", "id")]
    assert actions == ["create", "submit", "approve", "publish", "update"]
    entry = changes_under(item).first()
    assert entry.object_type.model == "milestone" and entry.after["progress"] == 100


def test_progress_is_the_weighted_progress_of_the_milestones(item, org_world):
    # weights 1, 2, 1: (100×1 + 50×2 + 0×1) ÷ 4 = 50.0
    services.report_progress(item.milestones.get(seq=1), 100, "完成", reported_on=dt.date(2025, 4, 28))
    services.report_progress(item.milestones.get(seq=2), 50, "完成一半", reported_on=dt.date(2025, 7, 1))
    item.refresh_from_db()
    assert item.progress == Decimal("50.0")
    m1 = item.milestones.get(seq=1)
    assert m1.done_on == dt.date(2025, 4, 28) and m1.on_time is True


def test_progress_never_goes_backwards_and_needs_a_note(item):
    m = item.milestones.get(seq=2)
    services.report_progress(m, 60, "过半", reported_on=dt.date(2025, 7, 1))
    with pytest.raises(CommitmentError, match="不能低于上次报告的60%"):
        services.report_progress(m, 40, "倒退", reported_on=dt.date(2025, 7, 2))
    with pytest.raises(CommitmentError, match="请填写进展情况"):
        services.report_progress(m, 70, " ", reported_on=dt.date(2025, 7, 2))


def test_progress_is_reported_only_once_published(campaign, org_world):
    item = claim(campaign, org_world.towns_a[0])
    with pytest.raises(CommitmentError, match="公示后方可报告进展"):
        services.report_progress(item.milestones.first(), 10, "开始")


def test_milestone_states_on_the_working_day_calendar(item, work_calendar):
    m = item.milestones.get(seq=2)  # due Tuesday 2025-09-30
    state = lambda on: services.milestone_state(m, on, work_calendar).code  # noqa: E731
    # 9-24 (Wed) … 9-30: 24, 25, 26, 28 (调休 Sunday), 29, 30 = 6 working days → still 正常;
    # from 9-25: 25, 26, 28, 29, 30 = 5 → 临近.
    assert state(dt.date(2025, 9, 24)) == "normal"
    assert state(dt.date(2025, 9, 25)) == "due_soon"
    assert state(dt.date(2025, 10, 1)) == "overdue"
    m.done_on, m.progress = dt.date(2025, 10, 9), 100
    assert state(dt.date(2025, 10, 9)) == "done_late"


def test_fulfilled_needs_every_milestone_and_not_fulfilled_keeps_its_reason(item, campaign, org_world):
    with pytest.raises(CommitmentError, match="尚有节点未完成"):
        services.close(item, fulfilled=True, note="完成")
    services.close(item, fulfilled=False, note="因规划调整未能实施", closed_on=dt.date(2025, 12, 20))
    item.refresh_from_db()
    assert item.status == CommitmentStatus.NOT_FULFILLED and item.close_note == "因规划调整未能实施"
    other = published(campaign, org_world.towns_a[1], org_world.office_a)
    for m in other.milestones.all():
        services.report_progress(m, 100, "完成", reported_on=dt.date(2025, 11, 20))
    services.close(other, fulfilled=True, note="全部完成")
    assert other.status == CommitmentStatus.FULFILLED


def test_the_office_scores_out_of_100_once_the_evaluation_opened(item, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: dt.date(2025, 11, 30))
    with pytest.raises(CommitmentError, match="评诺尚未开始"):
        services.score(item, 90)
    monkeypatch.setattr(services, "today", lambda: dt.date(2025, 12, 5))
    with pytest.raises(CommitmentError, match="0–100"):
        services.score(item, 101)
    services.score(item, "92.35", "成效明显")
    assert item.office_score == Decimal("92.4")  # 四舍五入
