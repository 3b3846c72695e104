"""Real Chromium through the scheme editor (方案编辑器): the office drags an indicator to another
category, moves one with ↑, changes a points value and watches the sums follow, picks a method and
sees its parameters and its rule in words, saves; then types a wrong figure and sees the reason in
Chinese at the field.

Screenshots: var/test-output/editor-*.png (look at them after a change to the editor).
"""

from __future__ import annotations

import re

import pytest

from kaohe.assessment import schemes
from kaohe.assessment.models import SchemeVersion
from tests.assessment.factories import adopted_version
from tests.browser.conftest import OUTPUT
from tests.browser.test_assessment import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"editor-{name}.png"), full_page=True)


def _item(page, code):
    return page.locator(f"[data-ed-node]:has(> details input[name$='-code'][value='{code}'])")


def test_the_office_drags_reorders_edits_and_saves_a_draft(browser, live_server, org_world):
    w = org_world
    draft = schemes.new_version(adopted_version(w), reason="修订", user=w.office)
    errors: list[str] = []
    page = sign_in(browser, live_server, "office")
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/assessment/versions/{draft.pk}/editor/")
    assert page.locator("[data-ed-total]").inner_text() == "35"
    # Names, not codes: no indicator or method code in the visible text (codes live in the fields).
    visible = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    for code in ("gdp_yoy", "fai", "export", "jobs", "safety", "rank_points", "efficacy", "threshold", "ECO"):
        assert re.search(rf"\b{code}\b", visible) is None, code
    # The draft has no targets for 城镇新增就业 (scored by target): the warning says so.
    assert "城镇新增就业" in page.inner_text("[data-testid=targets-missing]")
    shot(page, "1-opened")

    # Drag 安全事故 (民生保障) by its handle onto the 经济发展 category: it goes in as its last indicator.
    safety = _item(page, "safety")
    eco_head = page.locator("[data-ed-node]:has(> .ed-node-head input[value='经济发展']) > .ed-node-head")
    safety.locator("[data-ed-handle]").first.drag_to(eco_head, target_position={"x": 200, "y": 30})
    eco_sum = page.locator("[data-ed-node]:has(> .ed-node-head input[value='经济发展']) > .ed-node-head [data-ed-sum]")
    assert eco_sum.inner_text() == "30"  # 25 + 5
    # ↑ moves 出口总额 above 固定资产投资.
    _item(page, "export").locator("[data-ed-move=up]").first.click()
    # A new points value: the sums follow as one types.
    fai = _item(page, "fai")
    fai.locator("summary").first.click()
    fai.locator("input[name$='-points']").fill("12")
    assert eco_sum.inner_text() == "32" and page.locator("[data-ed-total]").inner_text() == "37"
    page.fill("#top-total", "37")
    assert "一致" in page.locator("[data-ed-total-state]").inner_text()
    # Switch 固定资产投资 to 排名赋分: its parameters appear, the rule is said in words.
    fai.locator("select[name$='-method']").select_option("rank_points")
    fai.locator("input[name$='-m-rank_points-step']").fill("1.5")
    assert "每后移一名扣1.5分" in fai.locator("[data-ed-rule-words]").inner_text()
    assert fai.locator("[data-ed-params=rank_points]").is_visible()
    assert not fai.locator("[data-ed-params=efficacy]").is_visible()
    shot(page, "2-edited")
    page.fill("#ed-reason", "调整指标顺序与分值")
    page.click("[data-ed-save]")
    page.wait_for_load_state("networkidle")
    assert "方案已保存" in page.inner_text("body")

    content = SchemeVersion.objects.get(pk=draft.pk).content
    eco, liv = content["root"]["children"]
    assert [c["code"] for c in eco["children"]] == ["gdp_yoy", "export", "fai", "safety"]
    assert [c["code"] for c in liv["children"]] == ["jobs"]
    assert eco["children"][2]["points"] == 12 and eco["children"][2]["method"] == "rank_points"
    assert eco["children"][2]["params"] == {"step": 1.5} and content["total"] == 37

    # A wrong figure: not saved, the reason in Chinese at the field.
    fai = _item(page, "fai")
    fai.locator("summary").first.click()
    fai.locator("input[name$='-points']").fill("十二")
    page.click("[data-ed-save]")
    page.wait_for_load_state("networkidle")
    field = _item(page, "fai").locator(".field-has-error").first
    assert "应为数字，而不是“十二”" in field.inner_text()
    assert "未保存" in page.inner_text("[data-ed-errors]")
    shot(page, "3-error")
    assert SchemeVersion.objects.get(pk=draft.pk).content == content

    # 目标值 beside the scheme: type both districts' targets and save.
    page.goto(f"{live_server.url}/assessment/versions/{draft.pk}/targets/")
    page.fill(f"input[name=t-{w.district_a.pk}-jobs]", "1200")
    page.fill(f"input[name=t-{w.district_b.pk}-jobs]", "980")
    shot(page, "4-targets")
    page.click("button:has-text('保存目标值')")
    page.wait_for_load_state("networkidle")
    assert "已保存 2 项目标值" in page.inner_text("body")
    assert page.locator("[data-testid=targets-missing]").count() == 0
    assert errors == []
