"""The district office's pages: 派生方案 and 目标分解, as the office, and as another district's office."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kaohe.assessment.models import Scheme, Target
from tests import factories as f
from tests.assessment.factories import adopted_version


@pytest.fixture
def setup(org_world):
    city = adopted_version(org_world)
    Target.objects.create(version=city, unit=org_world.district_a, indicator="fai", target=D("100"))
    office_a = org_world.office_a
    office_b = org_world.office_b
    group = f.PeerGroupFactory(year=2025, code="CA-ZJ", name="甲区镇街", members=org_world.towns_a)
    return city, office_a, office_b, group


def test_the_district_office_derives_its_scheme_from_the_citys_on_its_page(org_world, setup, client_for):
    city, office_a, _b, group = setup
    client = client_for(office_a)
    page = client.get("/assessment/schemes/derive/").content.decode()
    assert "甲区 · 对照上级方案派生本级方案" in page and "固定资产投资" in page and "甲区镇街" in page
    response = client.post("/assessment/schemes/derive/", {"source": city.pk, "indicator": ["fai", "jobs"],
                                                          "group": [group.pk]})
    scheme = Scheme.objects.get(owner_unit=org_world.district_a)
    version = scheme.versions.get()
    assert response.status_code == 302 and response["Location"] == f"/assessment/versions/{version.pk}/split/"
    assert list(version.peer_groups.all()) == [group] and scheme.derived_from == city


def test_the_split_page_names_the_difference_and_saves_nothing_until_it_adds_up(org_world, setup, client_for):
    city, office_a, _b, group = setup
    client = client_for(office_a)
    client.post("/assessment/schemes/derive/", {"source": city.pk, "indicator": ["fai"], "group": [group.pk]})
    version = Scheme.objects.get(owner_unit=org_world.district_a).versions.get()
    t1, t2 = org_world.towns_a
    page = client.get(f"/assessment/versions/{version.pk}/split/").content.decode()
    # The proposal without history: 100 亿元 in two equal halves.
    assert "100.00亿元" in page and 'placeholder="50.00"' in page
    wrong = client.post(f"/assessment/versions/{version.pk}/split/", {f"t-fai-{t1.pk}": "70", f"t-fai-{t2.pk}": "20"})
    text = wrong.content.decode()
    # 70 + 20 = 90 against 100: short by 10.00 亿元.
    assert wrong.status_code == 200 and "相差 -10.00亿元" in text and "均未保存" in text
    assert not Target.objects.filter(version=version).exists()
    right = client.post(f"/assessment/versions/{version.pk}/split/", {f"t-fai-{t1.pk}": "70", f"t-fai-{t2.pk}": "30"})
    assert right.status_code == 302
    assert sorted(Target.objects.filter(version=version).values_list("target", flat=True)) == [D("30"), D("70")]


def test_a_typo_in_a_part_is_named_with_town_and_indicator(org_world, setup, client_for):
    city, office_a, _b, group = setup
    client = client_for(office_a)
    client.post("/assessment/schemes/derive/", {"source": city.pk, "indicator": ["fai"], "group": [group.pk]})
    version = Scheme.objects.get(owner_unit=org_world.district_a).versions.get()
    t1, t2 = org_world.towns_a
    text = client.post(f"/assessment/versions/{version.pk}/split/",
                       {f"t-fai-{t1.pk}": "七十", f"t-fai-{t2.pk}": "30"}).content.decode()
    assert "指标“固定资产投资”: 甲一街道 的“七十”" in text


def test_another_districts_office_cannot_decompose_its_targets(org_world, setup, client_for):
    city, office_a, office_b, group = setup
    client_for(office_a).post("/assessment/schemes/derive/", {"source": city.pk, "indicator": ["fai"], "group": [group.pk]})
    version = Scheme.objects.get(owner_unit=org_world.district_a).versions.get()
    t1, t2 = org_world.towns_a
    response = client_for(office_b).post(f"/assessment/versions/{version.pk}/split/",
                                         {f"t-fai-{t1.pk}": "70", f"t-fai-{t2.pk}": "30"})
    assert response.status_code == 404  # 乙区's office is not told 甲区's scheme exists
    assert not Target.objects.filter(version=version).exists()


def test_the_city_office_overseeing_the_district_decomposes_its_targets_too(org_world, setup, client_for):
    # The city's office manages 甲区's scheme (it edits and adopts it); the split is no exception.
    city, office_a, _b, group = setup
    client_for(office_a).post("/assessment/schemes/derive/", {"source": city.pk, "indicator": ["fai"], "group": [group.pk]})
    version = Scheme.objects.get(owner_unit=org_world.district_a).versions.get()
    t1, t2 = org_world.towns_a
    client = client_for(org_world.office)
    assert 'name="t-fai-' in client.get(f"/assessment/versions/{version.pk}/split/").content.decode()
    response = client.post(f"/assessment/versions/{version.pk}/split/", {f"t-fai-{t1.pk}": "60", f"t-fai-{t2.pk}": "40"})
    assert response.status_code == 302
    assert sorted(Target.objects.filter(version=version).values_list("target", flat=True)) == [D("40"), D("60")]


@pytest.mark.parametrize("role", ["leader", "leader_a"])
def test_a_leader_reads_the_split_but_may_not_save_it(org_world, setup, client_for, role):
    city, office_a, _b, group = setup
    client_for(office_a).post("/assessment/schemes/derive/", {"source": city.pk, "indicator": ["fai"], "group": [group.pk]})
    version = Scheme.objects.get(owner_unit=org_world.district_a).versions.get()
    t1, t2 = org_world.towns_a
    client = client_for(org_world.users[role])
    assert client.get(f"/assessment/versions/{version.pk}/split/").status_code == 200
    response = client.post(f"/assessment/versions/{version.pk}/split/", {f"t-fai-{t1.pk}": "60", f"t-fai-{t2.pk}": "40"})
    assert response.status_code == 403 and not Target.objects.filter(version=version).exists()
