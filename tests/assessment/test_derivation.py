"""A district's scheme derived from the city's, and 目标分解 with the sum checked (hand-worked numbers)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kaohe.assessment import derivation, schemes
from kaohe.assessment.derivation import (
    DerivationError,
    decompose_targets,
    derive_scheme,
    proportional_split,
)
from kaohe.assessment.models import Target
from kaohe.audit.models import AuditEntry
from tests import factories as f
from tests.assessment.factories import adopted_version


@pytest.fixture
def city(org_world):
    """The city's adopted scheme; the city assigned 甲区 100 亿元 of 固定资产投资 and 1001 new jobs."""
    version = adopted_version(org_world)
    Target.objects.create(version=version, unit=org_world.district_a, indicator="fai", target=D("100"))
    Target.objects.create(version=version, unit=org_world.district_a, indicator="jobs", target=D("1001"))
    Target.objects.create(version=version, unit=org_world.district_b, indicator="fai", target=D("80"))
    return version


@pytest.fixture
def district(org_world, city):
    """甲区's scheme for its two towns (甲一街道, 甲二镇), with 固定资产投资 and 城镇新增就业."""
    office = org_world.office_a
    towns = f.PeerGroupFactory(year=2025, code="CA-ZJ", name="甲区镇街", members=org_world.towns_a)
    version = derive_scheme(city, org_world.district_a, ["fai", "jobs"], user=office, peer_groups=[towns])
    t1, t2 = org_world.towns_a
    return version, t1, t2, office


def test_the_derived_scheme_keeps_the_picked_indicators_and_is_the_districts_own(org_world, city, district):
    version, *_ = district
    leaves = {row.leaf.code: row for row in schemes.leaf_rows(schemes.engine_scheme(version.content))}
    assert set(leaves) == {"fai", "jobs"}
    # The categories holding them survive (经济发展 for fai, 民生保障 for jobs); the district collects.
    assert {tuple(row.category) for row in leaves.values()} == {("经济发展",), ("民生保障",)}
    assert {row.leaf.platform.responsible_unit for row in leaves.values()} == {"C-A"}
    assert version.scheme.owner_unit == org_world.district_a and version.scheme.code == city.scheme.code
    assert version.scheme.derived_from == city and version.status == "draft"
    assert version.content["name"] == "甲区2025年度高质量发展综合考核（对镇街、园区）"


def test_a_computed_or_unknown_indicator_cannot_be_passed_down(org_world, city):
    with pytest.raises(DerivationError) as err:
        derive_scheme(city, org_world.district_a, ["gdp_yoy", "nope"], user=org_world.office)
    assert err.value.errors == ["指标“地区生产总值增速”: 由市方案的其他指标计算得出，不能单独下发",
                                "指标代码 nope: 市方案中没有这个计分指标"]


def test_only_a_unit_below_the_city_derives_from_the_citys_scheme(org_world, city):
    with pytest.raises(DerivationError, match="不在 测试市 之下"):
        derive_scheme(city, org_world.city, ["fai"], user=org_world.office)


def test_a_proportional_split_adds_up_by_the_largest_remainder():
    # 100.00 / 3 = 33.333…: each cut to 33.33 (99.99), the one missing 0.01 goes to the first of
    # the equal remainders (smallest id) → 33.34 + 33.33 + 33.33 = 100.00.
    assert proportional_split(D("100"), {1: D(1), 2: D(1), 3: D(1)}, 2) == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}
    # 1001 people by weights 2 : 1 → 667.33… and 333.66…; cut to 667 + 333 = 1000; the missing
    # person goes to the larger remainder (0.67 of town 2) → 667 + 334 = 1001.
    assert proportional_split(D("1001"), {1: D(2), 2: D(1)}, 0) == {1: D("667"), 2: D("334")}
    # No weights anywhere (no history yet): equal parts.
    assert proportional_split(D("10"), {1: D(0), 2: D(0)}, 0) == {1: D("5"), 2: D("5")}


