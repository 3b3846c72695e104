"""The results' analysis pages through the JSON API (tokens): run diff, 点评, scorecard, 稳健性, 画像,
差距分析, 模拟测算 and the cockpit — each with its numbers checked against the function its page
calls, a role that sees the run but may not open the page (403), 乙区's same-role outsider (404)
and a refused input (422)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kaohe.orgs.models import ApiToken
from kaohe.results import gap as gap_service
from kaohe.results import queries
from kaohe.results.cockpit import cockpit_data
from kaohe.results.models import Review
from kaohe.results.robustness import analyse
from kaohe.results.runs import diff_runs
from tests import factories as f
from tests.results.test_api_workflow import call
from tests.results.test_scope import rw  # noqa: F401 — the fixture: the city's runs and 甲区's own

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(rw):  # noqa: F811
    """The results world with a token per role, and one for a user without any role."""
    rw.tokens = {name: ApiToken.issue(user, "t")[1] for name, user in rw.w.users.items() if name != "anonymous"}
    rw.tokens["norole"] = ApiToken.issue(f.UserFactory(username="norole"), "t")[1]
    return rw


def raw_post(t, role, path, text):
    """A JSON body as written (``Infinity``, ``NaN``: what json.dumps writes for them)."""
    return Client().post(f"/api/results{path}", text, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {t.tokens[role]}")


# ---- run diff -----------------------------------------------------------------------------------


def test_the_run_diff_lists_who_moved_as_the_engine_diff_does(t):
    got = call(t, "office", "get", f"/runs/{t.feb.pk}/diff/{t.jan.pk}")
    assert got.status_code == 200, got.json()
    body = got.json()
    assert (body["before_id"], body["after_id"]) == (t.jan.pk, t.feb.pk)
    expected = diff_runs(t.jan, t.feb)
    assert [(m["unit"], m["rank_before"], m["rank_after"], m["places"]) for m in body["moves"]] == [
        (m.unit, m.rank_before, m.rank_after, m.places) for m in expected]
    # 丁区's GDP went from 5 to 9 in February: first on 争先榜, named with its indicator.
    d = next(m for m in body["moves"] if m["unit"] == "C-D")
    assert {"indicator": "GDP", "name": "地区生产总值增速", "unit": "", "before": 5.0, "after": 9.0} in d["changed_values"]


def test_the_run_diff_is_for_the_organisers_readers_before_publication(t):
    # 甲区's leader sees the city's runs but not every unit's before publication: 403, as the page.
    assert call(t, "leader_a", "get", f"/runs/{t.feb.pk}/diff/{t.jan.pk}").status_code == 403
    # 乙区's office does not find 甲区's own runs.
    assert call(t, "office_b", "get", f"/runs/{t.dm.pk}/diff/{t.da.pk}").status_code == 404
    assert call(t, "office", "get", f"/runs/{t.feb.pk}/diff/0").status_code == 422


# ---- 点评 ---------------------------------------------------------------------------------------


def test_the_office_writes_a_review_and_whoever_sees_the_run_reads_it(t):
    url = f"/runs/{t.dm.pk}/reviews"
    made = call(t, "office_a", "post", url, {"title": "三月点评", "text": "甲一街道领先。"})
    assert made.status_code == 201, made.json()
    assert Review.objects.get(pk=made.json()["id"]).text == "甲一街道领先。"
    listed = call(t, "leader_a", "get", url).json()
    assert [(r["title"], r["text"], r["author"]) for r in listed] == [("三月点评", "甲一街道领先。", "office_a")]
    assert call(t, "leader_a", "post", url, {"text": "领导不写点评"}).status_code == 403
    assert call(t, "office_b", "post", url, {"text": "乙区"}).status_code == 404
    assert call(t, "office_b", "get", url).status_code == 404
    empty = call(t, "office_a", "post", url, {"text": "  "})
    assert empty.status_code == 422 and "请填写点评内容" in empty.json()["detail"]


# ---- scorecard ----------------------------------------------------------------------------------


def test_the_scorecard_is_the_pages_scorecard(t):
    got = call(t, "office", "get", f"/runs/{t.feb.pk}/scorecard", {"sort": "name"})
    assert got.status_code == 200, got.json()
    card = queries.scorecard(t.feb, "ZCQ", visible=None, sort="name")
    body = got.json()
    assert [i["code"] for i in body["indicators"]] == [i["code"] for i in card["indicators"]] == ["GDP", "INV", "SAT"]
    assert [(r["unit"], r["rank"], r["total"]) for r in body["rows"]] == [(r["unit"], r["rank"], r["total"]) for r in card["rows"]]
    assert [[c["score"] for c in r["cells"]] for r in body["rows"]] == [[c["score"] for c in r["cells"]] for r in card["rows"]]
    assert body["average"] == pytest.approx(card["average"])


def test_before_publication_an_assessed_unit_sees_only_its_own_scorecard_row(t):
    rows = call(t, "assessed_a", "get", f"/runs/{t.feb.pk}/scorecard").json()["rows"]
    assert [r["unit"] for r in rows] == ["C-A"]
    assert call(t, "norole", "get", f"/runs/{t.feb.pk}/scorecard").status_code == 403
    assert call(t, "office_b", "get", f"/runs/{t.dm.pk}/scorecard").status_code == 404
    assert call(t, "office", "get", f"/runs/{t.feb.pk}/scorecard", {"filter": "worst"}).status_code == 422
    assert call(t, "office", "get", f"/runs/{t.feb.pk}/scorecard", {"group": "NOPE"}).status_code == 404


# ---- robustness ---------------------------------------------------------------------------------


def test_robustness_gives_the_engines_rank_intervals_to_the_organisers_readers(t):
    got = call(t, "leader", "get", f"/runs/{t.annual.pk}/robustness")
    assert got.status_code == 200, got.json()
    expected = analyse(t.annual, "ZCQ")
    body = got.json()
    assert body["replications"] == expected["replications"] == 300
    assert [(r["unit"], r["rank"], r["median"], r["low"], r["high"], r["p_tier"]) for r in body["rows"]] == [
        (r["unit"], r["rank"], r["median"], r["low"], r["high"], r["p_tier"]) for r in expected["rows"]]
    assert body["fragile"] == [r["unit"] for r in expected["fragile"]]
    assert call(t, "assessed_a", "get", f"/runs/{t.annual.pk}/robustness").status_code == 403
    assert call(t, "office_b", "get", f"/runs/{t.da.pk}/robustness").status_code == 404
    assert call(t, "office", "get", f"/runs/{t.annual.pk}/robustness", {"group": "Z" * 65}).status_code == 422


# ---- unit profile -------------------------------------------------------------------------------


def test_a_units_profile_is_the_pages_profile(t):
    got = call(t, "office", "get", "/units/C-A/profile", {"run": t.feb.pk})
    assert got.status_code == 200, got.json()
    body, prof = got.json(), queries.profile(t.feb, "C-A")
    assert (body["standing"]["rank"], body["standing"]["total"], body["group_size"]) == (prof.total.rank, prof.total.total, 4)
    assert [(i["code"], i["value"], i["score"], i["rank"]) for i in body["indicators"]] == [
        (i["code"], i["value"], i["score"], i["rank"]) for i in prof.indicators]
    assert body["radar"]["unit"] == prof.radar["unit"]
    assert [h["run_id"] for h in body["history"]] == [t.jan.pk, t.feb.pk]
    # Before publication 乙区's assessed unit does not find 甲区's profile; without a role: 403.
    assert call(t, "assessed_b", "get", "/units/C-A/profile", {"run": t.feb.pk}).status_code == 404
    assert call(t, "norole", "get", "/units/C-A/profile").status_code == 403
    assert call(t, "office", "get", "/units/C-A/profile", {"kind": "week"}).status_code == 422


# ---- gap ----------------------------------------------------------------------------------------


def test_the_gap_shows_the_engines_points_to_the_places_above(t):
    got = call(t, "office", "get", "/units/C-C/gap", {"run": t.feb.pk})
    assert got.status_code == 200, got.json()
    body = got.json()
    expected = gap_service.unit_gap(t.feb, "C-C", rivals_hidden=False)
    assert body["rivals_hidden"] is False and len(body["group"]) == 4
    assert [(g["label"], g["points"], g["target_total"]) for g in body["gaps"]] == [
        (g.label, g.points, g.target_total) for g in expected["gaps"]]
    assert body["gaps"] and "追上第" in body["gaps"][0]["label"]
    assert [(b["code"], b["next_value"], b["gain"]) for b in body["best"]] == [
        (b["code"], b["next_value"], b["gain"]) for b in expected["best"]]


def test_before_publication_an_assessed_unit_sees_no_rivals_values_in_its_gap(t):
    body = call(t, "assessed_a", "get", "/units/C-A/gap", {"run": t.feb.pk}).json()
    assert body["rivals_hidden"] is True
    assert [g["unit"] for g in body["group"]] == ["C-A"]
    assert body["gaps"] == [] and body["tier_gaps"] == []
    text = json.dumps(body, ensure_ascii=False)
    assert "乙区" not in text and "丙区" not in text and "丁区" not in text
    # rank_points: the next value is another unit's value — withheld.
    assert all(b["next_value"] is None and b["new_total"] is None for b in body["best"] if b["method"] == "rank_points")
    # Once published (the annual run), the same unit sees its rivals.
    published = call(t, "assessed_a", "get", "/units/C-A/gap", {"run": t.annual.pk}).json()
    assert published["rivals_hidden"] is False and len(published["group"]) == 4
    assert call(t, "assessed_a", "get", "/units/C-B/gap", {"run": t.feb.pk}).status_code == 404
    assert call(t, "office_b", "get", "/units/C-A-01/gap", {"run": t.dm.pk}).status_code == 404
    assert call(t, "norole", "get", "/units/C-A/gap").status_code == 403
    assert call(t, "office", "get", "/units/C-A/gap", {"run": 0}).status_code == 422


# ---- what-if ------------------------------------------------------------------------------------


def test_what_if_re_scores_through_the_engine(t):
    got = call(t, "office", "post", f"/units/C-D/what-if?run={t.feb.pk}", {"values": {"GDP": 4.0, "SAT": "95"}})
    assert got.status_code == 200, got.json()
    body = got.json()
    assert body["changes"] == {"GDP": 4.0, "SAT": 95.0}
    expected = gap_service.what_if(t.feb, "C-D", {"GDP": 4.0, "SAT": 95.0})
    assert (body["total"], body["rank"], body["old_total"], body["old_rank"]) == (
        expected["total"], expected["rank"], expected["old_total"], expected["old_rank"])
    # February, rank_points 10/8/6/4: 丁区 GDP 9 (1st, 10) + INV 3 (4th, 4) + SAT 91 (5) = 19, level with 甲区
    # (8 + 6 + 5) behind 乙区 (6 + 10 + 5 = 21): 2nd. GDP 4 is last (4): 4 + 4 + 5 = 13 < 丙区's 6 + 8 + 0 = 14: 4th.
    assert (body["old_total"], body["old_rank"], body["total"], body["rank"]) == (19, 2, 13, 4)
    assert {"code": "ZX", "name": "争先榜", "old": 1, "new": 4} in body["boards"]


@pytest.mark.parametrize("value", ["Infinity", "NaN", "-Infinity", "1e308", '"1e308"', '"nan"', '"abc"'])
def test_what_if_refuses_a_value_that_is_not_a_finite_bounded_number(t, value):
    got = raw_post(t, "office", f"/units/C-A/what-if?run={t.feb.pk}", '{"values": {"GDP": ' + value + '}}')
    assert got.status_code == 422, got.content
    assert "GDP" in got.json()["detail"]


def test_what_if_refuses_an_unknown_indicator_and_answers_by_scope(t):
    unknown = call(t, "office", "post", f"/units/C-A/what-if?run={t.feb.pk}", {"values": {"XYZ": 1}})
    assert unknown.status_code == 422 and "XYZ" in unknown.json()["detail"]
    assert call(t, "norole", "post", "/units/C-A/what-if", {"values": {}}).status_code == 403
    assert call(t, "office_b", "post", f"/units/C-A-01/what-if?run={t.dm.pk}", {"values": {}}).status_code == 404
    assert call(t, "assessed_a", "post", f"/units/C-B/what-if?run={t.feb.pk}", {"values": {}}).status_code == 404


# ---- cockpit ------------------------------------------------------------------------------------


def test_the_cockpit_shows_what_the_page_shows(t):
    got = call(t, "office", "get", "/cockpit")
    assert got.status_code == 200, got.json()
    body = got.json()
    page = cockpit_data(t.w.office, t.w.city)
    assert body["run"]["id"] == page["run"].pk == t.feb.pk
    assert [(b["code"], [(r["unit"], r["rank"]) for r in b["rows"]]) for b in body["boards"]] == [
        (b["code"], [(r.unit_code, r.rank) for r in b["rows"]]) for b in page["boards"]]
    assert [m["unit"] for m in body["movers"]] == [m["unit"] for m in page["movers"]]
    assert (body["red_count"], body["yellow_count"]) == (page["red_count"], page["yellow_count"])
    assert body["trend"]["months"] == ["1月", "2月"]
    # An assessed unit: its own rows only (the city's runs are not published).
    own = call(t, "assessed_a", "get", "/cockpit").json()
    assert {r["unit"] for b in own["boards"] for r in b["rows"]} <= {"C-A"}
    assert call(t, "norole", "get", "/cockpit").status_code == 403
