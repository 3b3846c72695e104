"""Real Chromium: the office walks the unit tree, moves a street, and finds the change one click away."""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.orgs.services import move_unit
from tests.browser.conftest import OUTPUT
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_finds_a_moved_streets_history_from_the_unit_tree(browser, live_server, org_world):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    town = org_world.towns_a[1]
    move_unit(town, parent=org_world.district_b, kind="street", valid_from=dt.date(2026, 1, 1),
              reason="撤镇设街道", user=org_world.office)
    page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_selector("nav.sidenav", state="attached")

    page.goto(f"{live_server.url}/orgs/")
    page.get_by_role("link", name="乙区").wait_for()
    page.locator("summary", has_text="乙区").click()  # open the district's branch
    page.get_by_role("link", name="甲二镇").click()
    page.wait_for_selector("text=隶属沿革")
    assert page.get_by_text("撤镇设街道").first.is_visible()
    page.screenshot(path=str(OUTPUT / "orgs-unit-moved.png"), full_page=True)

    page.get_by_role("link", name="修改记录").click()
    page.wait_for_selector("table.audit-table")
    assert "object_id=" in page.url
    row = page.locator("table.audit-table tbody tr").first
    assert "撤镇设街道" in row.inner_text() and "office" in row.inner_text()
    row.locator("summary").click()
    assert row.get_by_text("上级单位").is_visible() and "乙区 (#" in row.inner_text()
    page.screenshot(path=str(OUTPUT / "audit-history.png"), full_page=True)
    page.close()
