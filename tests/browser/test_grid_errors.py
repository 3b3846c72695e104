"""Real Chromium: a refused entry in the grid says why next to the cell, counts as an error,
never reads 已保存, and survives a reload marked as not saved; the 待说明 counter moves live.

Screenshots: var/test-output/grid-*.png.
"""

from __future__ import annotations

import pytest

from kaohe.assessment.models import DataValue
from tests.assessment.factories import adopted_version, periods, put
from tests.browser.conftest import OUTPUT
from tests.browser.test_assessment import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cell(page, unit, code):
    return page.locator(f'td[data-u="{unit.pk}"][data-i="{code}"]')


def test_abc_and_minus_20_are_refused_in_words_counted_and_still_marked_after_a_reload(browser, live_server, org_world):
    w = org_world
    version = adopted_version(w)
    months = periods(2025)
    put(w, version, months[2], {("C-A", "jobs"): 100}, user=w.users["submitter"])
    page = sign_in(browser, live_server, "submitter")
    url = f"{live_server.url}/assessment/data/{version.pk}/{months[3].pk}/{w.stats_bureau.pk}/"
    page.goto(url)
    errors = page.locator("#g-n-err")
    warnings = page.locator("#g-n-warn")
    assert errors.inner_text() == "0" and warnings.inner_text() == "0"
    # 甲区 fai: "abc"; 乙区 fai: "-20" (not allowed: negative)
    cell(page, w.district_a, "fai").locator("input").fill("abc")
    cell(page, w.district_b, "fai").locator("input").fill("-20")
    cell(page, w.district_b, "fai").locator("input").press("Enter")
    page.wait_for_function("document.querySelectorAll('td.g-err').length === 2")
    status = page.locator("#g-status").inner_text()
    assert "已保存" not in status
    assert "2 项未保存" in status and "不是数字" in status and "为负数" in status and "固定资产投资" in status
    assert errors.inner_text() == "2"
    # the reason is written next to the cell, not only in a tooltip
    assert "不是数字" in cell(page, w.district_a, "fai").locator(".g-msg").inner_text()
    assert "为负数" in cell(page, w.district_b, "fai").locator(".g-msg").inner_text()
    page.screenshot(path=str(OUTPUT / "grid-1-refused.png"), full_page=True)
    assert not DataValue.objects.filter(period=months[3]).exists()

    # a reload shows what is stored (nothing) and the refused entries again, marked
    page.reload()
    page.wait_for_load_state("networkidle")
    assert cell(page, w.district_a, "fai").locator("input").input_value() == "abc"
    assert "g-err" in cell(page, w.district_a, "fai").get_attribute("class")
    assert "未保存" in cell(page, w.district_b, "fai").locator(".g-msg").inner_text()
    assert errors.inner_text() == "2"
    assert "2 项输入未能保存" in page.locator("#g-status").inner_text()
    page.screenshot(path=str(OUTPUT / "grid-2-after-reload.png"), full_page=True)

    # fixing one: it saves, the counter drops; a +80% jump on last month needs a 说明, counted live
    cell(page, w.district_a, "fai").locator("input").fill("180")
    cell(page, w.district_a, "fai").locator("input").press("Enter")
    page.wait_for_function("document.getElementById('g-n-err').textContent === '1'")
    assert warnings.inner_text() == "0"
    cell(page, w.district_a, "jobs").locator("input").fill("180")
    cell(page, w.district_a, "jobs").locator("input").press("Enter")
    page.wait_for_function("document.getElementById('g-n-warn').textContent === '1'")
    assert "g-warn" in cell(page, w.district_a, "jobs").get_attribute("class")
    cell(page, w.district_b, "fai").locator("input").fill("90")
    cell(page, w.district_b, "fai").locator("input").press("Enter")
    page.wait_for_function("document.getElementById('g-n-err').textContent === '0'")
    assert "已保存" in page.locator("#g-status").inner_text()
    page.reload()
    page.wait_for_load_state("networkidle")
    assert errors.inner_text() == "0" and page.locator("td.g-unsaved").count() == 0
    assert {(u, i): float(v) for u, i, v in DataValue.objects.filter(period=months[3]).values_list("unit__code", "indicator", "value")} == {("C-A", "fai"): 180, ("C-B", "fai"): 90, ("C-A", "jobs"): 180}
