"""The organisation pages, each as owner / member / outsider (and the public)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kaohe.orgs.services import move_unit

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"orgs:{name}", args=args)


# ---- directory --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leader", "submitter", "assessed_a"])
def test_every_member_opens_the_directory(org_world, client_for, who):
    assert client_for(org_world.users[who]).get(url("directory")).status_code == 200


def test_the_public_is_sent_to_the_login_page_from_every_orgs_page(org_world, client_for):
    client = client_for(None)
    for target in (url("directory"), url("peer_groups"), url("unit", "C-A")):
        response = client.get(target)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_city_office_sees_the_whole_tree(org_world, client_for):
    page = client_for(org_world.office).get(url("directory")).content.decode()
    for name in ("测试市", "甲区", "乙区", "甲一街道", "乙二镇", "市统计局", "测试开发区"):
        assert name in page


def test_an_assessed_user_sees_only_their_own_branch(org_world, client_for):
    page = client_for(org_world.assessed_a).get(url("directory")).content.decode()
    assert "甲区" in page and "甲一街道" in page
    assert "乙区" not in page and "乙一街道" not in page and "市统计局" not in page


def test_searching_lists_matching_units_in_scope_only(org_world, client_for):
    page = client_for(org_world.assessed_b).get(url("directory"), {"q": "一"}).content.decode()
    assert "乙一街道" in page and "甲一街道" not in page
    page = client_for(org_world.office).get(url("directory"), {"kind": "department"}).content.decode()
    assert "市统计局" in page and "市商务局" in page and "甲一街道" not in page


def test_an_unknown_kind_in_the_query_is_ignored(org_world, client_for):
    assert client_for(org_world.office).get(url("directory"), {"kind": "planet"}).status_code == 200


# ---- unit page --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "status"), [
    ("office", 200), ("leader", 200), ("submitter", 200), ("assessed_a", 200), ("assessed_b", 404),
    ("office_a", 200), ("office_b", 404), ("leader_b", 404), ("district_submitter_b", 404),
])
def test_who_may_open_district_as_page(org_world, client_for, who, status):
    assert client_for(org_world.users[who]).get(url("unit", "C-A")).status_code == status


def test_the_outsider_is_not_told_that_the_unit_exists(org_world, client_for):
    response = client_for(org_world.assessed_b).get(url("unit", "C-A"))
    assert response.status_code == 404 and "甲区" not in response.content.decode()


def test_an_unknown_unit_code_gets_a_clear_404(org_world, client_for):
    response = client_for(org_world.office).get(url("unit", "NOPE"))
    assert response.status_code == 404
    assert "NOPE" in response.content.decode()


def test_the_unit_page_shows_children_groups_and_for_the_office_people_and_history(org_world, client_for):
    page = client_for(org_world.office).get(url("unit", "C-A")).content.decode()
    assert "甲一街道" in page and "主城区" in page and "assessed_a" in page
    assert f"/audit/?object_type=orgs.orgunit&amp;object_id={org_world.district_a.pk}" in page


def test_an_assessed_user_sees_their_unit_without_people_or_history_link(org_world, client_for):
    page = client_for(org_world.assessed_a).get(url("unit", "C-A")).content.decode()
    assert "甲一街道" in page
    assert "assessed_a · " not in page and "/audit/?" not in page


def test_a_moved_unit_shows_its_dated_history(org_world, client_for):
    town = org_world.towns_a[1]
    move_unit(town, parent=org_world.district_b, valid_from=dt.date(2026, 1, 1), reason="区划调整")
    page = client_for(org_world.office).get(url("unit", town.code)).content.decode()
    assert "2025-12-31" in page and "2026-01-01" in page and "区划调整" in page and "至今" in page


def test_ancestors_outside_scope_are_not_links(org_world, client_for):
    page = client_for(org_world.assessed_a).get(url("unit", "C-A-01")).content.decode()
    assert 'href="/orgs/u/C-A/"' in page and 'href="/orgs/u/C/"' not in page


# ---- peer groups --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["office", "leader", "submitter", "assessed_a", "assessed_b"])
def test_every_member_sees_the_peer_groups_of_a_year(org_world, client_for, who):
    page = client_for(org_world.users[who]).get(url("peer_groups"), {"year": 2025}).content.decode()
    assert "主城区" in page and "甲区" in page and "乙区" in page


def test_peer_group_members_outside_scope_are_shown_but_not_linked(org_world, client_for):
    page = client_for(org_world.assessed_a).get(url("peer_groups"), {"year": 2025}).content.decode()
    assert 'href="/orgs/u/C-A/"' in page and 'href="/orgs/u/C-B/"' not in page


def test_a_year_without_groups_says_so_and_a_bad_year_falls_back(org_world, client_for):
    client = client_for(org_world.office)
    assert "尚未设置分类考核组" in client.get(url("peer_groups"), {"year": 1999}).content.decode()
    assert client.get(url("peer_groups"), {"year": "abc"}).status_code == 200


def test_the_directory_speaks_english_with_english_unit_names_when_chosen(org_world, client_for):
    client = client_for(org_world.office)
    client.cookies["django_language"] = "en"
    page = client.get(url("directory")).content.decode()
    assert "Unit directory" in page and "District A" in page and "Test City" in page
