"""Real Chromium through the shell: every role logs in, sees Chinese, switches to English.

Screenshots land in var/test-output/shell-<role>-<lang>.png (and a tablet-width one);
look at them after a change to the shell.
"""

from __future__ import annotations

import pytest

from kaohe.orgs.models import Role
from tests.browser.conftest import OUTPUT
from tests.web.factories import PASSWORD, city_with_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(settings):
    settings.KAOHE_HOME_COCKPIT = False  # the shell's home page, whatever results provides
    return city_with_people()


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("nav.sidenav", state="attached")


@pytest.mark.parametrize("role", [Role.OFFICE, Role.LEADER, Role.SUBMITTER, Role.ASSESSED])
def test_each_role_sees_chinese_home_and_can_switch_to_english(browser, live_server, people, role):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    person = people[role]
    page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    sign_in(page, live_server, person.user.username)

    nav = page.locator("nav.sidenav")
    assert nav.get_by_text("重大项目").is_visible()
    assert nav.get_by_text("考核方案").is_visible()
    assert (nav.get_by_text("操作日志").count() == 1) == (role == Role.OFFICE)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert person.display_name in page.locator(".welcome h1").inner_text()
    page.screenshot(path=str(OUTPUT / f"shell-{role}-zh.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert nav.get_by_text("Major projects").is_visible()
    assert page.get_by_text("Welcome,").is_visible()
    page.screenshot(path=str(OUTPUT / f"shell-{role}-en.png"), full_page=True)
    page.close()


def test_wrong_password_is_explained_on_the_login_page(browser, live_server, people):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit].btn-primary")
    assert page.get_by_role("alert").inner_text().startswith("用户名或密码不正确")
    page.screenshot(path=str(OUTPUT / "shell-login-error-zh.png"), full_page=True)
    page.close()


def test_tablet_width_collapses_the_navigation_behind_a_menu_button(browser, live_server, people):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 800, "height": 1100}, locale="zh-CN")
    sign_in(page, live_server, "office")
    toggle = page.locator("[data-nav-toggle]")
    assert toggle.is_visible()
    assert not page.locator("nav.sidenav").is_visible()
    page.screenshot(path=str(OUTPUT / "shell-tablet-zh.png"), full_page=True)
    toggle.click()
    assert page.locator("nav.sidenav").get_by_text("重大项目").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.wait_for_timeout(300)  # let the drawer finish sliding in before the screenshot
    page.screenshot(path=str(OUTPUT / "shell-tablet-menu-zh.png"))
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    page.close()


def test_keyboard_user_reaches_the_skip_link_first(browser, live_server, people):
    page = browser.new_page(viewport={"width": 1366, "height": 860}, locale="zh-CN")
    sign_in(page, live_server, "assessed")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.close()


def test_a_chart_is_drawn_from_its_json_options_block(browser, live_server, people):
    page = browser.new_page(viewport={"width": 1000, "height": 700}, locale="zh-CN")
    sign_in(page, live_server, "office")
    assert page.evaluate("typeof window.echarts") == "undefined"  # loaded only when a page has a chart
    page.evaluate("""() => {
        const main = document.querySelector('.main-inner');
        main.insertAdjacentHTML('afterbegin',
          '<div class="card"><div class="chart" data-chart-options="t-opts" role="img" aria-label="测试"></div>' +
          '<script type="application/json" id="t-opts">' +
          '{"animation":false,"xAxis":{"type":"category","data":["1月","2月","3月"]},"yAxis":{"type":"value",' +
          '"axisLabel":{"formatter":{"__fmt":"percent"}}},"series":[{"type":"bar","data":[5.2,6.1,4.8]}]}' +
          '</script></div>');
        window.kaoheCharts.init(main);
    }""")
    page.wait_for_selector(".chart[data-chart-ready] canvas")
    assert page.evaluate("typeof window.echarts") == "object"
    page.screenshot(path=str(OUTPUT / "shell-chart-zh.png"))
    page.close()
