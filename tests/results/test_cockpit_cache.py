"""The cockpit's run parts (boards, movers, flags, trend) are rendered once per run fingerprint,
visibility class and language and shared; what is the user's own (待办, the standing above) is
read for each request — never the first visitor's for the next."""

from __future__ import annotations

import re

import pytest

from kaohe.results.models import Flag
from kaohe.results.services import file_appeal, publish
from kaohe.results.views import sealed
from tests import factories as f
from tests.results.world import scored_run

pytestmark = pytest.mark.django_db

URL = "/results/cockpit/"
CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture
def rendered(monkeypatch):
    """The templates whose blocks were rendered (a cache miss each), in order."""
    out: list[str] = []
    real = sealed.render_blocks
    monkeypatch.setattr(sealed, "render_blocks", lambda *a: out.append(a[0]) or real(*a))
    return out


def _page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_two_readers_of_the_same_scope_share_the_run_parts_and_each_gets_their_own_to_do_list(scored, client_for, rendered):
    appeal = file_appeal(publish(scored.annual), scored.w.district_a, "GDP", "甲区数据有误", scored.w.assessed_a)
    leader = f.leader(scored.w.city, username="leader_wang", display_name="王市长")
    office = _page(client_for(scored.w.office))
    other = _page(client_for(leader))
    assert rendered == ["results/_cockpit_run.html"]  # once, for both
    for page in (office, other):
        assert "争先榜" in page and "丁区" in page and "2025年2月" in page
    # 待办 is the office's own: it answers the appeal, the leader does not.
    assert f"/results/appeals/{appeal.pk}/" in office and f"/results/appeals/{appeal.pk}/" not in other
    assert "王市长" in other and "王市长" not in office


def test_the_cached_cockpit_is_the_page_rendered_afresh(scored, client_for, settings):
    client = client_for(scored.w.office)
    first, cached = _page(client), _page(client)
    settings.KAOHE_PAGE_CACHE = False
    fresh = _page(client)
    assert CSRF.sub("", first) == CSRF.sub("", cached) == CSRF.sub("", fresh)


def test_units_of_different_scope_get_their_own_copy(scored, client_for, rendered):
    # Before publication each assessed unit sees only its own rows: its own visibility class.
    a = _page(client_for(scored.w.assessed_a))
    b = _page(client_for(scored.w.assessed_b))
    office = _page(client_for(scored.w.office))
    assert rendered == ["results/_cockpit_run.html"] * 3
    assert "甲区" in a and "乙区" not in a and "丁区" not in a
    assert "乙区" in b and "甲区" not in b and "丁区" not in b
    assert "丁区" in office and "甲区" in office
    # … and each finds its copy again, the other's never.
    assert _page(client_for(scored.w.assessed_a)).count("乙区") == 0
    assert len(rendered) == 3


def test_new_flags_and_a_new_month_show_at_once_on_a_cached_cockpit(scored, client_for):
    client = client_for(scored.w.office)
    assert "服务效能进步明显" not in _page(client)
    Flag.objects.create(run=scored.feb, year=2025, month=2, kind="red", rule="manual", unit_code="C-B", unit_name="乙区",
                        group="ZCQ", board="", reason="服务效能进步明显")
    assert "<strong>乙区</strong> 服务效能进步明显" in _page(client)
    scored_run(number=3, owner=scored.w.city)
    assert "2025年3月" in _page(client)


def test_anonymous_visitors_are_sent_to_the_login_page(scored, client_for):
    response = client_for(scored.w.anonymous).get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
