"""Real Chromium through data collection: the statistics bureau fills its grid by keyboard and by
pasting a block from Excel, the commerce bureau uploads an Excel file with a mistake, sees the
message, fixes it and submits; the office bulk-approves and locks the period.

Screenshots: var/test-output/assessment-*.png (look at them after a change to these pages).
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from kaohe.assessment import excel
from kaohe.assessment.models import DataValue, Period, Submission
from tests.assessment.factories import adopted_version, periods
from tests.browser.conftest import OUTPUT
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state("networkidle")
    return page


def shot(page, name):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"assessment-{name}.png"), full_page=True)


def test_two_units_fill_a_period_and_the_office_approves_and_locks(browser, live_server, org_world, tmp_path):
    w = org_world
    version = adopted_version(w)
    march = periods(2025)[3]
    base = f"{live_server.url}/assessment/data/{version.pk}/{march.pk}"

    # 1. 统计局 types into the grid: Enter moves down, Tab moves right; then pastes a block.
    page = sign_in(browser, live_server, "submitter")
    page.goto(f"{base}/{w.stats_bureau.pk}/")
    first = page.locator(f'td[data-u="{w.district_a.pk}"][data-i="fai"] input')
    first.click()
    page.keyboard.type("120.5")
    page.keyboard.press("Enter")  # → 乙区 fai
    page.keyboard.type("98")
    page.keyboard.press("Tab")  # → 乙区 jobs
    page.keyboard.type("1500")
    page.keyboard.press("Tab")
    page.wait_for_function("document.getElementById('g-status').textContent.includes('已保存')")
    # Paste 甲区's jobs and gdp as one block copied from Excel (tab-separated).
    jobs_a = page.locator(f'td[data-u="{w.district_a.pk}"][data-i="jobs"] input')
    jobs_a.click()
    jobs_a.evaluate("""el => { const dt = new DataTransfer(); dt.setData('text', '1200\\t310.2\\n');
        el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true})); }""")
    page.locator(f'td[data-u="{w.district_b.pk}"][data-i="gdp"] input').fill("280")
    page.locator(f'td[data-u="{w.district_b.pk}"][data-i="gdp"] input').press("Enter")
    page.wait_for_function("document.querySelectorAll('.g-dirty').length === 0 && document.getElementById('g-status').textContent.includes('已保存')")
    shot(page, "1-grid-filled")
    stored = dict(((u, i), v) for u, i, v in DataValue.objects.values_list("unit__code", "indicator", "value"))
    assert {k: float(v) for k, v in stored.items()} == {
        ("C-A", "fai"): 120.5, ("C-B", "fai"): 98, ("C-B", "jobs"): 1500, ("C-A", "jobs"): 1200,
        ("C-A", "gdp"): 310.2, ("C-B", "gdp"): 280,
    }
    # A negative value is marked at once.
    cell = page.locator(f'td[data-u="{w.district_b.pk}"][data-i="fai"]')
    cell.locator("input").fill("-5")
    cell.locator("input").press("Enter")
    page.wait_for_function(f"document.querySelector('td[data-u=\"{w.district_b.pk}\"][data-i=\"fai\"]').classList.contains('g-err')")
    shot(page, "2-grid-error")
    assert "为负数" in cell.get_attribute("title")
    cell.locator("input").fill("98")
    cell.locator("input").press("Enter")
    page.wait_for_function(f"!document.querySelector('td[data-u=\"{w.district_b.pk}\"][data-i=\"fai\"]').classList.contains('g-err')")
    page.click("[data-testid=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=submission-status]").inner_text() == "已提交"
    shot(page, "3-grid-submitted")

    # 2. 商务局 uploads an Excel file with a mistake, sees it, fixes it, submits.
    page2 = sign_in(browser, live_server, "submitter_b")
    wb = openpyxl.load_workbook(io.BytesIO(excel.template_workbook(version, march, w.commerce_bureau)))
    ws = wb["数据"]
    assert [ws["C1"].value, ws["D1"].value] == ["export", "trade"]
    ws["C4"], ws["D4"] = 320, 500
    ws["C5"], ws["D5"] = "三百", 400  # not a number
    bad = tmp_path / "商务局-2025-03.xlsx"
    wb.save(bad)
    page2.goto(f"{base}/{w.commerce_bureau.pk}/upload/")
    page2.set_input_files("input[name=file]", str(bad))
    page2.click("button[type=submit].btn-primary")
    page2.wait_for_selector("[data-testid=upload-problems]")
    shot(page2, "4-upload-error")
    assert "“三百”不是数字" in page2.content()
    assert not DataValue.objects.filter(indicator__in=["trade", "export"]).exists()
    ws["C5"] = 300
    good = tmp_path / "商务局-2025-03-fixed.xlsx"
    wb.save(good)
    page2.set_input_files("input[name=file]", str(good))
    page2.locator("form[enctype] button[type=submit].btn-primary").click()
    page2.wait_for_url(f"{base}/{w.commerce_bureau.pk}/")
    assert DataValue.objects.filter(indicator__in=["trade", "export"]).count() == 4
    page2.click("[data-testid=submit]")
    page2.wait_for_load_state("networkidle")
    shot(page2, "5-commerce-submitted")
    assert page2.locator("[data-testid=submission-status]").inner_text() == "已提交"

    # 3. The office sees the board, approves both in bulk and locks the period.
    page3 = sign_in(browser, live_server, "office")
    page3.goto(f"{live_server.url}/assessment/review/{version.pk}/{march.pk}/")
    shot(page3, "6-review-board")
    assert page3.locator("[data-testid=completion-board] tbody tr").count() == 2
    page3.click("button[name=action][value=approve]")
    page3.wait_for_load_state("networkidle")
    assert set(Submission.objects.values_list("status", flat=True)) == {"approved"}
    page3.click("button[name=action][value=lock]")
    page3.wait_for_load_state("networkidle")
    shot(page3, "7-locked")
    assert set(Submission.objects.values_list("status", flat=True)) == {"locked"}
    assert Period.objects.get(pk=march.pk).status == "locked"
