"""Real Chromium through the results pages: cockpit, a board, a unit profile, what-if, the appeal flow.

Screenshots land in var/test-output/results-*.png; look at them after changing these pages.
"""

from __future__ import annotations

import pytest

from kaohe.results.services import publish
from tests.browser.conftest import OUTPUT
from tests.factories import PASSWORD
from tests.results.fixtures import build_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(org_world):
    return build_scored(org_world)


def page_for(browser, live_server, username):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state("networkidle")
    return page


def wait_for_charts(page, count=1):
    page.wait_for_function(f"document.querySelectorAll('.chart canvas').length >= {count}", timeout=15000)


def test_a_leader_sees_this_months_boards_flags_and_movers_on_the_cockpit(browser, live_server, scored):
    page = page_for(browser, live_server, "leader")
    page.goto(f"{live_server.url}/results/cockpit/")
    assert page.locator("#cockpit-boards section").count() == 2
    assert page.get_by_text("红旗激励榜").first.is_visible()
    assert "丁区" in page.locator("#cockpit-boards").inner_text()
    wait_for_charts(page)
    page.screenshot(path=str(OUTPUT / "results-cockpit.png"), full_page=True)


def test_a_board_ranks_the_group_with_arrows_and_a_bar_chart(browser, live_server, scored):
    page = page_for(browser, live_server, "office")
    page.goto(f"{live_server.url}/results/boards/{scored.feb.pk}/ZX/?group=ZCQ")
    rows = page.locator("#board-table tbody tr")
    assert rows.count() == 4
    assert "丁区" in rows.nth(0).inner_text() and "↑3" in rows.nth(0).inner_text()
    wait_for_charts(page)
    page.screenshot(path=str(OUTPUT / "results-board.png"), full_page=True)
    rows.nth(0).get_by_role("link", name="丁区").click()
    page.wait_for_selector("#profile-sentence")
    assert "丁区" in page.locator("h1").inner_text()


def test_an_assessed_unit_opens_its_profile_with_trend_and_radar(browser, live_server, scored):
    page = page_for(browser, live_server, "assessed_a")
    page.goto(f"{live_server.url}/results/units/mine/")
    page.wait_for_selector("#profile-sentence")
    assert "3项指标中" in page.locator("#profile-sentence").inner_text()
    wait_for_charts(page, 2)
    page.screenshot(path=str(OUTPUT / "results-profile.png"), full_page=True)


def test_what_if_shows_the_new_rank_live(browser, live_server, scored):
    # Rivals' names show an assessed unit only once the run is published (before, its gap page hides them).
    publish(scored.jan, scored.w.office)
    page = page_for(browser, live_server, "assessed_a")
    page.goto(f"{live_server.url}/results/units/C-A/gap/?run={scored.jan.pk}")
    assert "追上第1名（乙区）" in page.locator("#gap-table").inner_text()
    page.get_by_label("固定资产投资").fill("10")
    page.get_by_role("button", name="重新测算").click()
    page.wait_for_selector("#what-if-outcome")
    assert "组内第1名" in page.locator("#what-if-outcome").inner_text()
    page.screenshot(path=str(OUTPUT / "results-what-if.png"), full_page=True)


def test_publish_appeal_accept_and_the_public_page_shows_the_corrected_tiers(browser, live_server, scored, tmp_path):
    office = page_for(browser, live_server, "office")
    office.goto(f"{live_server.url}/results/runs/{scored.annual.pk}/")
    office.get_by_role("button", name="公示结果").click()
    office.wait_for_selector("text=公示期至")
    office.screenshot(path=str(OUTPUT / "results-published.png"), full_page=True)

    unit = page_for(browser, live_server, "assessed_a")
    unit.goto(f"{live_server.url}/results/appeals/")
    unit.get_by_role("link", name="提出申诉").click()
    unit.select_option("#id_indicator", "INV")
    unit.fill("#id_claimed_value", "9.5")
    unit.fill("#id_reason", "12月两个重大项目投资漏报，附统计局更正函。")
    proof = tmp_path / "更正函.pdf"  # appeals accept PDF, images, Word, Excel and OFD only
    proof.write_bytes(b"%PDF-1.4\n% statistics bureau correction letter\n%%EOF\n")
    unit.set_input_files("#id_attachments", str(proof))
    unit.screenshot(path=str(OUTPUT / "results-appeal-form.png"), full_page=True)
    unit.get_by_role("button", name="提交申诉").click()
    unit.wait_for_selector("#appeal-status")
    assert "待处理" in unit.locator("#appeal-status").inner_text()
    appeal_url = unit.url

    office.goto(appeal_url)
    office.fill("#id_response", "经核实，统计局确认漏报，予以更正。")
    office.get_by_role("button", name="采纳并重新计分").click()
    office.wait_for_selector("text=更正后结果")
    office.screenshot(path=str(OUTPUT / "results-appeal-answered.png"), full_page=True)

    unit.goto(appeal_url)
    assert "已采纳" in unit.locator("#appeal-status").inner_text()
    unit.goto(f"{live_server.url}/notifications/")
    assert "已采纳" in unit.locator("#notifications").inner_text()

    public = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    public.goto(f"{live_server.url}/public/")
    public.locator("#public-list a", has_text="（更正）").click()
    text = public.locator("#public-totals").inner_text()
    # Corrected: 甲区 25 first (第一等次), 乙区 21.
    assert text.index("甲区") < text.index("乙区") and "第一等次" in text
    public.screenshot(path=str(OUTPUT / "results-public.png"), full_page=True)
