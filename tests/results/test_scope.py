"""Results: ROLES × ROUTES — who may open or do what, with the same-role outsider in every row.

The city (测试市) runs its assessment of the four districts (runs ``feb`` and ``annual``, owner the
city); 甲区 runs its own assessment of its two towns (``da`` annual, published; ``dm`` monthly,
not yet published; owner 甲区). 乙区's office, leader, assessed unit and town are the same-role
outsiders for everything of 甲区's; 甲区's office is the outsider for the city's and 乙区's.
Out of scope is 404 (not found), in scope but not allowed is 403, anonymous visitors are sent
to the login page (the API answers 401).
"""

from __future__ import annotations

import polars as pl
import pytest

from kaohe.lib.periods import Period
from kaohe.results.models import (
    Appeal,
    AppealStatus,
    Award,
    AwardKind,
    AwardStatus,
    Publication,
    Review,
)
from kaohe.results.runs import Inputs, create_run, execute_run
from kaohe.results.services import file_appeal, nominate, publish
from tests.results.world import SCHEME

pytestmark = pytest.mark.django_db

ROLES = [
    "office", "leader", "submitter",
    "office_a", "leader_a", "assessed_a", "assessed_town_a", "district_submitter_a",
    "office_b", "leader_b", "assessed_b", "assessed_town_b",
    "anonymous",
]
SIGNED_IN = set(ROLES) - {"anonymous"}
# Everyone whose scope holds 甲区 or lies below it (the city's people, 甲区's people) …
A_SIDE = {"office", "leader", "submitter", "office_a", "leader_a", "assessed_a", "assessed_town_a", "district_submitter_a"}
# … and 乙区's, who must not find anything of 甲区's own assessment.
B_SIDE = {"office_b", "leader_b", "assessed_b", "assessed_town_b"}


def district_run(w, kind: str, number: int = 1):
    """甲区's own run of its towns: 甲一街道 GDP 8 INV 9 SAT 95, 甲二镇 GDP 6 INV 5 SAT 80."""
    values = {"C-A-01": {"GDP": 8.0, "INV": 9.0, "SAT": 95.0}, "C-A-02": {"GDP": 6.0, "INV": 5.0, "SAT": 80.0}}
    rows = [(u, i, v) for u, per in values.items() for i, v in per.items()]
    vf = pl.DataFrame({"unit": [r[0] for r in rows], "indicator": [r[1] for r in rows], "value": [r[2] for r in rows]})
    uf = pl.DataFrame({"unit": ["C-A-01", "C-A-02"], "name": ["甲一街道", "甲二镇"], "group": ["JQ", "JQ"]})
    inputs = Inputs.from_frames(dict(SCHEME, name="甲区镇街考核"), vf, uf, None)
    run = create_run(inputs, period=Period(kind, 2025, number), owner_unit=w.district_a, scheme_code="JQKH",
                     scheme_name="甲区镇街考核")
    return execute_run(run)


@pytest.fixture
def rw(scored):
    w = scored.w
    rw = scored
    rw.da = district_run(w, "year")
    rw.dm = district_run(w, "month", 3)  # March: the newest monthly run in the database
    rw.city_pub = publish(scored.annual)
    rw.district_pub = publish(rw.da)
    rw.appeal_b = file_appeal(rw.city_pub, w.district_b, "GDP", "乙区数据有误", w.assessed_b)
    rw.appeal_a = file_appeal(rw.city_pub, w.district_a, "GDP", "甲区数据有误", w.assessed_a)
    rw.appeal_town = file_appeal(rw.district_pub, w.towns_a[0], "GDP", "街道数据有误", w.assessed_town_a)
    rw.award_b = nominate(2025, AwardKind.SPECIAL, w.district_b, "抗洪抢险", w.assessed_b)
    rw.award_a = nominate(2025, AwardKind.SPECIAL, w.district_a, "抗洪抢险", w.assessed_a)
    return rw


def _everyone_else(ok: set, hidden: set) -> dict:
    return {role: 200 if role in ok else 404 if role in hidden else 403 for role in SIGNED_IN}


