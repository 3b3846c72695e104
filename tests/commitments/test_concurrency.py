"""Concurrent claims and reports on PostgreSQL: numbers without gaps or repeats, the per-claimant
rule held, a comment hidden once at its threshold.

Real threads, each with its own connection (``transaction=True``), started together at a barrier.
SQLite's test database serialises writers, so these prove something only on PostgreSQL; they run
in both partitions.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.commitments import public
from kaohe.commitments.models import Campaign, ClaimantKind, CommentStatus
from kaohe.commitments.services import CommitmentError
from kaohe.orgs.models import UnitKind
from tests import factories as f
from tests.commitments.conftest import claim, published
from tests.threads import done_and_refused, together

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(jobs) -> tuple[list, list[str]]:
    return done_and_refused(together(jobs), CommitmentError)


@pytest.fixture
def streets(org_world, work_calendar):
    return [f.OrgUnitFactory(code=f"C-A-S{i}", name=f"甲区第{i}街道", kind=UnitKind.STREET, parent=org_world.district_a)
            for i in range(8)]


@pytest.fixture
def sgjd(org_world):
    return Campaign.objects.create(code="sgjd", name="十个街道十张卷", year=2025, owner_unit=org_world.district_a,
                                   claimant_kind=ClaimantKind.STREET, claim_opens=dt.date(2025, 3, 1), claim_closes=dt.date(2025, 3, 31))


def test_eight_streets_claiming_at_once_get_numbers_1_to_8(sgjd, streets):
    results, failures = _at_once([lambda u=u: claim(sgjd, u).number for u in streets])
    assert failures == [] and sorted(results) == list(range(1, 9))


def test_one_street_claiming_six_times_at_once_gets_its_two(sgjd, streets):
    sgjd.items_per_claimant = 2
    sgjd.save()
    results, failures = _at_once([lambda i=i: claim(sgjd, streets[0], title=f"事项{i}").number for i in range(6)])
    assert sorted(results) == [1, 2] and len(failures) == 4
    assert all("已认领2项" in text for text in failures)


def test_three_reports_at_once_hide_the_comment_once(sgjd, streets, org_world):
    item = published(sgjd, streets[0], org_world.office_a)
    person = public.verify_code("13800001111", public.request_code("13800001111"))
    comment = public.moderate(public.post_comment(item, person, "攻击性言论"), approve=True, user=org_world.office_a)
    reporters = [public.verify_code(p, public.request_code(p)) for p in ("13800002221", "13800002222", "13800002223")]
    _results, failures = _at_once([lambda c=c: public.report_comment(comment, citizen=c) for c in reporters])
    comment.refresh_from_db()
    assert failures == [] and comment.report_count == 3 and comment.status == CommentStatus.HIDDEN
    assert org_world.office_a.notifications.filter(title__contains="已自动隐藏").count() == 1
