"""Real Chromium through the 报告 flow: the office makes a 月度晒榜通报 draft, edits a sentence, issues
it; another district's office finds it in the register. Screenshots: var/test-output/reports-*.png."""

from __future__ import annotations

import pytest

from kaohe.documents.models import IssuedDocument, Status
from kaohe.lib import gbt9704
from tests.browser.conftest import OUTPUT
from tests.browser.test_projects import sign_in
from tests.results.fixtures import build_scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_drafts_edits_and_issues_a_bulletin(browser, live_server, org_world):
    if not gbt9704.soffice_path():
        pytest.skip("LibreOffice is not installed (.ci/run installs it)")
    build_scored(org_world)
    page = sign_in(browser, live_server, "office")
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="报告", exact=True).first.wait_for()
    page.screenshot(path=str(OUTPUT / "reports-index-empty.png"), full_page=True)
    page.select_option("#src-monthly", label="2025年2月（测试考核方案）")
    page.locator("form:has(#src-monthly) button[type=submit]").click()
    page.wait_for_selector("text=已生成草稿")
    text = page.locator("textarea[name=text]")
    text.fill(text.input_value().replace("四、下步要求", "四、下步要求\n各区要比学赶超，争先进位。"))
    page.screenshot(path=str(OUTPUT / "reports-draft.png"), full_page=True)
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_selector("text=草稿已保存")
    page.check("input[name=confirm]")
    page.get_by_role("button", name="编号并印发").click()
    page.wait_for_selector("text=已印发：", timeout=60000)
    page.screenshot(path=str(OUTPUT / "reports-issued.png"), full_page=True)
    doc = IssuedDocument.objects.get(kind="monthly")
    assert doc.status == Status.ISSUED and "各区要比学赶超，争先进位。" in doc.text
    page.close()
    other = sign_in(browser, live_server, "office_b")
    other.goto(f"{live_server.url}/reports/?q=比学赶超")
    other.wait_for_selector(f"#document-table >> text={doc.number}")
    assert "待印发草稿" not in other.content() and "生成通报草稿" not in other.content()
    other.screenshot(path=str(OUTPUT / "reports-index-district.png"), full_page=True)
    other.close()
