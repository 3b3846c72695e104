"""Real Chromium through the monitor's three pages as the city's leader and as 乙区's office.
Screenshots: var/test-output/monitor-*.png (look at them)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import OUTPUT
from tests.factories import PASSWORD
from tests.monitor.factories import world_with_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, username):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    return page


def latin_words(text: str) -> set[str]:
    """Words in Latin letters on a Chinese page (codes, English): only the product names Excel, Word, PDF and kaohe (footer) may be there."""
    return set(re.findall(r"[A-Za-z_]{2,}", text)) - {"Excel", "Word", "PDF", "kaohe"}


def test_the_leader_reads_the_monitor_the_indicator_and_a_unit(browser, live_server, org_world):
    world_with_figures(org_world)
    page = sign_in(browser, live_server, "leader")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="经济运行监测").first.click()
    page.select_option("select[name=year]", "2026")
    page.select_option("select[name=month]", "3")
    page.click("form.mon-when button[type=submit]")
    page.wait_for_load_state()
    board = page.locator("#monitor-board")
    assert "全市" in board.inner_text() and "5.3%" in board.inner_text()  # 316 ÷ 300 − 1
    a_row = board.locator("tr", has_text="甲区")
    gdp_a, gdp_b = a_row.locator("td").nth(1), board.locator("tr", has_text="乙区").locator("td").nth(1)
    assert "10.0%" in gdp_a.inner_text() and "mon-ok" in gdp_a.get_attribute("class")  # 开门红 met: red
    assert "3.0%" in gdp_b.inner_text() and "mon-miss" in gdp_b.get_attribute("class")  # missed: green
    assert not latin_words(page.locator("main").inner_text())
    page.screenshot(path=str(OUTPUT / "monitor-board.png"), full_page=True)

    page.get_by_role("link", name="地区生产总值").first.click()
    page.wait_for_selector("#monitor-indicator")
    page.wait_for_selector("[data-chart-ready]")
    text = page.locator("#monitor-indicator").inner_text()
    assert "高于全市平均4.7个百分点" in text and "+4.7个百分点" in text and "110.00亿元" in text
    assert not latin_words(page.locator("main").inner_text())
    page.screenshot(path=str(OUTPUT / "monitor-indicator.png"), full_page=True)

    page.get_by_role("link", name="甲区").first.click()
    page.wait_for_selector("#monitor-unit")
    text = page.locator("#monitor-unit").inner_text()
    assert "一般公共预算收入" in text and "按上年同期数推算" in text  # budget revenue: no published rate
    assert not latin_words(page.locator("main").inner_text())
    page.screenshot(path=str(OUTPUT / "monitor-unit.png"), full_page=True)

    page.goto(f"{live_server.url}/monitor/settings/?year=2026")
    text = page.locator("#monitor-settings").inner_text()
    assert "测试市高质量发展考核" in text and "未发布，按上年同期数推算" in text and "1–3月、1–6月、1–9月" in text
    assert not latin_words(page.locator("main").inner_text())
    page.screenshot(path=str(OUTPUT / "monitor-settings.png"), full_page=True)
    page.close()


def test_the_same_role_outsider_sees_only_its_own_district(browser, live_server, org_world):
    world_with_figures(org_world)
    page = sign_in(browser, live_server, "office_b")
    page.goto(f"{live_server.url}/monitor/?year=2026&month=6")
    text = page.locator("#monitor-board").inner_text()
    assert "乙区" in text and "甲区" not in text
    page.screenshot(path=str(OUTPUT / "monitor-board-office_b.png"), full_page=True)
    response = page.goto(f"{live_server.url}/monitor/units/C-A/")
    assert response.status == 404
    page.close()
