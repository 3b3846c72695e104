"""/api/audit/entries: the office only, the same filters as the page."""

from __future__ import annotations

import pytest

from kaohe.orgs.services import update_unit

pytestmark = pytest.mark.django_db
URL = "/api/audit/entries"


@pytest.fixture
def trail(org_world):
    update_unit(org_world.district_a, name="甲新区", user=org_world.office, reason="更名一")
    update_unit(org_world.district_b, name="乙新区", user=org_world.leader, reason="更名二")
    return org_world


@pytest.mark.parametrize(("who", "status"), [("office", 200), ("leader", 403), ("assessed_a", 403)])
def test_only_the_office_reads_entries(trail, client_for, who, status):
    assert client_for(trail.users[who]).get(URL).status_code == status


def test_the_public_gets_401(trail, client_for):
    assert client_for(None).get(URL).status_code == 401


def test_entries_filter_by_unit_and_carry_before_and_after(trail, client_for):
    data = client_for(trail.office).get(URL, {"unit": "C-B", "action": "update"}).json()
    assert [(e["reason"], e["before"]["name"], e["after"]["name"], e["username"]) for e in data] == [
        ("更名二", "乙区", "乙新区", "leader")]


def test_a_bad_filter_is_a_422_naming_the_field(trail, client_for):
    response = client_for(trail.office).get(URL, {"unit": "NOPE"})
    assert response.status_code == 422 and "unit" in response.json()["detail"] and "NOPE" in response.json()["detail"]
    assert client_for(trail.office).get(URL, {"limit": 0}).status_code == 422
