"""The public pages (/public/) cache public content only, never the chrome of whoever opened them first."""

from __future__ import annotations

import re

import pytest

from kaohe.results.services import publish
from tests import factories as f

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _leader_then_anonymous(scored, client_for, url_of):
    mayor = f.leader(scored.w.city, username="mayor_li", display_name="李市长")
    pub = publish(scored.annual)
    url = url_of(pub)
    signed_in = client_for(mayor).get(url)
    anonymous = client_for(scored.w.anonymous).get(url)
    assert signed_in.status_code == anonymous.status_code == 200
    return pub, signed_in.content.decode(), anonymous.content.decode()


@pytest.mark.parametrize("url_of", [lambda pub: "/public/", lambda pub: f"/public/{pub.pk}/"], ids=["index", "detail"])
def test_an_anonymous_visitor_after_a_signed_in_leader_sees_no_trace_of_the_leader(scored, client_for, url_of):
    pub, mine, theirs = _leader_then_anonymous(scored, client_for, url_of)
    # The leader's own page has the leader's chrome (so the comparison below means something) …
    assert "李市长" in mine and 'id="sidenav"' in mine and "usermenu" in mine
    leader_token = CSRF.search(mine).group(1)
    # … and the anonymous visitor gets the same public content without any of it.
    assert pub.title in theirs
    assert "李市长" not in theirs and "领导" not in theirs
    assert "usermenu" not in theirs and 'id="sidenav"' not in theirs and "/results/cockpit/" not in theirs
    assert leader_token not in theirs
    assert "登录" in theirs  # the anonymous shell offers to sign in


def test_a_signed_in_visitor_after_an_anonymous_one_gets_their_own_chrome(scored, client_for):
    pub = publish(scored.annual)
    first = client_for(scored.w.anonymous).get(f"/public/{pub.pk}/").content.decode()
    assert "usermenu" not in first
    again = client_for(scored.w.office).get(f"/public/{pub.pk}/").content.decode()
    assert "usermenu" in again and 'id="sidenav"' in again
    # The public content is the same cached part: 乙区 first with 第一等次 (annual: 乙 23, 甲 21).
    assert "第一等次" in again and again.index("乙区") < again.index("甲区")


def test_the_public_detail_page_keeps_its_title_dates_and_breadcrumb(scored, client_for):
    pub = publish(scored.annual)
    html = client_for(scored.w.anonymous).get(f"/public/{pub.pk}/").content.decode()
    assert f"<title>{pub.title}" in html and 'id="public-dates"' in html and "公示期截止" in html
    assert 'href="/public/"' in html


def test_the_public_index_links_the_public_commitments_page(client_for, org_world):
    html = client_for(None).get("/public/").content.decode()
    assert 'href="/public/commitments/"' in html and "查看承诺事项公示" in html
    assert client_for(None).get("/public/commitments/").status_code == 200
