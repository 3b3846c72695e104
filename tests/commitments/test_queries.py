"""Query-count baselines: the lists cost the same number of queries for 3 items as for 12 (no N+1)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.orgs.models import UnitKind
from tests import factories as f
from tests.commitments.conftest import published

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    client.get(url)  # the session's first save is not the page's cost
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["public", "campaign", "moderation"])
def test_list_pages_do_not_grow_with_the_items(campaign, org_world, client_for, page):
    campaign.items_per_claimant = 20
    campaign.save()
    street = f.OrgUnitFactory(code="C-A-S9", name="甲区九号街道", kind=UnitKind.STREET, parent=org_world.district_a)
    url = {"public": reverse("public_commitments:index"), "campaign": reverse("commitments:campaign", args=[campaign.pk]),
           "moderation": reverse("commitments:moderation")}[page]
    client = client_for(org_world.anonymous if page == "public" else org_world.office_a)
    for i in range(3):
        published(campaign, street, org_world.office_a, title=f"事项{i}")
    few = _queries(client, url)
    for i in range(3, 12):
        published(campaign, street, org_world.office_a, title=f"事项{i}")
    assert _queries(client, url) == few
