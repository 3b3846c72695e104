"""No dead ends: a GET on a POST-only address gets a page in the shell, /api/docs works offline
(Swagger UI from the pinned package's static files), the token help keeps <令牌>, and links are
shown only to those who may open them."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_get_on_a_post_only_address_explains_itself_in_the_shell(org_world, client_for):
    r = client_for(org_world.office).get(reverse("results:publish", args=[1]))
    assert r.status_code == 405 and "POST" in r["Allow"]
    body = r.content.decode()
    assert "此地址不能直接打开" in body and "返回上一页" in body and "首页/驾驶舱" in body  # inside the shell


def test_the_api_docs_load_swagger_from_our_own_static_files(org_world, client_for):
    body = client_for(org_world.office).get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in body and "cdn" not in body.lower()


def test_the_token_help_keeps_the_placeholder_visible(org_world, client_for):
    body = client_for(org_world.submitter).get(reverse("api_tokens")).content.decode()
    assert "Authorization: Bearer &lt;令牌&gt;" in body


@pytest.mark.parametrize(("who", "sees"), [("assessed_a", False), ("assessed_town_b", False), ("office", True),
                                           ("submitter", True), ("office_b", True)])
def test_data_entry_and_periods_are_offered_only_to_who_may_open_them(org_world, client_for, who, sees):
    client = client_for(org_world.users[who])
    home = client.get("/").content.decode()
    assert (reverse("assessment:data_entry") in home) is sees
    schemes = client.get(reverse("assessment:scheme_list")).content.decode()
    assert (reverse("assessment:periods") in schemes) is sees
    if sees:
        assert client.get(reverse("assessment:periods")).status_code in (200, 302)
    else:
        assert client.get(reverse("assessment:periods")).status_code == 403
