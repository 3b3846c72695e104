"""The figures as an indicator source, hand-worked: a district counts the items of the units below it."""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.assessment import sources
from kaohe.assessment.sources import SourceRequest
from kaohe.commitments import public, services
from tests.commitments.conftest import published

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def year(campaign, org_world, item):
    # 甲一街道: milestones due 4-30 (reached 4-28, on time), 9-30 (reached 10-09, late), 11-28
    # (reached 11-20, on time); fulfilled 11-25; 3 满意 + 1 不满意 in December; office score 92.
    m1, m2, m3 = item.milestones.order_by("seq")
    services.report_progress(m1, 100, "完成", reported_on=dt.date(2025, 4, 28))
    services.report_progress(m2, 100, "完成", reported_on=dt.date(2025, 10, 9))
    services.report_progress(m3, 100, "完成", reported_on=dt.date(2025, 11, 20))
    services.close(item, fulfilled=True, note="全部完成", closed_on=dt.date(2025, 11, 25))
    december = dt.datetime(2025, 12, 10, 10, tzinfo=CST)
    for i, choice in enumerate(["satisfied", "satisfied", "satisfied", "dissatisfied"]):
        person = public.verify_code(f"1380000100{i}", public.request_code(f"1380000100{i}"))
        public.vote(item, person, choice, now=december)
    item.office_score = 92
    item.save()
    # 甲二镇: nothing reached yet.
    published(campaign, org_world.towns_a[1], org_world.office_a)
    return item


def _values(end, units=("C-A", "C-A-02", "C-B")):
    source = sources.get("commitments")
    found = source.compute(SourceRequest(2025, end, tuple(units), tuple(source.indicators)))
    return {(f.unit, f.indicator): f.value for f in found}


def test_the_source_is_registered_with_its_indicators():
    source = sources.get("commitments")
    assert source.name == "公开承诺"
    assert set(source.indicators) == {"commit_completion_rate", "commit_ontime_rate", "commit_satisfaction", "commit_office_score"}


def test_year_end_figures_of_the_district_and_a_town(year):
    v = _values(dt.date(2025, 12, 31))
    # 甲区: 2 items, 1 fulfilled → 50.0%; 6 milestones due, 2 on time → 33.3%; 3 of 4 votes content → 75.0%; 92.0
    assert v[("C-A", "commit_completion_rate")] == 50.0
    assert v[("C-A", "commit_ontime_rate")] == 33.3
    assert v[("C-A", "commit_satisfaction")] == 75.0
    assert v[("C-A", "commit_office_score")] == 92.0
    # 甲二镇: 0 of 1; 0 of 3 milestones; no vote, no score
    assert (v[("C-A-02", "commit_completion_rate")], v[("C-A-02", "commit_ontime_rate")]) == (0.0, 0.0)
    assert v[("C-A-02", "commit_satisfaction")] is None and v[("C-A-02", "commit_office_score")] is None
    # 乙区 has no items: nothing to count
    assert all(v[("C-B", code)] is None for code in ("commit_completion_rate", "commit_ontime_rate", "commit_satisfaction"))


def test_mid_year_figures_count_only_what_had_happened(year):
    v = _values(dt.date(2025, 6, 30))
    # not yet fulfilled; milestones due by 6-30: the two 4-30 ones, one reached on time → 50.0%; no votes
    assert v[("C-A", "commit_completion_rate")] == 0.0
    assert v[("C-A", "commit_ontime_rate")] == 50.0
    assert v[("C-A", "commit_satisfaction")] is None


def test_each_value_names_the_items_it_was_counted_from(year):
    source = sources.get("commitments")
    found = source.compute(SourceRequest(2025, dt.date(2025, 12, 31), ("C-A",), ("commit_completion_rate",)))
    assert sorted(found[0].inputs["commitments"]) == sorted(year.campaign.commitments.values_list("pk", flat=True))
    assert len(found[0].inputs_hash) == 64
