"""Real Chromium through the attraction flows: the kanban of nine stages (nothing clipped on the
right), a lead evaluated, signed and started, the office recognising the start (a major project
appears), the unit's board and the events calendar. Screenshots: var/test-output/attraction-*.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kaohe.attraction import services
from kaohe.attraction.models import AttractionProject, EventKind, Stage
from kaohe.projects.models import Project
from tests.attraction.factories import lead, walk
from tests.browser.conftest import OUTPUT
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date


@pytest.fixture
def world(org_world):
    w = org_world
    services.ensure_bands()
    for i, stage in enumerate([Stage.LEAD, Stage.TALKS, Stage.SIGNED, Stage.REGISTERED, Stage.LANDED, Stage.STARTED,
                               Stage.IN_STATS, Stage.PRODUCING, Stage.EFFECTIVE]):
        p = lead(unit=w.district_a, name=f"甲区{stage.label}示例项目（名称较长，检验换行）", amount=Decimal(20000 + 5000 * i))
        walk(p, stage)
    w.project = lead(unit=w.district_a, name="甲区高端装备智能制造基地", investor="长三角博远科技有限公司",
                     amount=Decimal(120000), land_mu=Decimal(300), expected_tax=Decimal(9600))
    services.create_event({"unit": w.district_a, "kind": EventKind.THEMATIC, "name": "甲区高端装备专题招商会",
                           "planned_on": D(2026, 11, 20)})
    e = services.create_event({"unit": w.district_a, "kind": EventKind.COMPREHENSIVE, "name": "甲区投资环境推介会",
                               "planned_on": D(2026, 11, 3)})
    services.hold_event(e, held_on=D(2026, 11, 3))
    return w


def sign_in(browser, live_server, username, width=1366, password=PASSWORD):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("width", [1366, 1024])
def test_the_kanban_shows_all_nine_stages_without_clipping(browser, live_server, world, width):
    page = sign_in(browser, live_server, "office_a", width)
    page.goto(f"{live_server.url}/attraction/kanban/")
    columns = page.locator("#kanban .zs-col")
    assert columns.count() == 9
    viewport = page.viewport_size["width"]
    for i in range(9):
        box = columns.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport, f"column {i} clipped at {box}"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(OUTPUT / f"attraction-kanban-{width}.png"), full_page=True)
    page.close()


def test_a_lead_is_evaluated_signed_started_and_recognised(browser, live_server, world):
    page = sign_in(browser, live_server, "assessed_a")
    page.goto(f"{live_server.url}/attraction/{world.project.pk}/")
    # 在谈
    page.fill("#advance-form input[name=on]", "2026-09-01")
    page.fill("#advance-form input[name=evidence]", "首次洽谈纪要")
    page.click("#advance-form button[type=submit]")
    page.wait_for_selector("text=已登记节点“在谈”")
    # signing before the evaluation is refused with the reason
    page.fill("#advance-form input[name=on]", "2026-09-20")
    page.fill("#advance-form input[name=evidence]", "投资协议")
    page.click("#advance-form button[type=submit]")
    page.wait_for_selector("text=签约前须完成准入评估并记录决策")
    page.screenshot(path=str(OUTPUT / "attraction-sign-refused.png"), full_page=True)
    # 准入评估: 12亿 (20) + 400万元/亩 (20) + 32万元/亩·年 (20) + 13 + 12 + 8 = 93
    page.fill("#evaluation-form input[name=score_fit]", "13")
    page.fill("#evaluation-form input[name=score_tech]", "12")
    page.fill("#evaluation-form input[name=score_energy]", "8")
    page.fill("#evaluation-form input[name=decider]", "甲区招商引资项目评审委员会")
    page.fill("#evaluation-form input[name=decided_on]", "2026-09-10")
    page.click("#evaluation-form button[type=submit]")
    page.wait_for_selector("#evaluation >> text=93.00")
    for stage, day, evidence in (("签约", "2026-09-20", "投资协议ZS-2026-118"), ("注册", "2026-09-28", "营业执照"),
                                 ("落地（拿地）", "2026-10-15", "土地成交确认书"), ("开工", "2026-11-01", "施工许可证")):
        page.fill("#advance-form input[name=on]", day)
        page.fill("#advance-form input[name=evidence]", evidence)
        page.click("#advance-form button[type=submit]")
        page.wait_for_selector(f"text=已登记节点“{stage}”")
    assert "待认定" in page.locator("#milestones").inner_text()
    page.screenshot(path=str(OUTPUT / "attraction-project-started.png"), full_page=True)
    page.close()
    # the district office recognises the start: the major project appears, linked
    page = sign_in(browser, live_server, "office_a")
    page.goto(f"{live_server.url}/attraction/{world.project.pk}/")
    page.locator("#milestones tr", has_text="开工").get_by_role("button", name="认定").click()
    page.wait_for_selector("#major-project")
    major = Project.objects.get(attraction=world.project)
    assert major.name == "甲区高端装备智能制造基地" and major.total_investment == Decimal(120000)
    page.screenshot(path=str(OUTPUT / "attraction-project-recognised.png"), full_page=True)
    page.locator("#major-project a").click()
    page.wait_for_load_state()
    assert "甲区高端装备智能制造基地" in page.content()
    page.close()
    assert AttractionProject.objects.get(pk=world.project.pk).stage == Stage.STARTED


def test_the_units_board_and_the_events_calendar(browser, live_server, world):
    page = sign_in(browser, live_server, "office_a")
    page.goto(f"{live_server.url}/attraction/units/C-A/")
    assert "招商引资签约项目数" in page.locator("#figures").inner_text()
    page.screenshot(path=str(OUTPUT / "attraction-board.png"), full_page=True)
    page.goto(f"{live_server.url}/attraction/events/?year=2026&month=11")
    assert page.locator("#calendar .zs-ev").count() == 2
    page.fill("#event-form input[name=name]", "甲区新能源汽车专题招商会")
    page.select_option("#event-form select[name=unit]", label="甲区")
    page.select_option("#event-form select[name=kind]", value="thematic")
    page.fill("#event-form input[name=planned_on]", "2026-11-26")
    page.click("#event-form button[type=submit]")
    page.wait_for_selector("#calendar >> text=甲区新能源汽车专题招商会")
    page.screenshot(path=str(OUTPUT / "attraction-events.png"), full_page=True)
    page.close()


def test_the_units_board_in_english_names_its_figures_in_english(browser, live_server, world):
    page = sign_in(browser, live_server, "office_a")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(f"{live_server.url}/attraction/units/C-A/")
    figures = page.locator("#figures").inner_text()
    assert "Projects signed" in figures and "Signed projects landed" in figures
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in figures), figures  # no Chinese left among the figures
    page.screenshot(path=str(OUTPUT / "attraction-board-en.png"), full_page=True)
    page.close()


def test_the_demo_citys_kanban_board_and_list_with_four_hundred_projects(browser, live_server):
    """The demo's 427 projects: the kanban still keeps its nine columns inside the page."""
    from kaohe.attraction import demo as attraction_demo
    from kaohe.orgs import demo as orgs_demo
    from kaohe.projects import demo as projects_demo

    ctx = orgs_demo.DemoContext(verbose=False)
    orgs_demo.load(ctx)
    projects_demo.load(ctx)
    attraction_demo.load(ctx)
    page = sign_in(browser, live_server, "kaoheban", password=orgs_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/attraction/kanban/")
    assert page.locator("#kanban .zs-col").count() == 9
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(OUTPUT / "attraction-demo-kanban.png"), full_page=True)
    page.goto(f"{live_server.url}/attraction/units/SFS-TY/?year=2026")
    assert "疑似突击上报，待核实" in page.locator("#held-back").inner_text()
    page.screenshot(path=str(OUTPUT / "attraction-demo-board.png"), full_page=True)
    page.goto(f"{live_server.url}/attraction/?band=1e9")
    page.screenshot(path=str(OUTPUT / "attraction-demo-list.png"), full_page=True)
    page.close()