# (id, method, url(rw), data, {role: status}) — POST successes are 302 (redirect to the page).
ROUTES = [
    # ---- lists: every member opens them (their rows come from visible_to) ----
    ("run list", "get", lambda r: "/results/runs/", None, _everyone_else(SIGNED_IN, set())),
    ("publications", "get", lambda r: "/results/publications/", None, _everyone_else(SIGNED_IN, set())),
    ("appeals", "get", lambda r: "/results/appeals/", None, _everyone_else(SIGNED_IN, set())),
    ("awards", "get", lambda r: "/results/awards/?year=2025", None, _everyone_else(SIGNED_IN, set())),
    # ---- 甲区's own run: found by the city and everyone of 甲区, not by 乙区 ----
    ("district run", "get", lambda r: f"/results/runs/{r.da.pk}/", None, _everyone_else(A_SIDE, B_SIDE)),
    ("district run progress", "get", lambda r: f"/results/runs/{r.dm.pk}/progress/", None, _everyone_else(A_SIDE, B_SIDE)),
    ("district board", "get", lambda r: f"/results/boards/{r.da.pk}/ZX/", None, _everyone_else(A_SIDE, B_SIDE)),
    ("district scorecard", "get", lambda r: f"/results/runs/{r.da.pk}/scorecard/", None, _everyone_else(A_SIDE, B_SIDE)),
    ("district robustness", "get", lambda r: f"/results/runs/{r.da.pk}/robustness/", None,
     _everyone_else({"office", "leader", "office_a", "leader_a"}, B_SIDE)),
    ("district town profile", "get", lambda r: f"/results/units/C-A-01/?run={r.da.pk}", None, _everyone_else(A_SIDE, B_SIDE)),
    ("district totals API", "get", lambda r: f"/api/results/runs/{r.da.pk}/totals", None, _everyone_else(A_SIDE, B_SIDE)),
    # ---- the city's unpublished February: every member opens the run, 甲区's row only 甲区's readers ----
    ("city run", "get", lambda r: f"/results/runs/{r.feb.pk}/", None, _everyone_else(SIGNED_IN, set())),
    ("甲区 profile before publication", "get", lambda r: f"/results/units/C-A/?run={r.feb.pk}", None,
     _everyone_else({"office", "leader", "office_a", "leader_a", "assessed_a"},
                    SIGNED_IN - {"office", "leader", "office_a", "leader_a", "assessed_a"})),
    ("乙区's appeal", "get", lambda r: f"/results/appeals/{r.appeal_b.pk}/", None,
     _everyone_else({"office", "leader", "office_b", "leader_b", "assessed_b"},
                    SIGNED_IN - {"office", "leader", "submitter", "office_b", "leader_b", "assessed_b"})),
    # ---- writes on the city's assessment: the city office only ----
    ("publish the city's run", "post", lambda r: f"/results/runs/{r.feb.pk}/publish/", {"notice_days": "7"},
     _everyone_else({"office"}, set())),
    ("review the city's run", "post", lambda r: f"/results/runs/{r.feb.pk}/review/", {"title": "点评", "text": "进位明显"},
     _everyone_else({"office"}, set())),
    ("grant the city's first prizes", "post", lambda r: f"/results/runs/{r.annual.pk}/first-prizes/", {"by": "tier"},
     _everyone_else({"office"}, set())),
    ("answer 乙区's appeal", "post", lambda r: f"/results/appeals/{r.appeal_b.pk}/answer/", {"decision": "reject", "response": "经核实无误"},
     _everyone_else({"office"}, SIGNED_IN - {"office", "leader", "submitter", "office_b", "leader_b", "assessed_b"})),
    ("answer 甲区's appeal to the city", "post", lambda r: f"/results/appeals/{r.appeal_a.pk}/answer/",
     {"decision": "reject", "response": "经核实无误"},
     _everyone_else({"office"}, {"assessed_town_a"} | B_SIDE)),
    ("decide 乙区's nomination", "post", lambda r: f"/results/awards/{r.award_b.pk}/decide/", {"decision": "approve"},
     _everyone_else({"office"}, {"office_a", "leader_a", "assessed_a", "assessed_town_a", "district_submitter_a", "assessed_town_b"})),
    ("decide 甲区's nomination", "post", lambda r: f"/results/awards/{r.award_a.pk}/decide/", {"decision": "approve"},
     _everyone_else({"office"}, {"assessed_town_a"} | B_SIDE)),
    # ---- writes on 甲区's own assessment: 甲区's office (and the city's, above it) ----
    ("publish 甲区's run", "post", lambda r: f"/results/runs/{r.dm.pk}/publish/", {"notice_days": "7"},
     _everyone_else({"office_a", "office"}, B_SIDE)),
    ("review 甲区's run", "post", lambda r: f"/results/runs/{r.dm.pk}/review/", {"title": "点评", "text": "甲一街道领先"},
     _everyone_else({"office_a", "office"}, B_SIDE)),
    ("grant 甲区's first prizes", "post", lambda r: f"/results/runs/{r.da.pk}/first-prizes/", {"by": "tier"},
     _everyone_else({"office_a", "office"}, B_SIDE)),
    ("answer a town's appeal to 甲区", "post", lambda r: f"/results/appeals/{r.appeal_town.pk}/answer/",
     {"decision": "reject", "response": "经核实无误"},
     _everyone_else({"office_a", "office"}, B_SIDE)),
]


@pytest.mark.parametrize(("method", "url_of", "data", "expected"), [r[1:] for r in ROUTES], ids=[r[0] for r in ROUTES])
def test_every_results_route_answers_each_role_by_its_scope(rw, client_for, method, url_of, data, expected):
    url = url_of(rw)
    # Refusals first (they change nothing), then the roles allowed to act.
    for role in sorted(ROLES, key=lambda r: expected.get(r) == 200):
        client = client_for(rw.w.users[role])
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        if role == "anonymous":
            want = 401 if url.startswith("/api/") else 302
            assert response.status_code == want and (want == 401 or "/login/" in response["Location"]), (role, url)
            continue
        want = expected[role]
        if want == 200 and method == "post":
            want = 302
        assert response.status_code == want, (role, url, response.status_code, want)


