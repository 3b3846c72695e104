"""A 甲区 campaign (百名局长百件事-style: the heads of the units below 甲区 claim one item each)
in the org world, and helpers to claim and publish."""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.commitments import services
from kaohe.commitments.models import Campaign, ClaimantKind
from kaohe.commitments.services import MilestonePlan

CLAIM_DAY = dt.date(2025, 3, 10)
PUBLISHED_AT = dt.datetime(2025, 3, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PLAN = [MilestonePlan("完成调查研究，形成问题清单", dt.date(2025, 4, 30), 1),
        MilestonePlan("完成改造工程", dt.date(2025, 9, 30), 2),
        MilestonePlan("群众回访验收", dt.date(2025, 11, 28), 1)]


@pytest.fixture
def campaign(org_world, work_calendar):
    return Campaign.objects.create(
        code="bmjz-2025", name="百名局长百件事", year=2025, owner_unit=org_world.district_a,
        claimant_kind=ClaimantKind.BUREAU_HEAD, claim_opens=dt.date(2025, 3, 1), claim_closes=dt.date(2025, 3, 31),
        evaluation_opens=dt.date(2025, 12, 1), evaluation_closes=dt.date(2025, 12, 31))


def claim(campaign, unit, user=None, title="老旧小区加装电梯", **kw):
    return services.claim(campaign, unit, claimant_name="张局长", claimant_title="局长", title=title,
                          problem="老旧小区居民上下楼难", goal="年内完成10部电梯加装", milestones=kw.pop("milestones", PLAN),
                          user=user, on=kw.pop("on", CLAIM_DAY), **kw)


def published(campaign, unit, office, user=None, **kw):
    item = claim(campaign, unit, user=user, **kw)
    services.submit(item, user=user)
    services.approve(item, user=office)
    services.publish([item], user=office, at=PUBLISHED_AT)
    item.refresh_from_db()
    return item


@pytest.fixture
def item(campaign, org_world):
    """甲一街道's published item."""
    return published(campaign, org_world.towns_a[0], org_world.office_a, org_world.assessed_town_a)
