"""A sealed run's board and profile pages are cached per run, page, language and visibility
class — never per first visitor: the shell (name, menu, CSRF token) is always the visitor's own."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kaohe.results.models import Flag, Publication
from kaohe.results.services import publish
from tests import factories as f
from tests.results.world import scored_run

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode(), len(queries)


@pytest.fixture
def readers(scored):
    city = scored.w.city
    return (f.office(city, username="office_zhang", display_name="张主任"),
            f.leader(city, username="leader_wang", display_name="王市长"))


@pytest.mark.parametrize("page", ["board", "profile"])
def test_the_second_reader_gets_the_cached_page_in_their_own_shell(scored, client_for, readers, page):
    url = f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ" if page == "board" else f"/results/units/C-A/?run={scored.feb.pk}"
    zhang, wang = readers
    first, first_queries = _get(client_for(zhang), url)
    second, second_queries = _get(client_for(wang), url)
    # The page itself came from the cache (fewer queries), the same content …
    assert second_queries < first_queries
    assert ("丁区" in second) if page == "board" else ("甲区" in second and "单位画像" in second)
    # … in the second reader's shell: their name, not the first reader's; not the first's token.
    assert "张主任" in first and "王市长" in second
    assert "张主任" not in second
    assert CSRF.search(first).group(1) not in second
    assert CSRF.search(second) is not None


def test_a_unit_that_sees_only_itself_never_gets_the_full_board_and_the_office_never_the_limited_one(scored, client_for, readers):
    url = f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ"
    office_first, _n = _get(client_for(readers[0]), url)
    a, _n = _get(client_for(scored.w.assessed_a), url)
    b, _n = _get(client_for(scored.w.assessed_b), url)
    office_again, _n = _get(client_for(readers[1]), url)
    assert "丁区" in office_first and "仅显示本单位" not in office_first
    # Before publication each assessed unit sees its own row only — its own visibility class.
    assert "甲区" in a and "乙区" not in a and "丁区" not in a and "仅显示本单位" in a
    assert "乙区" in b and "甲区" not in b and "丁区" not in b
    assert "丁区" in office_again and "仅显示本单位" not in office_again


def test_after_publication_the_assessed_unit_gets_the_whole_board(scored, client_for):
    url = f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ"
    before, _n = _get(client_for(scored.w.assessed_a), url)
    publish(scored.feb)
    after, _n = _get(client_for(scored.w.assessed_a), url)
    assert "丁区" not in before and "丁区" in after and "仅显示本单位" not in after


def test_new_flags_and_a_new_month_show_at_once_on_a_cached_board(scored, client_for, readers):
    url = f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ"
    client = client_for(readers[0])
    before, _n = _get(client, url)
    assert "flag-red" in before and "2025年3月" not in before  # 丁区 first on 争先榜: a red flag
    Flag.objects.filter(run=scored.feb).delete()
    unflagged, _n = _get(client, url)
    assert "flag-red" not in unflagged
    Flag.objects.create(run=scored.feb, year=2025, month=2, kind="red", rule="first", unit_code="C-D", unit_name="丁区",
                        group="ZCQ", board="ZX", reason="争先榜第一")
    flagged, _n = _get(client, url)
    assert "flag-red" in flagged
    scored_run(number=3, owner=scored.w.city)
    later, _n = _get(client, url)
    assert "2025年3月" in later  # the month picker of February's board lists March now


def test_each_language_has_its_own_copy(scored, client_for, readers):
    url = f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ"
    chinese, _n = _get(client_for(readers[0]), url)
    english_client = client_for(readers[1])
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, _n = _get(english_client, url)
    assert "<th>名次</th>" in chinese
    assert "<th>Place</th>" in english and "<th>名次</th>" not in english


def test_the_scope_check_comes_before_the_cache(scored, client_for):
    url = f"/results/units/C-A/?run={scored.feb.pk}"
    _get(client_for(scored.w.assessed_a), url)  # cached for 甲区's visibility class
    assert client_for(scored.w.assessed_b).get(url).status_code == 404  # the same-role outsider
    anonymous = client_for(scored.w.anonymous).get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


@pytest.mark.parametrize("enabled", [True, False], ids=["on", "off"])
def test_two_readers_render_the_page_once_with_the_cache_and_twice_without(scored, client_for, readers, settings,
                                                                           monkeypatch, enabled):
    from kaohe.results.views import sealed

    settings.KAOHE_PAGE_CACHE = enabled
    rendered = []
    real = sealed.render_blocks
    monkeypatch.setattr(sealed, "render_blocks", lambda *a: rendered.append(a[0]) or real(*a))
    url = f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ"
    pages = [_get(client_for(reader), url)[0] for reader in readers]
    assert all("丁区" in page for page in pages)
    # On: the blocks rendered once for both readers. Off: each request renders the whole template.
    assert rendered == (["results/board.html"] if enabled else [])


def test_the_fingerprint_of_a_sealed_run_is_read_in_one_query(scored):
    from kaohe.results.views import sealed

    with CaptureQueriesContext(connection) as queries:
        sealed.fingerprint(scored.feb)
    assert len(queries) == 1


def _new_flag(scored):
    Flag.objects.create(run=scored.feb, year=2025, month=2, kind="yellow", rule="last", unit_code="C-C", unit_name="丙区",
                        group="ZCQ", board="ZX", reason="争先榜末位")


def _correction(scored):
    return scored_run(number=2, owner=scored.w.city, previous=scored.feb, reason="更正")


WRITES = {
    "a new month of the family": lambda s: scored_run(number=3, owner=s.w.city),
    "a correction": _correction,
    "a flag added": _new_flag,
    "a flag removed": lambda s: Flag.objects.filter(run=s.feb).order_by("id").first().delete(),
    "the flags recomputed (same count)": lambda s: (Flag.objects.filter(run=s.feb).order_by("id").first().delete(), _new_flag(s)),
    "the run published": lambda s: publish(s.feb),
    "its correction published": lambda s: publish(_correction(s)),
    "its publication withdrawn": lambda s: Publication.objects.get(run=s.feb).delete(),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_a_sealed_page_shows_changes_its_fingerprint(scored, write):
    from kaohe.results.views import sealed

    if write == "its publication withdrawn":
        publish(scored.feb)
    before = sealed.fingerprint(scored.feb)
    assert sealed.fingerprint(scored.feb) == before  # nothing written, nothing changed
    WRITES[write](scored)
    assert sealed.fingerprint(scored.feb) != before, write