# ---- what the refusals protect, and what the lists hold -----------------------------------


def test_a_district_office_cannot_publish_review_or_answer_for_the_city(rw, client_for):
    office_a = client_for(rw.w.office_a)
    office_a.post(f"/results/runs/{rw.feb.pk}/publish/", {"notice_days": "7"})
    office_a.post(f"/results/runs/{rw.feb.pk}/review/", {"title": "点评", "text": "x"})
    office_a.post(f"/results/appeals/{rw.appeal_a.pk}/answer/", {"decision": "reject", "response": "无误"})
    office_a.post(f"/results/awards/{rw.award_a.pk}/decide/", {"decision": "approve"})
    assert not Publication.objects.filter(run=rw.feb).exists()
    assert not Review.objects.filter(run=rw.feb).exists()
    assert Appeal.objects.get(pk=rw.appeal_a.pk).status == AppealStatus.FILED
    assert Award.objects.get(pk=rw.award_a.pk).status == AwardStatus.NOMINATED


def test_a_district_granting_its_first_prizes_leaves_the_citys_alone(rw, client_for):
    # City 2025 annual (BASE): 乙区 23 and 甲区 21 are in 第一等次 (≥ 20); 甲区's run: 甲一街道
    # GDP 10 + INV 10 + SAT 5 = 25 (第一等次), 甲二镇 8 + 8 + 0 = 16 (第二等次).
    assert client_for(rw.w.office).post(f"/results/runs/{rw.annual.pk}/first-prizes/", {"by": "tier"}).status_code == 302
    assert client_for(rw.w.office_a).post(f"/results/runs/{rw.da.pk}/first-prizes/", {"by": "tier"}).status_code == 302
    prizes = Award.objects.filter(year=2025, kind=AwardKind.FIRST_PRIZE)
    assert sorted(prizes.filter(run=rw.annual).values_list("unit_code", flat=True)) == ["C-A", "C-B"]
    assert list(prizes.filter(run=rw.da).values_list("unit_code", flat=True)) == ["C-A-01"]


def test_another_districts_run_is_not_in_the_lists_of_an_outsider(rw, client_for):
    html_b = client_for(rw.w.office_b).get("/results/runs/").content.decode()
    html_a = client_for(rw.w.office_a).get("/results/runs/").content.decode()
    assert "甲区镇街考核" not in html_b and "甲区镇街考核" in html_a
    assert "测试考核方案" in html_b  # the city's runs are read by every district
    api_b = {r["id"] for r in client_for(rw.w.office_b).get("/api/results/runs").json()}
    assert rw.da.pk not in api_b and rw.feb.pk in api_b
    pubs_b = client_for(rw.w.leader_b).get("/results/publications/").content.decode()
    assert "甲区镇街考核" not in pubs_b


def test_the_appeals_list_of_a_district_office_holds_its_own_assessment_and_its_own_units(rw, client_for):
    html = client_for(rw.w.office_a).get("/results/appeals/").content.decode()
    table = html[html.index("<table"):]
    assert f"/results/appeals/{rw.appeal_a.pk}/" in table and f"/results/appeals/{rw.appeal_town.pk}/" in table
    assert f"/results/appeals/{rw.appeal_b.pk}/" not in table and "乙区" not in table


def test_a_district_office_only_sees_the_decide_buttons_of_what_it_decides(rw, client_for):
    html = client_for(rw.w.office_a).get("/results/awards/?year=2025").content.decode()
    assert f"/results/awards/{rw.award_a.pk}/decide/" not in html and f"/results/awards/{rw.award_b.pk}/decide/" not in html
    city = client_for(rw.w.office).get("/results/awards/?year=2025").content.decode()
    assert f"/results/awards/{rw.award_a.pk}/decide/" in city and f"/results/awards/{rw.award_b.pk}/decide/" in city


def test_the_cockpit_lists_only_the_appeals_the_office_answers(rw, client_for):
    # The city office answers all three; 甲区's office only its town's appeal to 甲区 (not 甲区's
    # own appeal to the city, not 乙区's).
    city = client_for(rw.w.office).get("/results/cockpit/").content.decode()
    assert all(f"/results/appeals/{a.pk}/" in city for a in (rw.appeal_a, rw.appeal_b, rw.appeal_town))
    mine = client_for(rw.w.office_a).get("/results/cockpit/").content.decode()
    assert f"/results/appeals/{rw.appeal_town.pk}/" in mine
    assert f"/results/appeals/{rw.appeal_a.pk}/" not in mine and f"/results/appeals/{rw.appeal_b.pk}/" not in mine


def test_a_district_office_cannot_start_a_run_on_the_citys_scheme(rw, client_for):
    from kaohe.results.models import ScoringRun
    from tests.assessment.factories import city_version, periods

    version, period = city_version(rw.w), periods()[1]
    before = ScoringRun.objects.count()
    for role in ("office_a", "leader_a", "office_b", "assessed_a", "submitter"):
        r = client_for(rw.w.users[role]).post("/results/runs/new/", {"version": version.pk, "period": period.pk})
        assert r.status_code == 403, role
    assert ScoringRun.objects.count() == before