def test_a_split_that_adds_up_is_stored_and_audited(org_world, district):
    version, t1, t2, office = district
    rows = decompose_targets(version, {"fai": {t1.pk: D("60.00"), t2.pk: D("40.00")},
                                       "jobs": {t1.pk: D("667"), t2.pk: D("334")}}, user=office)
    assert len(rows) == 4
    stored = {(t.unit_id, t.indicator): t.target for t in Target.objects.filter(version=version)}
    assert stored == {(t1.pk, "fai"): D("60"), (t2.pk, "fai"): D("40"), (t1.pk, "jobs"): D("667"), (t2.pk, "jobs"): D("334")}
    assert AuditEntry.objects.filter(object_repr__contains="目标分解").exists()
    # The page's view of it: city's target 100, parts 100, no difference.
    fai = next(a for a in derivation.assignments(version) if a.spec.code == "fai")
    assert (fai.assigned, fai.total, fai.difference) == (D("100"), D("100"), D("0.00"))


def test_a_split_off_by_one_cent_is_refused_naming_the_indicator_and_the_difference(org_world, district):
    version, t1, t2, office = district
    with pytest.raises(DerivationError) as err:
        # 60.00 + 39.99 = 99.99 亿元 against 100.00: short by 0.01. The jobs split is fine, but
        # nothing is stored: all or nothing.
        decompose_targets(version, {"fai": {t1.pk: D("60.00"), t2.pk: D("39.99")},
                                    "jobs": {t1.pk: D("667"), t2.pk: D("334")}}, user=office)
    assert err.value.errors == [
        "指标“固定资产投资”: 各单位分解合计 99.99亿元，市下达甲区目标 100.00亿元，相差 -0.01亿元"]
    assert not Target.objects.filter(version=version).exists()


def test_over_assigning_shows_a_plus_sign(org_world, district):
    version, t1, t2, office = district
    with pytest.raises(DerivationError, match=r"合计 1,002人，市下达甲区目标 1,001人，相差 \+1人"):
        decompose_targets(version, {"jobs": {t1.pk: D("668"), t2.pk: D("334")}}, user=office)


def test_a_missing_town_a_stranger_and_a_fraction_of_a_person_are_each_named(org_world, district):
    version, t1, t2, office = district
    stranger = org_world.towns_b[0]
    with pytest.raises(DerivationError) as err:
        decompose_targets(version, {"fai": {t1.pk: D("100")},
                                    "jobs": {t1.pk: D("500.5"), t2.pk: D("500.5"), stranger.pk: D("0")}}, user=office)
    assert err.value.errors == [
        "指标“固定资产投资”: 甲二镇 缺少分解目标",
        "指标“城镇新增就业”: 乙一街道 不是本方案的考核对象",
        "指标“城镇新增就业”: 甲一街道 的分解目标 500.5 超出 0 位小数",
        "指标“城镇新增就业”: 甲二镇 的分解目标 500.5 超出 0 位小数",
    ]


@pytest.mark.django_db(transaction=True)
def test_two_offices_saving_a_decomposition_at_once_leave_one_whole_split(org_world):
    """Real threads on PostgreSQL (the version row is locked, the second waits and replaces the
    first); SQLite's in-memory test database serialises writers, so there the threads run in turn."""
    import threading

    from django.db import connection

    city = adopted_version(org_world)
    Target.objects.create(version=city, unit=org_world.district_a, indicator="fai", target=D("100"))
    towns = f.PeerGroupFactory(year=2025, code="CA-ZJ", name="甲区镇街", members=org_world.towns_a)
    version = derive_scheme(city, org_world.district_a, ["fai"], user=org_world.office, peer_groups=[towns])
    t1, t2 = org_world.towns_a
    splits = [{t1.pk: D("60"), t2.pk: D("40")}, {t1.pk: D("55"), t2.pk: D("45")}]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def save(parts):
        try:
            if connection.vendor == "postgresql":
                start.wait(timeout=30)
            decompose_targets(version, {"fai": parts})
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(parts,)) for parts in splits]
    for thread in threads:
        thread.start()
        if connection.vendor != "postgresql":
            thread.join(timeout=60)
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    stored = dict(Target.objects.filter(version=version, indicator="fai").values_list("unit_id", "target"))
    assert stored in splits  # two rows, one whole split (60 + 40 or 55 + 45), never a mixture
