"""本单位 leads every role to a page it may open: assessed units their profile, the organiser's
office and leader the cockpit, bureaus their unit page, the superuser the directory — never 403/404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = [
    ("office", "/results/cockpit/"), ("leader", "/results/cockpit/"),
    ("submitter", "/orgs/u/C-TJJ/"), ("submitter_b", "/orgs/u/C-SWJ/"),
    ("assessed_a", "/results/units/C-A/"), ("assessed_b", "/results/units/C-B/"),
    ("office_a", "/results/units/C-A/"), ("leader_a", "/results/units/C-A/"),
    ("office_b", "/results/units/C-B/"), ("leader_b", "/results/units/C-B/"),
    ("district_submitter_a", "/orgs/u/C-A-TJJ/"), ("district_submitter_b", "/orgs/u/C-B-TJJ/"),
    ("assessed_town_a", "/orgs/u/C-A-01/"), ("assessed_town_b", "/orgs/u/C-B-01/"),
]


@pytest.mark.parametrize(("who", "lands"), ROLES)
def test_my_unit_lands_every_role_on_a_page_it_may_open(scored, client_for, who, lands):
    client = client_for(scored.w.users[who])
    r = client.get(reverse("results:my_unit"))
    assert r.status_code == 302 and r["Location"].split("?")[0] == lands
    assert client.get(r["Location"]).status_code == 200


def test_the_superuser_without_a_unit_gets_the_directory(scored, client_for):
    admin = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    r = client_for(admin).get(reverse("results:my_unit"))
    assert r["Location"] == reverse("orgs:directory")
    assert client_for(admin).get(r["Location"]).status_code == 200
