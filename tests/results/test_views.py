"""Every results page and endpoint as owner (office/leader or the unit itself), member and outsider."""

from __future__ import annotations

import io

import openpyxl
import pytest

from kaohe.results.services import publish

pytestmark = pytest.mark.django_db


def _xlsx(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_cockpit_shows_this_months_boards_movers_and_flags_to_the_office(scored, client_for):
    r = client_for(scored.w.office).get("/results/cockpit/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "争先榜" in html and "龙虎榜" in html and "2025年2月" in html
    assert "丁区" in html  # first on 争先榜 in February, and the biggest mover


def test_the_home_page_is_the_cockpit_for_leaders(scored, client_for):
    r = client_for(scored.w.leader).get("/")
    assert r.status_code == 200 and "本月五榜" in r.content.decode()


def test_anonymous_users_are_sent_to_login_from_every_results_page(scored, client_for):
    anon = client_for(scored.w.anonymous)
    for url in ["/results/cockpit/", "/results/runs/", f"/results/runs/{scored.feb.pk}/", "/results/boards/",
                f"/results/boards/{scored.feb.pk}/ZX/", "/results/flags/", "/results/units/C-A/", "/results/units/C-A/gap/",
                f"/results/runs/{scored.feb.pk}/scorecard/", "/results/appeals/", "/results/awards/"]:
        r = anon.get(url)
        assert r.status_code == 302 and "/login/" in r["Location"], url


def test_a_board_ranks_within_the_group_with_arrows_against_last_month(scored, client_for):
    r = client_for(scored.w.office).get(f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ")
    html = r.content.decode()
    assert r.status_code == 200
    # February 争先榜: 丁区 first (was 4th in January: ↑3), 甲区 2nd (was 1st: ↓1).
    assert html.index("丁区") < html.index("甲区") < html.index("乙区")
    assert "↑3" in html and "↓1" in html


def test_a_board_exports_to_excel(scored, client_for):
    book = _xlsx(client_for(scored.w.leader).get(f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ&format=xlsx"))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("排名", "单位", "得分", "上期排名", "名次变化")
    assert rows[1][:5] == (1, "丁区", 10, 4, 3)


def test_before_publication_an_assessed_unit_sees_only_its_own_rows(scored, client_for):
    html = client_for(scored.w.assessed_a).get(f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ").content.decode()
    assert "甲区" in html and "丁区" not in html and "仅显示本单位" in html


def test_after_publication_every_member_sees_the_whole_board(scored, client_for):
    publish(scored.feb)
    html = client_for(scored.w.assessed_b).get(f"/results/boards/{scored.feb.pk}/ZX/?group=ZCQ").content.decode()
    assert "甲区" in html and "丁区" in html


def test_a_unit_profile_is_open_to_the_unit_and_the_office_and_not_found_by_another_unit(scored, client_for):
    url = f"/results/units/C-A/?run={scored.feb.pk}"
    owner = client_for(scored.w.assessed_a).get(url)
    assert owner.status_code == 200
    html = owner.content.decode()
    # February: GDP 2nd (8), INV 3rd (6), SAT first & full (5): 3 indicators, 3 in the top three, 1 first, 1 full.
    assert "3项指标中3项进入前三、1项第一、1项满分" in html
    assert client_for(scored.w.office).get(url).status_code == 200
    assert client_for(scored.w.assessed_b).get(url).status_code == 404
    assert client_for(scored.w.submitter).get(url).status_code == 404


def test_a_unit_profile_exports_its_indicator_table(scored, client_for):
    book = _xlsx(client_for(scored.w.assessed_a).get(f"/results/units/C-A/?run={scored.feb.pk}&format=xlsx"))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "指标代码" and {r[0] for r in rows[1:]} == {"GDP", "INV", "SAT"}


def test_the_gap_page_gives_points_to_the_next_place_and_the_leader(scored, client_for):
    url = f"/results/units/C-A/gap/?run={scored.jan.pk}"
    html = client_for(scored.w.office).get(url).content.decode()
    # January: 乙区 23 first, 甲区 21 second → 2.00 points to first place.
    assert "追上第1名（乙区）" in html and "2.00" in html
    assert client_for(scored.w.assessed_b).get(url).status_code == 404


def test_before_publication_the_gap_page_shows_an_assessed_unit_no_rival(scored, client_for):
    from kaohe.results.services import publish

    url = f"/results/units/C-A/gap/?run={scored.jan.pk}"
    main = client_for(scored.w.assessed_a).get(url).content.decode().split("<main")[1]
    assert not any(name in main for name in ("乙区", "丙区", "丁区")) and "追上第" not in main
    assert "结果公示后" in main
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(client_for(scored.w.assessed_a).get(url + "&format=xlsx").content))
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert cells and not any("乙区" in c or "追上第" in c for c in cells)
    publish(scored.jan, scored.w.office)
    assert "追上第1名（乙区）" in client_for(scored.w.assessed_a).get(url).content.decode()


def test_what_if_rescores_live_and_shows_the_new_rank(scored, client_for):
    client = client_for(scored.w.assessed_a)
    r = client.post(f"/results/units/C-A/what-if/?run={scored.jan.pk}", {"v_INV": "10"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    # INV 10 beats 乙区's 9: 甲区 10 + 10 + 5 = 25 → first.
    assert r.status_code == 200 and "组内第1名" in html and "25.00" in html
    bad = client.post(f"/results/units/C-A/what-if/?run={scored.jan.pk}", {"v_INV": "abc"})
    assert "不是数字" in bad.content.decode()
    assert client_for(scored.w.assessed_b).post(f"/results/units/C-A/what-if/?run={scored.jan.pk}", {"v_INV": "10"}).status_code == 404


def test_the_scorecard_colours_bands_filters_and_exports(scored, client_for):
    client = client_for(scored.w.office)
    html = client.get(f"/results/runs/{scored.feb.pk}/scorecard/?group=ZCQ&filter=top3").content.decode()
    top3 = html[html.index('id="scorecard"'):]
    assert "sc-green" in top3 and "sc-red" in top3  # 丁区 GDP 10/10 green, 丁区 INV 4/10 red
    assert "丙区" not in top3 and "丁区" in top3
    below = client.get(f"/results/runs/{scored.feb.pk}/scorecard/?group=ZCQ&filter=below_avg").content.decode()
    body = below[below.index('id="scorecard"'):]
    # February totals: 乙 21, 丁 19, 甲 19, 丙 12 → average 17.75: only 丙区 is below.
    assert "丙区" in body and "乙区" not in body
    book = _xlsx(client.get(f"/results/runs/{scored.feb.pk}/scorecard/?group=ZCQ&format=xlsx"))
    assert [c.value for c in book.active[1]][:4] == ["排名", "单位", "总分", "等次"]


def test_run_pages_are_for_members_and_the_full_table_for_readers(scored, client_for):
    office = client_for(scored.w.office).get(f"/results/runs/{scored.feb.pk}/")
    assert office.status_code == 200 and "公示结果" in office.content.decode()
    assessed = client_for(scored.w.assessed_a).get(f"/results/runs/{scored.feb.pk}/").content.decode()
    assert "公示结果" not in assessed and "丁区" not in assessed
    book = _xlsx(client_for(scored.w.office).get(f"/results/runs/{scored.feb.pk}/?format=xlsx"))
    assert book.active.max_row == 5


def test_only_the_office_publishes(scored, client_for):
    assert client_for(scored.w.assessed_a).post(f"/results/runs/{scored.annual.pk}/publish/").status_code == 403
    assert client_for(scored.w.leader).post(f"/results/runs/{scored.annual.pk}/publish/").status_code == 403
    r = client_for(scored.w.office).post(f"/results/runs/{scored.annual.pk}/publish/", {"notice_days": "7"})
    assert r.status_code == 302 and scored.annual.publication.notice_ends


def test_the_public_page_needs_no_login_and_shows_tiers(scored, client_for):
    pub = publish(scored.annual)
    anon = client_for(scored.w.anonymous)
    index = anon.get("/public/")
    assert index.status_code == 200 and pub.title in index.content.decode()
    html = anon.get(f"/public/{pub.pk}/").content.decode()
    assert "第一等次" in html and "乙区" in html and "公示期截止" in html


def test_the_run_diff_is_for_readers(scored, client_for):
    url = f"/results/runs/{scored.feb.pk}/diff/{scored.jan.pk}/"
    html = client_for(scored.w.office).get(url).content.decode()
    assert "丁区" in html and "5.00 → 9.00" in html
    assert client_for(scored.w.assessed_a).get(url).status_code == 403


def test_flags_page_and_export(scored, client_for):
    client = client_for(scored.w.leader)
    html = client.get(f"/results/flags/?run={scored.feb.pk}").content.decode()
    assert "红旗激励榜" in html and "丁区" in html
    book = _xlsx(client.get(f"/results/flags/?run={scored.feb.pk}&format=xlsx"))
    assert book.sheetnames == ["红旗激励榜", "黄灯提醒榜", "年度累计"]


def test_the_progress_fragment_reports_status(scored, client_for):
    r = client_for(scored.w.office).get(f"/results/runs/{scored.feb.pk}/progress/")
    assert r.status_code == 200 and "100%" in r.content.decode()


def test_the_run_list_exports(scored, client_for):
    book = _xlsx(client_for(scored.w.office).get("/results/runs/?format=xlsx"))
    assert book.active.max_row == 4


def test_the_api_lists_runs_and_filters_rows_like_the_pages(scored, client_for):
    office = client_for(scored.w.office)
    runs = office.get("/api/results/runs").json()
    assert {r["label"] for r in runs} == {"2025年1月", "2025年2月", "2025年度"}
    totals = office.get(f"/api/results/runs/{scored.feb.pk}/totals").json()
    assert [t["unit"] for t in totals] == ["C-B", "C-A", "C-D", "C-C"]
    own = client_for(scored.w.assessed_a).get(f"/api/results/runs/{scored.feb.pk}/boards/ZX").json()
    assert [b["unit"] for b in own] == ["C-A"]
    assert client_for(scored.w.anonymous).get("/api/results/runs").status_code == 401
    publish(scored.feb)
    public = client_for(scored.w.anonymous).get("/api/results/publications").json()
    assert public[0]["run_hash"] == scored.feb.content_hash


def test_the_gap_page_lists_the_indicators_that_gain_most_for_the_least_improvement(scored, client_for):
    url = f"/results/units/C-A/gap/?run={scored.jan.pk}"
    html = client_for(scored.w.office).get(url).content.decode()
    # January 甲区: INV 3rd (5 → 7 reaches 2nd place, +2 points); GDP and SAT are already full.
    assert "固定资产投资" in html and "5.00 → 7.00" in html and "+2.00" in html
    # Before publication 甲区 itself sees what the step is worth, not 7 — 乙区's value, the place above (rank_points).
    own = client_for(scored.w.assessed_a).get(url).content.decode()
    assert "固定资产投资" in own and "→ 7.00" not in own and "+2.00" in own
    publish(scored.jan)
    assert "5.00 → 7.00" in client_for(scored.w.assessed_a).get(url).content.decode()


def test_robustness_of_an_annual_run_for_readers_only(scored, client_for):
    url = f"/results/runs/{scored.annual.pk}/robustness/?group=ZCQ"
    r = client_for(scored.w.office).get(url)
    html = r.content.decode()
    # 甲区 (21, just above the 20-point band of 第一等次) keeps its tier in only part of the replications.
    assert r.status_code == 200 and "rob-opts" in html and "甲区" in html and "等次边界不稳" in html
    book = _xlsx(client_for(scored.w.leader).get(url + "&format=xlsx"))
    assert book.active.max_row == 5
    assert client_for(scored.w.assessed_a).get(url).status_code == 403


@pytest.mark.parametrize("name,status", [("office", 200), ("leader", 200), ("assessed_a", 200), ("submitter", 200)])
def test_member_pages_open_for_every_member(scored, client_for, name, status):
    client = client_for(getattr(scored.w, name))
    for url in ["/results/publications/", "/results/appeals/", "/results/awards/?year=2025", "/notifications/",
                "/results/cockpit/", "/results/runs/"]:
        assert client.get(url).status_code == status, url


def test_pages_refuse_users_without_a_place_in_the_organisation(scored, client_for):
    from tests.factories import UserFactory

    stranger = client_for(UserFactory(username="stranger"))
    for url in ["/results/cockpit/", "/results/runs/", f"/results/boards/{scored.feb.pk}/ZX/", "/results/publications/",
                "/results/units/C-A/"]:
        assert stranger.get(url).status_code == 403, url


def test_only_the_office_starts_runs_and_writes_reviews(scored, client_for):
    for name in ("leader", "assessed_a", "submitter"):
        client = client_for(getattr(scored.w, name))
        assert client.post("/results/runs/new/", {"version": 1, "period": 1}).status_code == 404  # no such version
        assert client.post(f"/results/runs/{scored.feb.pk}/review/", {"text": "x"}).status_code == 403
    r = client_for(scored.w.office).post(f"/results/runs/{scored.feb.pk}/review/", {"title": "二月点评", "text": "丁区进位明显"})
    assert r.status_code == 302 and scored.feb.reviews.get().text == "丁区进位明显"


def test_the_run_diff_shows_the_movers_and_folds_the_units_whose_place_did_not_change(scored, client_for):
    """丁区 jumps to first on GDP in February; the units that kept their place are folded away."""
    url = f"/results/runs/{scored.feb.pk}/diff/{scored.jan.pk}/"
    html = client_for(scored.w.office).get(url).content.decode()
    movers = html[html.index('id="diff-table"'):].split("</table>")[0]
    assert "丁区" in movers
    from kaohe.results.runs import diff_runs

    moved = {m.name for m in diff_runs(scored.jan, scored.feb) if m.places}
    assert moved and moved != {"甲区", "乙区", "丙区", "丁区"}, moved
    for name in {"甲区", "乙区", "丙区", "丁区"} - moved:
        assert name not in movers
    assert 'data-testid="diff-stayed"' in html and "点击展开" in html
